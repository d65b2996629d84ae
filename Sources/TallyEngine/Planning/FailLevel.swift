import TallyCore

/// `--fail-on` and a provider's `fail_on`: the lowest severity whose breaks make `tally run` exit 1.
public enum FailLevel: String, Sendable, CaseIterable {
    case high, medium, info, never

    /// The severity at and above which a run fails; nil for `never`.
    public var severity: Severity? {
        switch self {
        case .high: .high
        case .medium: .medium
        case .info: .info
        case .never: nil
        }
    }
}
