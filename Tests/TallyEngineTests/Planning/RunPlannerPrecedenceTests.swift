import TallyCore
import TallyEngine
import TallyIngest
import Testing

/// Each setting is the flag, else the provider's key, else the global key, else the default.
@Suite struct RunPlannerPrecedenceTests {
    typealias F = PlannerFixture

    static let yaml = """
        timezone: Europe/Berlin
        reports_dir: /srv/reports
        state_dir: /var/lib/tally
        memory_limit: 1GiB
        providers:
          tuned:
            format: stripe
            file_pattern: /in/tuned/{date}.csv
            timezone: America/New_York
            lookback_days: 5
            lookahead_days: 2
            amount_tolerance: 7
            reference_column: charge_id
            max_rejects: 10
            fail_on: high
            memory_limit: 2GiB
            mask_pii: true
            ledger_query: SELECT * FROM v WHERE psp = $1 AND at >= $2 AND at < $3
          plain:
            format: adyen
            file_pattern: /in/plain/{date}.csv
        """

    func run(_ provider: String, _ build: (inout RunFlags) -> Void = { _ in }) throws -> (RunOptions, FailLevel) {
        let flags = F.flags {
            $0.provider = provider
            $0.from = F.date("2026-03-10")
            build(&$0)
        }
        let planner = F.planner(flags, try F.config(Self.yaml), present: ["/in/\(provider)/2026-03-10.csv"])
        let runs = try planner.plan()
        return (try F.onlyRun(planner), try #require(runs.first).failOn)
    }

    @Test func theDefaultsWhenNothingIsSet() throws {
        let (options, failOn) = try run("plain")
        #expect(options.format == .adyen)
        #expect(options.timezone == "Europe/Berlin")  // the global key
        #expect(options.lookbackDays == 3)
        #expect(options.lookaheadDays == 1)
        #expect(options.amountToleranceMinor == 0)
        #expect(options.readerOptions.referenceColumn == nil)
        #expect(options.maxRejects == 1000)
        #expect(failOn == .never)
        #expect(options.memoryLimitBytes == 1 << 30)  // the global key
        #expect(options.maskPII == false)
        #expect(options.ledgerQuery == nil)
        #expect(options.files == ["/in/plain/2026-03-10.csv"])
        #expect(options.outDirectory == "/srv/reports/plain/2026-03-10_2026-03-10")
        #expect(options.spillDirectory == "/var/lib/tally/spill")
    }

    @Test func theProvidersKeysOverTheGlobalOnes() throws {
        let (options, failOn) = try run("tuned")
        #expect(options.timezone == "America/New_York")
        #expect(options.lookbackDays == 5)
        #expect(options.lookaheadDays == 2)
        #expect(options.amountToleranceMinor == 7)
        #expect(options.readerOptions.referenceColumn == "charge_id")
        #expect(options.maxRejects == 10)
        #expect(failOn == .high)
        #expect(options.memoryLimitBytes == 2 << 30)
        #expect(options.maskPII)
        #expect(options.ledgerQuery?.hasPrefix("SELECT") == true)
    }

    @Test func theFlagsOverTheProvidersKeys() throws {
        let (options, failOn) = try run("tuned") {
            $0.format = .paypal
            $0.timezone = "UTC"
            $0.lookbackDays = 0
            $0.lookaheadDays = 9
            $0.amountTolerance = 1
            $0.referenceColumn = "ref"
            $0.maxRejects = 0
            $0.failOn = .info
            $0.memoryLimit = 512
            $0.out = "here"
            $0.stateDirectory = "/tmp/s"
            $0.files = ["a.csv"]
            $0.waitSeconds = 30
            $0.dryRun = true
            $0.allowEmptyLedger = true
        }
        #expect(options.format == .paypal)
        #expect(options.timezone == "UTC")
        #expect(options.lookbackDays == 0)
        #expect(options.lookaheadDays == 9)
        #expect(options.amountToleranceMinor == 1)
        #expect(options.readerOptions.referenceColumn == "ref")
        #expect(options.maxRejects == 0)
        #expect(failOn == .info)
        #expect(options.memoryLimitBytes == 512)
        #expect(options.outDirectory == "here")
        #expect(options.spillDirectory == "/tmp/s/spill")
        // --file given: the provider's file_pattern is not expanded on top of it
        #expect(options.files == ["a.csv"])
        #expect(options.waitSeconds == 30)
        #expect(options.dryRun && options.allowEmptyLedger)
    }

    @Test func aDryRunsReportsGoBesideTheRealOnes() throws {
        let (options, _) = try run("plain") { $0.dryRun = true }
        #expect(options.outDirectory == "/srv/reports/plain/2026-03-10_2026-03-10.dry-run")
    }

    @Test func withoutAConfigEverythingIsAFlagOrADefault() throws {
        let flags = F.flags {
            $0.provider = "acmepay"
            $0.format = .stripe
            $0.files = ["x.csv"]
            $0.from = F.date("2026-03-01")
            $0.to = F.date("2026-03-07")
            $0.databaseURL = "postgresql://db/payments"
        }
        let options = try F.onlyRun(F.planner(flags, nil))
        #expect(options.timezone == "UTC")
        #expect(options.outDirectory == nil)
        #expect(options.spillDirectory == nil)
        #expect(options.databaseURL == "postgresql://db/payments")
        #expect("\(options.from)..\(options.to)" == "2026-03-01..2026-03-07")
    }
}
