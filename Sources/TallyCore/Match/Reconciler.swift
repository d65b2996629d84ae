/// Matches settlement transactions against ledger rows and classifies every difference, in three
/// phases that the types make visible:
///
/// 1. **Settlement** — `Reconciler` itself, the ``SettlementSink`` of the file readers: every
///    transaction goes into the ``SettlementIndex``; payouts, fees, rejects and controls are kept.
/// 2. **Ledger** — ``ledgerPhase()`` consumes the reconciler and returns the ``LedgerPhase``, the
///    ``LedgerSink`` that the streamed window and the out-of-window lookup feed, once each.
/// 3. **Finish** — ``LedgerPhase/finish()`` consumes the ledger phase and classifies everything
///    with the run's ``Classifier``.
///
/// A value with no I/O; the order in which ledger rows arrive does not change the outcome.
///
/// ```swift
/// var settlement = Reconciler(window: window)
/// reference.withUTF8 { settlement.addTransaction($0, kind: .charge, amount: eur(1_000), location: loc) }
/// var ledger = settlement.ledgerPhase()
/// … stream the ledger into ledger …
/// let result = ledger.finish()
/// ```
public struct Reconciler: Sendable, SettlementSink {
    /// The matching rules of the run (its window and amount tolerance).
    public let classifier: Classifier
    public var window: ReconciliationWindow { classifier.window }

    var settlementIndex: SettlementIndex
    public private(set) var settlementTransactions = 0
    public private(set) var nonTransactions = NonTransactionTotals()
    /// Count, gross and fees of the transaction lines per (kind, currency).
    public private(set) var transactionTotals = TransactionTotals()
    public private(set) var nonTransactionLines = 0
    public private(set) var rejects: [Reject] = []
    public private(set) var controls: [ControlResult] = []
    var providerDuplicates: [ProviderDuplicate] = []
    /// The details of every line, kept only when the provider has rule passes (``wantsLineDetails``).
    var lineDetails = LineDetailStore()
    /// Transactions with no reference: only the rule passes can pair them.
    var unreferenced: [(side: Break.ProviderSide, kind: TransactionKind)] = []
    private var lastLocation = SourceLocation(file: 0, line: 0)
    /// Whether the readers should hand over ``LineDetails`` (a provider with rule passes).
    public let wantsLineDetails: Bool

    /// A settlement transaction whose key an earlier line of the run's files had already.
    struct ProviderDuplicate: Sendable {
        var reference: String
        var kind: TransactionKind
        var side: Break.ProviderSide
    }

    public init(
        window: ReconciliationWindow, amountTolerance: Int64 = 0, expectedTransactions: Int = 1024, keepsLineDetails: Bool = false
    ) {
        self.classifier = Classifier(window: window, tolerance: Tolerance(minor: amountTolerance))
        self.settlementIndex = SettlementIndex(expectedCount: expectedTransactions)
        self.wantsLineDetails = keepsLineDetails
    }

    /// Bytes held by the index so far (for the memory budget).
    public var indexFootprintBytes: Int { settlementIndex.footprintBytes }

    /// Transactions in the index so far.
    public var indexCount: Int { settlementIndex.count }

    /// Adds one settlement transaction (absolute amount; the kind carries the direction).
    public mutating func addTransaction(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, location: SourceLocation
    ) {
        settlementTransactions += 1
        transactionTotals.add(kind: kind, amount: amount)
        lastLocation = location
        // One call late (see SettlementIndex.insertDeferred): the table's cache miss overlaps the
        // parsing of the next line. The ledger phase puts the last one in.
        record(settlementIndex.insertDeferred(reference, kind: kind, amount: amount, location: location))
    }

    mutating func record(_ duplicate: SettlementIndex.Duplicate?) {
        guard let duplicate else { return }
        providerDuplicates.append(
            ProviderDuplicate(
                reference: duplicate.reference, kind: duplicate.kind,
                side: Break.ProviderSide(amount: duplicate.amount, location: duplicate.location)))
    }

    /// String convenience for tests and small readers.
    public mutating func addTransaction(_ transaction: SettlementTransaction) {
        var reference = transaction.reference
        reference.withUTF8 {
            addTransaction($0, kind: transaction.kind, amount: transaction.amount, location: transaction.location)
        }
    }

    public mutating func noteFee(_ fee: Money, of kind: TransactionKind) { transactionTotals.addFee(fee, kind: kind) }

    public mutating func noteDetails(_ details: LineDetails) { keepDetails(details, at: lastLocation) }

    /// Keeps the details of the line at `location` (a sink that indexes elsewhere, like a spilled run's).
    public mutating func keepDetails(_ details: LineDetails, at location: SourceLocation) {
        if wantsLineDetails { lineDetails.add(details, at: location) }
    }

    /// A line with no reference becomes a `missing_internally` break under ``Break/unreferenced(_:)``
    /// unless a rule pass pairs it.
    public mutating func addUnreferencedTransaction(
        kind: TransactionKind, amount: Money, location: SourceLocation, details: LineDetails
    ) {
        settlementTransactions += 1
        transactionTotals.add(kind: kind, amount: amount)
        unreferenced.append((Break.ProviderSide(amount: amount, location: location), kind))
        if wantsLineDetails { lineDetails.add(details, at: location) }
    }

    public mutating func addNonTransaction(_ line: NonTransactionLine) {
        nonTransactionLines += 1
        nonTransactions.add(line)
    }

    public mutating func addReject(_ reject: Reject) { rejects.append(reject) }

    public mutating func addControl(_ control: ControlResult) { controls.append(control) }

    /// Ends the settlement phase: the last transaction goes into the index, and the index is
    /// handed to the ledger phase (moved, not copied).
    public consuming func ledgerPhase() -> LedgerPhase { LedgerPhase(settlement: self) }
}
