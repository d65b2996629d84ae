import Foundation
import TallyCore
import TallyEngine
import Testing

/// The nightly default's "yesterday" is the configured zone's, across daylight-saving changes.
@Suite struct NightlyWindowTests {
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test(arguments: [
        // 00:30 in Berlin on the night clocks go forward (CET → CEST): the Berlin day just ended is the 28th
        ("2026-03-28T23:30:00Z", "Europe/Berlin", "2026-03-28"),
        // 03:30 CEST, after the change
        ("2026-03-29T01:30:00Z", "Europe/Berlin", "2026-03-28"),
        // the night clocks go back (CEST → CET): 00:30 CEST and 02:30 CET on the 25th
        ("2026-10-24T22:30:00Z", "Europe/Berlin", "2026-10-24"),
        ("2026-10-25T01:30:00Z", "Europe/Berlin", "2026-10-24"),
        // New York is still on the 8th when UTC is already on the 9th (its DST starts on 2026-03-08)
        ("2026-03-09T03:00:00Z", "America/New_York", "2026-03-07"),
        ("2026-03-09T05:00:00Z", "America/New_York", "2026-03-08"),
        ("2026-03-09T05:00:00Z", "UTC", "2026-03-08"),
        // Auckland is a day ahead of UTC
        ("2026-04-04T13:00:00Z", "Pacific/Auckland", "2026-04-04"),
    ])
    func yesterdayIsTheZonesYesterday(_ now: String, _ zone: String, _ expected: String) throws {
        #expect(try NightlyWindow.yesterday(in: zone, now: Self.instant(now)).description == expected)
    }

    @Test func anUnknownZoneIsAUsageError() {
        #expect(throws: RunError.self) { try NightlyWindow.yesterday(in: "Mars/Olympus") }
    }
}
