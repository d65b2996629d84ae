/// One row of the internal ledger (the `payments` table or the configured ledger query).
public struct LedgerRecord: Sendable, Hashable {
    public var reference: String
    public var kind: TransactionKind
    public var amount: Money
    public var status: LedgerStatus
    public var createdAt: Timestamp
    public var merchantReference: String?

    public init(
        reference: String, kind: TransactionKind, amount: Money, status: LedgerStatus, createdAt: Timestamp,
        merchantReference: String? = nil
    ) {
        self.reference = reference
        self.kind = kind
        self.amount = amount
        self.status = status
        self.createdAt = createdAt
        self.merchantReference = merchantReference
    }
}
