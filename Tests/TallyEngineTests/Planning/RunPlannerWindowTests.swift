import TallyCore
import TallyEngine
import TallyIngest
import Testing

/// The nightly default across providers and the `--per-day` expansion.
@Suite struct RunPlannerWindowTests {
    typealias F = PlannerFixture

    static let yaml = """
        providers:
          berlin: { format: stripe, file_pattern: "/in/berlin/{date}.csv", timezone: Europe/Berlin }
          newyork: { format: adyen, file_pattern: "/in/newyork/{yyyy}{mm}{dd}.csv", timezone: America/New_York }
          late: { format: paypal, file_pattern: "/in/late/{date}.csv" }
          manual: { format: stripe }
        """

    @Test func theNightlyDefaultIsYesterdayInEachProvidersZone() throws {
        let present: Set = ["/in/berlin/2026-03-10.csv", "/in/newyork/20260309.csv"]
        let runs = try F.planner(RunFlags(), try F.config(Self.yaml), present: present).plan()
        #expect(runs.map(\.provider) == ["berlin", "newyork", "late", "manual"])
        #expect(
            runs.map(\.step.summary) == [
                "run 2026-03-10..2026-03-10 [\"/in/berlin/2026-03-10.csv\"]",
                "run 2026-03-09..2026-03-09 [\"/in/newyork/20260309.csv\"]",
                "skipped: late: no settlement file for 2026-03-10 (/in/late/2026-03-10.csv); skipped",
                "skipped: manual: no file_pattern in the config; skipped by the nightly default",
            ])
    }

    @Test func asOfPicksTheSameDayForEveryProvider() throws {
        let flags = F.flags { $0.asOf = F.date("2026-04-01") }
        let present: Set = ["/in/berlin/2026-03-31.csv", "/in/newyork/20260331.csv", "/in/late/2026-03-31.csv"]
        let runs = try F.planner(flags, try F.config(Self.yaml), present: present).plan()
        #expect(
            runs.prefix(3).map(\.step.summary) == [
                "run 2026-03-31..2026-03-31 [\"/in/berlin/2026-03-31.csv\"]",
                "run 2026-03-31..2026-03-31 [\"/in/newyork/20260331.csv\"]",
                "run 2026-03-31..2026-03-31 [\"/in/late/2026-03-31.csv\"]",
            ])
    }

    @Test func aNamedProviderWithoutItsNightlyFileFails() throws {
        let flags = F.flags { $0.provider = "late" }
        let runs = try F.planner(flags, try F.config(Self.yaml)).plan()
        #expect(
            runs.map(\.step.summary) == [
                "missing: no settlement file for 2026-03-10 (/in/late/{date}.csv); pass --allow-missing to run without them"
            ])
    }

    @Test func anUnknownZoneFailsOnlyItsProvider() throws {
        let yaml = "providers:\n  a: { format: stripe, file_pattern: \"/in/{date}.csv\" }\n"
        var config = try F.config(yaml)
        config.providers[0].timezone = "Mars/Olympus"
        let runs = try F.planner(RunFlags(), config).plan()
        #expect(
            runs.map(\.step.summary) == [
                "failed: a: unknown time zone 'Mars/Olympus'; use an IANA name such as UTC or Europe/Berlin."
            ])
    }

    func perDay(allowMissing: Bool) throws -> DayRange {
        let flags = F.flags {
            $0.provider = "berlin"
            $0.from = F.date("2026-03-01")
            $0.to = F.date("2026-03-04")
            $0.perDay = true
            $0.allowMissing = allowMissing
            $0.out = "out"
        }
        let present: Set = ["/in/berlin/2026-03-01.csv", "/in/berlin/2026-03-03.csv"]
        let runs = try F.planner(flags, try F.config(Self.yaml), present: present).plan()
        try #require(runs.count == 1)
        guard case .perDay(let range) = runs[0].step else { throw F.Unexpected(description: runs[0].step.summary) }
        return range
    }

    @Test(arguments: [false, true])
    func perDayRunsEachPresentDayAndNamesTheMissingOnes(allowMissing: Bool) throws {
        let range = try perDay(allowMissing: allowMissing)
        #expect(range.allowMissing == allowMissing)
        #expect(range.days.count == 4)
        #expect(range.missing.map(\.description) == ["2026-03-02", "2026-03-04"])
        let runs = range.days.compactMap { day -> RunOptions? in if case .run(_, let options) = day { options } else { nil } }
        #expect(runs.map(\.files) == [["/in/berlin/2026-03-01.csv"], ["/in/berlin/2026-03-03.csv"]])
        #expect(runs.map(\.outDirectory) == ["out/2026-03-01", "out/2026-03-03"])
        #expect(runs.map { "\($0.from)..\($0.to)" } == ["2026-03-01..2026-03-01", "2026-03-03..2026-03-03"])
        guard case .missing(_, let path) = range.days[1] else {
            Issue.record("day 2 should be missing")
            return
        }
        #expect(path == "/in/berlin/2026-03-02.csv")
    }

    @Test func aWindowWithAMissingDayNeedsAllowMissing() throws {
        var flags = F.flags {
            $0.provider = "berlin"
            $0.from = F.date("2026-03-01")
            $0.to = F.date("2026-03-02")
        }
        let config = try F.config(Self.yaml)
        let present: Set = ["/in/berlin/2026-03-01.csv"]
        #expect(
            try F.planner(flags, config, present: present).plan().map(\.step.summary) == [
                "missing: no settlement file for 2026-03-02 (/in/berlin/{date}.csv); pass --allow-missing to run without them"
            ])
        flags.allowMissing = true
        #expect(
            try F.planner(flags, config, present: present).plan().map(\.step.summary) == [
                "run 2026-03-01..2026-03-02 [\"/in/berlin/2026-03-01.csv\"]"
            ])
    }
}
