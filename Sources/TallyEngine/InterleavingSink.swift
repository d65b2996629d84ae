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

    /// Transactions read between two looks at the stream.
    static let cadence = 4096

    init(reconciler: Reconciler, stream: LedgerStream?) {
        self.reconciler = reconciler
        self.stream = stream
    }

    mutating func addTransaction(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, location: SourceLocation
    ) {
        reconciler.addTransaction(reference, kind: kind, amount: amount, location: location)
        sinceDrain += 1
        if sinceDrain >= Self.cadence, let stream {
            sinceDrain = 0
            stream.drainAvailable(into: &reconciler)
        }
    }

    mutating func addNonTransaction(_ line: NonTransactionLine) { reconciler.addNonTransaction(line) }
    mutating func addReject(_ reject: Reject) { reconciler.addReject(reject) }
    mutating func addControl(_ control: ControlResult) { reconciler.addControl(control) }
}
