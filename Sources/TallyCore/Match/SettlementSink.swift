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
    /// The fee the provider took on the transaction added just before, when the line states one:
    /// positive when charged, negative when refunded, in the fee's currency (so the line's net is
    /// its signed gross minus the fee). Readers call it only for a fee other than 0.
    ///
    /// It feeds the report's fees per currency, never the match; sinks that do not total keep
    /// the default, which ignores it.
    mutating func noteFee(_ fee: Money, of kind: TransactionKind)
    /// Whether the sink keeps ``LineDetails`` (a provider with rule passes): readers build them only then.
    var wantsLineDetails: Bool { get }
    /// The details of the transaction added just before; called only when ``wantsLineDetails``.
    mutating func noteDetails(_ details: LineDetails)
    /// A transaction that carries no reference at all (a bank credit with an amount, a date and a
    /// text): valid, but only the rule passes can match it. Sinks that do not match keep the
    /// default, which counts it as a transaction with an empty reference.
    mutating func addUnreferencedTransaction(kind: TransactionKind, amount: Money, location: SourceLocation, details: LineDetails)
    /// A payout, fee or other line that is summed, never matched.
    mutating func addNonTransaction(_ line: NonTransactionLine)
    /// A payout the file announces (after its ``addNonTransaction(_:)``); the default ignores it.
    mutating func addPayout(_ payout: AnnouncedPayout)
    /// A batch the file settles (Adyen's batch number, once per file), paid out or not; the default ignores it.
    mutating func addSettledBatch(_ batch: SettledBatch, file: Int)
    /// The net of a line the file ties to a payout (Stripe `automatic_payout_id`); the default ignores it.
    mutating func notePayoutItem(payout reference: String, net: Money)
    /// A record that could not be read.
    mutating func addReject(_ reject: Reject)
    /// The outcome of a check the file carries (a control total, a balance, a per-line identity).
    mutating func addControl(_ control: ControlResult)
    /// How the file was read, when a person should know and it is neither a reject nor a control
    /// (a bank file in a legacy 8-bit encoding). Sinks that have no use for it keep the default.
    mutating func addNotice(_ notice: String)
}

extension SettlementSink {
    public mutating func noteOriginalReference(_ reference: UnsafeBufferPointer<UInt8>) {}
    public mutating func noteFee(_ fee: Money, of kind: TransactionKind) {}
    public var wantsLineDetails: Bool { false }
    public mutating func noteDetails(_ details: LineDetails) {}
    public mutating func addUnreferencedTransaction(
        kind: TransactionKind, amount: Money, location: SourceLocation, details: LineDetails
    ) {
        let empty: [UInt8] = []
        empty.withUnsafeBufferPointer { addTransaction($0, kind: kind, amount: amount, location: location) }
    }
    public mutating func addNotice(_ notice: String) {}
}

/// The outcome of one control check of a settlement file.
public struct ControlResult: Sendable, Hashable {
    public var name: String
    public var ok: Bool
    public var expected: String
    public var actual: String
    /// The file the control belongs to.
    public var file: Int
    /// For a control over every line: the first lines that fail it (at most ``linesKept``), so a
    /// person can find them; ``moreLines`` counts the rest.
    public var lines: [ControlLine]
    public var moreLines: Int

    /// How many failing lines a per-line control names.
    public static let linesKept = 10

    public init(
        name: String, ok: Bool, expected: String, actual: String, file: Int, lines: [ControlLine] = [], moreLines: Int = 0
    ) {
        self.name = name
        self.ok = ok
        self.expected = expected
        self.actual = actual
        self.file = file
        self.lines = lines
        self.moreLines = moreLines
    }
}

/// One line of a file that fails a per-line control, with what the control expected there.
public struct ControlLine: Sendable, Hashable {
    public var line: Int
    public var expected: String
    public var actual: String

    public init(line: Int, expected: String, actual: String) {
        self.line = line
        self.expected = expected
        self.actual = actual
    }
}
