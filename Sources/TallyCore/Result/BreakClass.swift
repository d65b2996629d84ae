/// How a difference between the settlement files and the ledger is classified.
///
/// The raw values are the contract's JSON strings (docs/reports.md, "report.json and its schema").
public enum BreakClass: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case amountMismatch = "amount_mismatch"
    /// A rule pass found more than one pairing for a line (or a row wanted by several lines): it
    /// claims nothing and lists every candidate.
    case ambiguousMatch = "ambiguous_match"
    case controlMismatch = "control_mismatch"
    case currencyMismatch = "currency_mismatch"
    case duplicateInProvider = "duplicate_in_provider"
    case duplicateInternal = "duplicate_internal"
    case missingInProvider = "missing_in_provider"
    case missingInternally = "missing_internally"
    /// A credit found on the bank statement by a payout's reference differs from the payout in amount.
    case payoutAmountMismatch = "payout_amount_mismatch"
    /// An expected payout whose due date has passed with no credit on the bank statement.
    case payoutMissing = "payout_missing"
    /// A rule pass with `outcome: review` proposes this pairing; a person confirms it.
    case probableMatch = "probable_match"
    case statusMismatch = "status_mismatch"
    case timingDifference = "timing_difference"
    /// A bank credit that looks like a provider's payout (its `bank_text`) but matches none announced.
    case unexpectedPayout = "unexpected_payout"

    /// `high` for money that cannot be explained, `medium` for a ledger row the provider has not
    /// settled (yet), `info` for a timing difference.
    public var severity: Severity {
        switch self {
        case .missingInProvider: .medium
        case .timingDifference, .probableMatch: .info
        default: .high
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Whether a break of this class opens an open item (and so has an ``ItemID``): every class but
    /// `timing_difference` (news of its run) and `control_mismatch` (belongs to its file).
    public var opensItem: Bool { self != .timingDifference && self != .controlMismatch }
}

/// How urgently a break needs a human. Ordered: `info < medium < high`.
public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case info, medium, high

    private var rank: Int {
        switch self {
        case .info: 0
        case .medium: 1
        case .high: 2
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// A field that differs between the two sides of a break, named as report.json's `differences`.
public enum Difference: String, Sendable, Hashable, CaseIterable, Codable {
    case currency, status, amount
    case createdAt = "created_at"
}
