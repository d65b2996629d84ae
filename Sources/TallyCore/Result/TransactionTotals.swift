/// Count, gross and fee of a file's transaction lines per (kind, currency): with the
/// non-transaction lines, what a report's per-currency gross, fees and net are made of.
///
/// Gross is signed the way money moves for the merchant (a charge adds, a refund or a chargeback
/// takes away); a fee is positive when the provider charged it (a refunded fee is negative), so
/// each line's net is its gross minus its fee, as Stripe writes it.
///
/// Kept in a short list, not a dictionary: a file has a handful of (kind, currency) pairs, and
/// adding a million lines should hash nothing.
public struct TransactionTotals: Sendable {
    /// The totals of one (kind, currency).
    public struct Total: Sendable, Hashable {
        public var count = 0
        public var grossMinor: Int64 = 0
        public var feeMinor: Int64 = 0

        public init(count: Int = 0, grossMinor: Int64 = 0, feeMinor: Int64 = 0) {
            self.count = count
            self.grossMinor = grossMinor
            self.feeMinor = feeMinor
        }
    }

    private var keys: [UInt64] = []
    private var values: [Total] = []

    public init() {}

    @inline(__always)
    private static func key(_ kind: TransactionKind, _ currency: UInt32) -> UInt64 {
        UInt64(kind.rawValue) << 32 | UInt64(currency)
    }

    @inline(__always)
    private mutating func position(_ kind: TransactionKind, _ currency: UInt32) -> Int {
        let key = Self.key(kind, currency)
        if let position = keys.firstIndex(of: key) { return position }
        keys.append(key)
        values.append(Total())
        return keys.count - 1
    }

    /// Counts one transaction line (its absolute amount; the kind gives the sign).
    @inline(__always)
    public mutating func add(kind: TransactionKind, amount: Money) {
        let position = position(kind, amount.currency.packed)
        values[position].count += 1
        values[position].grossMinor &+= kind == .charge ? amount.minor : 0 &- amount.minor
    }

    /// Adds the fee the provider took on a transaction line of `kind`, in the fee's currency.
    public mutating func addFee(_ fee: Money, kind: TransactionKind) {
        values[position(kind, fee.currency.packed)].feeMinor &+= fee.minor
    }

    /// Adds the totals of other lines (another part of a run).
    public mutating func merge(_ other: TransactionTotals) {
        for (key, total) in zip(other.keys, other.values) {
            let position = position(TransactionKind(rawValue: UInt8(key >> 32)) ?? .charge, UInt32(truncatingIfNeeded: key))
            values[position].count += total.count
            values[position].grossMinor &+= total.grossMinor
            values[position].feeMinor &+= total.feeMinor
        }
    }

    /// The totals in (currency code, kind) order.
    public var sorted: [(currency: Currency, kind: TransactionKind, total: Total)] {
        zip(keys, values).compactMap { key, total in
            guard let currency = Currency(packed: UInt32(truncatingIfNeeded: key)),
                let kind = TransactionKind(rawValue: UInt8(key >> 32))
            else { return nil }
            return (currency, kind, total)
        }.sorted { ($0.currency.code, $0.kind) < ($1.currency.code, $1.kind) }
    }
}
