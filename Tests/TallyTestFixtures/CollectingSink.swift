import TallyCore

/// An in-memory ``SettlementSink`` that keeps everything a reader emits, for tests.
public struct CollectingSink: SettlementSink {
    public var transactions: [SettlementTransaction] = []
    public var nonTransactions: [NonTransactionLine] = []
    public var rejects: [Reject] = []
    public var controls: [ControlResult] = []
    public var notices: [String] = []

    public init() {}

    public mutating func addTransaction(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, location: SourceLocation
    ) {
        transactions.append(
            SettlementTransaction(
                reference: String(decoding: reference, as: UTF8.self), kind: kind, amount: amount, location: location))
    }

    public mutating func noteOriginalReference(_ reference: UnsafeBufferPointer<UInt8>) {
        guard !transactions.isEmpty else { return }
        transactions[transactions.count - 1].originalReference = String(decoding: reference, as: UTF8.self)
    }

    public mutating func addNonTransaction(_ line: NonTransactionLine) { nonTransactions.append(line) }
    public mutating func addReject(_ reject: Reject) { rejects.append(reject) }
    public mutating func addControl(_ control: ControlResult) { controls.append(control) }
    public mutating func addNotice(_ notice: String) { notices.append(notice) }
}
