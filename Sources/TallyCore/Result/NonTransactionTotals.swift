/// Totals of the non-transaction lines per (category, currency).
public struct NonTransactionTotals: Sendable, Hashable {
    public struct Key: Sendable, Hashable, Comparable {
        public var category: String
        public var currency: Currency
        public static func < (lhs: Key, rhs: Key) -> Bool { (lhs.category, lhs.currency) < (rhs.category, rhs.currency) }
    }

    public struct Total: Sendable, Hashable {
        public var count = 0
        public var gross: Int64 = 0
        public var fee: Int64 = 0
        public var net: Int64 = 0

        mutating func add(_ other: Total) {
            count += other.count
            gross &+= other.gross
            fee &+= other.fee
            net &+= other.net
        }
    }

    public private(set) var totals: [Key: Total] = [:]

    public init() {}

    public mutating func add(_ line: NonTransactionLine) {
        totals[Key(category: line.category, currency: line.currency), default: Total()].add(
            Total(count: 1, gross: line.gross, fee: line.fee, net: line.net))
    }

    /// Adds the totals of another set of lines.
    public mutating func merge(_ other: NonTransactionTotals) {
        for (key, total) in other.totals { totals[key, default: Total()].add(total) }
    }

    /// The same totals with every category passed through `transform` (totals whose categories
    /// become equal are added up), for masking personal data in provider-written categories.
    public func mappingCategories(_ transform: (String) -> String) -> NonTransactionTotals {
        var mapped = NonTransactionTotals()
        for (key, total) in totals {
            mapped.totals[Key(category: transform(key.category), currency: key.currency), default: Total()].add(total)
        }
        return mapped
    }

    /// The totals in (category, currency) order.
    public var sorted: [(key: Key, total: Total)] { totals.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
}
