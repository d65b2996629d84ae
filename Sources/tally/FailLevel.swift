import ArgumentParser
import TallyCore

/// `--fail-on`: the lowest severity whose breaks make `tally run` exit 1.
enum FailLevel: String, ExpressibleByArgument, CaseIterable {
    case high, medium, info, never

    var severity: Severity? {
        switch self {
        case .high: .high
        case .medium: .medium
        case .info: .info
        case .never: nil
        }
    }
}
