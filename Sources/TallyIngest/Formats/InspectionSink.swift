import TallyCore

/// What `tally inspect` shows of a file: totals per kind and currency, non-transaction totals,
/// controls, rejects and the first records, without any database.
public struct InspectionSink: SettlementSink {
    /// Count, sum and fees of the transactions of one kind and currency.
    public struct Total: Sendable, Hashable {
        public var count = 0
        public var amountMinor: Int64 = 0
        /// The fees the lines state (see ``TallyCore/SettlementSink/noteFee(_:of:)``).
        public var feeMinor: Int64 = 0
    }

    public struct Key: Sendable, Hashable, Comparable {
        public var kind: TransactionKind
        public var currency: Currency
        public static func < (lhs: Key, rhs: Key) -> Bool { (lhs.kind.name, lhs.currency) < (rhs.kind.name, rhs.currency) }
    }

    public private(set) var transactions: [Key: Total] = [:]
    public private(set) var transactionCount = 0
    /// Transactions with no reference at all (among ``transactionCount``): only rule passes match them.
    public private(set) var unreferencedCount = 0
    public private(set) var nonTransactions = NonTransactionTotals()
    public private(set) var nonTransactionCount = 0
    public private(set) var controls: [ControlResult] = []
    public private(set) var rejects: [Reject] = []
    public private(set) var rejectCount = 0
    public private(set) var firstRecords: [SettlementTransaction] = []
    /// How the file was read, when it matters (a legacy 8-bit encoding): shown as warnings.
    public private(set) var notices: [String] = []
    public let keepRecords: Int
    public let keepRejects: Int

    public init(keepRecords: Int = 10, keepRejects: Int = 1000) {
        self.keepRecords = keepRecords
        self.keepRejects = keepRejects
    }

    public mutating func addTransaction(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, location: SourceLocation
    ) {
        transactionCount += 1
        let key = Key(kind: kind, currency: amount.currency)
        transactions[key, default: Total()].count += 1
        transactions[key]!.amountMinor &+= amount.minor
        if firstRecords.count < keepRecords {
            firstRecords.append(
                SettlementTransaction(
                    reference: String(decoding: reference, as: UTF8.self), kind: kind, amount: amount, location: location))
        }
    }

    public mutating func addUnreferencedTransaction(
        kind: TransactionKind, amount: Money, location: SourceLocation, details: LineDetails
    ) {
        unreferencedCount += 1
        let empty: [UInt8] = []
        empty.withUnsafeBufferPointer { addTransaction($0, kind: kind, amount: amount, location: location) }
    }

    public mutating func noteOriginalReference(_ reference: UnsafeBufferPointer<UInt8>) {
        // only the transaction just added can still be among the first records
        guard transactionCount <= keepRecords, !firstRecords.isEmpty, !reference.isEmpty else { return }
        firstRecords[firstRecords.count - 1].originalReference = String(decoding: reference, as: UTF8.self)
    }

    public mutating func noteFee(_ fee: Money, of kind: TransactionKind) {
        transactions[Key(kind: kind, currency: fee.currency), default: Total()].feeMinor &+= fee.minor
    }

    public mutating func addNonTransaction(_ line: NonTransactionLine) {
        nonTransactionCount += 1
        nonTransactions.add(line)
    }

    public mutating func addReject(_ reject: Reject) {
        rejectCount += 1
        if rejects.count < keepRejects { rejects.append(reject) }
    }

    public mutating func addControl(_ control: ControlResult) { controls.append(control) }

    public mutating func addNotice(_ notice: String) { notices.append(notice) }

    /// Transaction totals in (kind, currency) order.
    public var sortedTransactions: [(key: Key, total: Total)] {
        transactions.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
