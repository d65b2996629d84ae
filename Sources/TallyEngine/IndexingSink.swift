import TallyCore

/// The sink of a run's file readers: forwards everything to the ``TallyCore/Reconciler`` and
/// watches the index against `--memory-limit`.
///
/// The ledger is not matched while the files are read: the parser and the matcher would share one
/// thread anyway, and a row probed before its settlement line is indexed has to be probed again
/// later. Instead the stream's own thread keeps PostgreSQL going (into a bounded queue, then into an
/// unlinked temporary file; see ``TallyPostgres/LedgerStream``), and every row is matched once,
/// after the last file.
struct IndexingSink: SettlementSink {
    var reconciler: Reconciler
    /// Bytes the index may use (`--memory-limit`); past it transactions are only counted.
    let budget: Int?
    /// Set once the index passed the budget: the run will start over on disk.
    private(set) var overBudget = false
    /// Transactions offered, indexed or not (to estimate what the whole index would need).
    private(set) var offered = 0

    init(reconciler: Reconciler, budget: Int? = nil) {
        self.reconciler = reconciler
        self.budget = budget
    }

    mutating func addTransaction(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, location: SourceLocation
    ) {
        offered += 1
        guard !overBudget else { return }
        reconciler.addTransaction(reference, kind: kind, amount: amount, location: location)
        if let budget, offered & 63 == 0, reconciler.indexFootprintBytes > budget { overBudget = true }
    }

    /// Checks the budget now (at the end of a file).
    mutating func checkBudget() {
        if let budget, reconciler.indexFootprintBytes > budget { overBudget = true }
    }

    var wantsLineDetails: Bool { reconciler.wantsLineDetails }
    mutating func noteDetails(_ details: LineDetails) { if !overBudget { reconciler.noteDetails(details) } }
    mutating func addUnreferencedTransaction(
        kind: TransactionKind, amount: Money, location: SourceLocation, details: LineDetails
    ) {
        offered += 1
        reconciler.addUnreferencedTransaction(kind: kind, amount: amount, location: location, details: details)
    }
    mutating func noteFee(_ fee: Money, of kind: TransactionKind) { reconciler.noteFee(fee, of: kind) }
    mutating func addNonTransaction(_ line: NonTransactionLine) { reconciler.addNonTransaction(line) }
    mutating func addReject(_ reject: Reject) { reconciler.addReject(reject) }
    mutating func addControl(_ control: ControlResult) { reconciler.addControl(control) }
}
