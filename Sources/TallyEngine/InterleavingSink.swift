import TallyCore
import TallyPostgres

/// The sink of a run's file readers: forwards everything to the ``TallyCore/Reconciler`` and,
/// every few thousand transactions, matches the ledger rows the stream has delivered meanwhile.
///
/// Parsing and matching thus share one thread while PostgreSQL and libpq work on the other core;
/// rows whose key has not been read yet wait, packed and bounded, until the files are done.
struct InterleavingSink: SettlementSink {
    var reconciler: Reconciler
    let stream: LedgerStream?
    private var sinceDrain = 0
    /// Bytes the index may use (`--memory-limit`); past it transactions are only counted.
    let budget: Int?
    /// Set once the index passed the budget: the run will start over on disk.
    private(set) var overBudget = false
    /// Transactions offered, indexed or not (to estimate what the whole index would need).
    private(set) var offered = 0

    /// Transactions read between two looks at the stream.
    static let cadence = 4096

    init(reconciler: Reconciler, stream: LedgerStream?, budget: Int? = nil) {
        self.reconciler = reconciler
        self.stream = stream
        self.budget = budget
    }

    mutating func addTransaction(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, location: SourceLocation
    ) {
        offered += 1
        guard !overBudget else { return }
        reconciler.addTransaction(reference, kind: kind, amount: amount, location: location)
        if let budget, offered & 63 == 0, reconciler.index.footprintBytes > budget {
            overBudget = true
            return
        }
        sinceDrain += 1
        if sinceDrain >= Self.cadence, let stream {
            sinceDrain = 0
            stream.drainAvailable(into: &reconciler)
        }
    }

    /// Checks the budget now (at the end of a file).
    mutating func checkBudget() {
        if let budget, reconciler.index.footprintBytes > budget { overBudget = true }
    }

    mutating func addNonTransaction(_ line: NonTransactionLine) { reconciler.addNonTransaction(line) }
    mutating func addReject(_ reject: Reject) { reconciler.addReject(reject) }
    mutating func addControl(_ control: ControlResult) { reconciler.addControl(control) }
}
