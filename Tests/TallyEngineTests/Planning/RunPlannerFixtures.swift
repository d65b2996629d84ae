import Foundation
import TallyCore
import TallyEngine
import TallyIngest

/// Configs, flags and readings of plans for the ``RunPlanner`` tests.
enum PlannerFixture {
    static func date(_ iso: String) -> CivilDate { CivilDate(iso: iso)! }

    static func config(_ yaml: String) throws -> TallyConfig { try TallyConfig.parse(yaml, path: "/etc/tally/tally.yml") }

    /// 2026-03-11 01:30 UTC: still the 10th in New York, already the 11th in Berlin.
    static let now = ISO8601DateFormatter().date(from: "2026-03-11T01:30:00Z")!

    static func planner(_ flags: RunFlags, _ config: TallyConfig?, present: Set<String> = []) -> RunPlanner {
        RunPlanner(flags: flags, config: config, environment: [:], now: now, fileExists: { present.contains($0) })
    }

    static func flags(_ build: (inout RunFlags) -> Void) -> RunFlags {
        var flags = RunFlags()
        build(&flags)
        return flags
    }

    /// The options of the plan's only provider, which must be a single run.
    static func onlyRun(_ planner: RunPlanner) throws -> RunOptions {
        let runs = try planner.plan()
        guard runs.count == 1, case .run(let options) = runs[0].step else {
            throw Unexpected(description: "expected one run, got \(runs.map { "\($0.provider): \($0.step)" })")
        }
        return options
    }

    struct Unexpected: Error, CustomStringConvertible { var description: String }
}

extension ProviderRun.Step {
    /// The step in a few words, for comparing plans.
    var summary: String {
        switch self {
        case .run(let options): "run \(options.from)..\(options.to) \(options.files)"
        case .perDay(let range): "per-day \(range.from)..\(range.to) missing \(range.missing.map(\.description))"
        case .skipped(let warning): "skipped: \(warning)"
        case .failed(let error): "failed: \(error.message)"
        case .filesMissing(let error, _): "missing: \(error.message)"
        }
    }
}
