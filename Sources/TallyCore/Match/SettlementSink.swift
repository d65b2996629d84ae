/// Where a format reader puts what it finds in a settlement file.
///
/// ``Reconciler`` is the sink of a run; `tally inspect` and tests use their own.
public protocol SettlementSink {
    /// A transaction line: its reference bytes, kind and absolute amount.
    mutating func addTransaction(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, location: SourceLocation)
    /// The original payment's reference of the transaction added just before, when the format names
    /// one (Adyen `Psp Reference` of a refund or chargeback, PayPal `PayPal Reference ID`).
    ///
    /// It is not part of the match key; sinks that have no use for it keep the default, which ignores it.
    mutating func noteOriginalReference(_ reference: UnsafeBufferPointer<UInt8>)
    /// A payout, fee or other line that is summed, never matched.
    mutating func addNonTransaction(_ line: NonTransactionLine)
    /// A record that could not be read.
    mutating func addReject(_ reject: Reject)
    /// The outcome of a check the file carries (a control total, a balance, a per-line identity).
    mutating func addControl(_ control: ControlResult)
}

extension SettlementSink {
    public mutating func noteOriginalReference(_ reference: UnsafeBufferPointer<UInt8>) {}
}

/// The outcome of one control check of a settlement file.
public struct ControlResult: Sendable, Hashable {
    public var name: String
    public var ok: Bool
    public var expected: String
    public var actual: String
    /// The file the control belongs to.
    public var file: Int

    public init(name: String, ok: Bool, expected: String, actual: String, file: Int) {
        self.name = name
        self.ok = ok
        self.expected = expected
        self.actual = actual
        self.file = file
    }
}
