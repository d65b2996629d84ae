import Testing

@testable import TallyCore

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-03-10 09:12:44.123456+00", "2026-03-10T09:12:44.123456Z"),
        ("2026-03-10 09:12:44+00", "2026-03-10T09:12:44Z"),
        ("2026-03-10 09:12:44.5+00", "2026-03-10T09:12:44.500000Z"),
        ("2026-03-10 09:12:44+05:30", "2026-03-10T03:42:44Z"),
        ("2026-03-10 01:00:00-08", "2026-03-10T09:00:00Z"),
        ("2026-03-10T09:12:44Z", "2026-03-10T09:12:44Z"),
        ("2026-03-10 09:12:44", "2026-03-10T09:12:44Z"),
        ("2024-02-29 23:59:59.999999+00", "2024-02-29T23:59:59.999999Z"),
        ("1969-12-31 23:59:59+00", "1969-12-31T23:59:59Z"),
        ("2026-03-10", "2026-03-10T00:00:00Z"),
    ])
    func parsesPostgresOutput(_ text: String, _ iso: String) {
        #expect(Timestamp.parse(text)?.iso8601 == iso)
    }

    @Test(arguments: ["", "2026-3-10", "2026-02-30 00:00:00", "2026-03-10 25:00:00", "2026-03-10 09:12:44+", "garbage"])
    func rejectsGarbage(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func civilDatesRoundTrip() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(CivilDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(CivilDate(iso: "2026-03-10")?.daysSinceEpoch == 20522)
        #expect(CivilDate(iso: "2026-02-29") == nil)
        #expect(CivilDate(iso: "2024-02-29")?.adding(days: 1).description == "2024-03-01")
        #expect(CivilDate(iso: "10-03-2026") == nil)
    }
}
