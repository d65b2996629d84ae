import TallyCore
import TallyEngine
import TallyIngest
import Testing

/// The usage errors of `tally run`, with the messages the command prints.
@Suite struct RunPlannerErrorTests {
    typealias F = PlannerFixture

    static let yaml = "providers:\n  acmepay: { format: stripe }\n  bank: { format: camt053 }\n"

    func message(_ flags: RunFlags, config: String? = nil) throws -> String? {
        let loaded = try config.map { try F.config($0) }
        do {
            _ = try F.planner(flags, loaded).plan()
            return nil
        } catch let error as RunError {
            #expect(error.code == .usage)
            return error.message
        }
    }

    @Test func withoutAConfigAProviderAndFormatAreNeeded() throws {
        #expect(
            try message(RunFlags()) == "give --provider and --format (or a config file: --config, TALLY_CONFIG or ./tally.yml)")
    }

    @Test func withoutAConfigAWindowIsNeeded() throws {
        let flags = F.flags {
            $0.provider = "acmepay"
            $0.format = .stripe
        }
        #expect(try message(flags) == "give the window with --from (and --to), or use a config file for the nightly default")
    }

    @Test func withoutAConfigAFileIsNeeded() throws {
        let flags = F.flags {
            $0.provider = "acmepay"
            $0.format = .stripe
            $0.from = F.date("2026-03-10")
        }
        #expect(try message(flags) == "give at least one settlement file with --file PATH, or --file-pattern")
    }

    @Test func anUnknownProviderNeedsAFormat() throws {
        let flags = F.flags { $0.provider = "zeta" }
        #expect(
            try message(flags, config: Self.yaml)
                == "provider 'zeta' is not in /etc/tally/tally.yml (it has acmepay, bank); add it or pass --format")
        var withFormat = flags
        withFormat.format = .stripe
        withFormat.files = ["z.csv"]
        #expect(try message(withFormat, config: Self.yaml) == nil)
    }

    @Test(arguments: ["file", "pattern", "format"])
    func oneProvidersFlagsNeedTheProvider(_ flag: String) throws {
        let flags = F.flags {
            switch flag {
            case "file": $0.files = ["a.csv"]
            case "pattern": $0.filePattern = "{date}.csv"
            default: $0.format = .stripe
            }
        }
        #expect(
            try message(flags, config: Self.yaml) == "--file, --file-pattern and --format apply to one provider; add --provider")
    }

    /// `--per-day` for acmepay over [from, to], with or without a file pattern.
    func perDaySteps(pattern: String?, to: String) throws -> [String] {
        let flags = F.flags {
            $0.provider = "acmepay"
            $0.filePattern = pattern
            $0.from = F.date("2026-03-10")
            $0.to = F.date(to)
            $0.perDay = true
        }
        return try F.planner(flags, try F.config(Self.yaml)).plan().map(\.step.summary)
    }

    @Test func perDayNeedsAPattern() throws {
        #expect(
            try perDaySteps(pattern: nil, to: "2026-03-10")
                == ["failed: acmepay: --per-day needs --file-pattern or the provider's file_pattern"])
    }

    @Test func perDayNeedsTheDaysInOrder() throws {
        #expect(
            try perDaySteps(pattern: "{date}.csv", to: "2026-03-09")
                == ["failed: --from 2026-03-10 is after --to 2026-03-09; swap them."])
    }

    @Test func aProviderWithoutFilesCannotRun() throws {
        let flags = F.flags {
            $0.provider = "acmepay"
            $0.from = F.date("2026-03-10")
        }
        let runs = try F.planner(flags, try F.config(Self.yaml)).plan()
        guard case .failed(let error) = try #require(runs.first).step else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .usage)
        #expect(error.message == "acmepay: no settlement file: give --file, --file-pattern or the provider's file_pattern")
    }
}
