/// Where a settlement line came from: the index of its file in the run and its physical line.
public struct SourceLocation: Sendable, Hashable, Comparable {
    public var file: Int
    public var line: Int

    public init(file: Int, line: Int) {
        self.file = file
        self.line = line
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.file, lhs.line) < (rhs.file, rhs.line) }
}

extension SourceLocation {
    /// Where a ledger reject comes from: the ledger, not a line of a settlement file.
    public static let ledger = SourceLocation(file: -1, line: 0)
}

/// A settlement transaction as a value (used for breaks and tests; the hot path keeps
/// transactions inside ``SettlementIndex`` instead).
public struct SettlementTransaction: Sendable, Hashable {
    public var reference: String
    public var kind: TransactionKind
    /// Absolute amount: the kind carries the direction.
    public var amount: Money
    public var location: SourceLocation
    /// The original payment of a refund or chargeback, when the file names it (never matched on).
    public var originalReference: String?

    public init(
        reference: String, kind: TransactionKind, amount: Money, location: SourceLocation, originalReference: String? = nil
    ) {
        self.reference = reference
        self.kind = kind
        self.amount = amount
        self.location = location
        self.originalReference = originalReference
    }
}

/// A line of a settlement file that is not matched (payout, fee, adjustment, …), kept for totals.
public struct NonTransactionLine: Sendable, Hashable {
    /// The provider's own category, e.g. Stripe `reporting_category` `payout` or `fee`.
    public var category: String
    public var currency: Currency
    /// Signed amounts in minor units, as the provider writes them. `fee`/`net` are 0 when absent.
    public var gross: Int64
    public var fee: Int64
    public var net: Int64

    public init(category: String, currency: Currency, gross: Int64, fee: Int64 = 0, net: Int64 = 0) {
        self.category = category
        self.currency = currency
        self.gross = gross
        self.fee = fee
        self.net = net
    }
}

/// A settlement record that could not be read: it is reported, never matched.
public struct Reject: Sendable, Hashable, Comparable {
    public var location: SourceLocation
    public var reason: String

    public init(location: SourceLocation, reason: String) {
        self.location = location
        self.reason = reason
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.location < rhs.location }
}
