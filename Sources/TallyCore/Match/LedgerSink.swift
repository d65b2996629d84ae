/// Where the ledger side of a run goes: the rows of the streamed window, the rows found by the
/// out-of-window lookup, and the rows that could not be read. TallyPostgres feeds it; the core
/// decides what the rows mean.
///
/// ``LedgerPhase`` is the sink of a run; a run that spilled to disk feeds one per partition.
public protocol LedgerSink {
    /// The run's window: which rows are inside it, and which the stream has already seen.
    var window: ReconciliationWindow { get }

    /// Starts the memory loads that adding these rows' keys will need; called for a group of rows
    /// just before they are added. Sinks without an index keep the default, which does nothing.
    func prefetch(_ count: Int, key: (Int) -> (UnsafeBufferPointer<UInt8>, TransactionKind))

    /// One row of the streamed window (its reference and merchant reference as bytes, valid only
    /// during the call).
    mutating func addLedgerRow(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, status: LedgerStatus,
        createdAt: Timestamp, merchantReference: UnsafeBufferPointer<UInt8>?)

    /// One row found by the lookup outside the streamed range.
    mutating func addLookedUpRow(_ row: LedgerRecord)

    /// A ledger row that could not be read (unknown kind or currency, bad amount or time).
    mutating func addLedgerReject(_ reason: String)

    /// The references the lookup outside the streamed range should fetch, sorted and unique.
    func unclaimedReferences() -> [String]
}

extension LedgerSink {
    public func prefetch(_ count: Int, key: (Int) -> (UnsafeBufferPointer<UInt8>, TransactionKind)) {}
}
