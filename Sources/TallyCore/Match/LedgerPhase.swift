/// The second phase of a reconciliation (see ``Reconciler``): the settlement index is complete,
/// and ledger rows claim its entries.
///
/// Each streamed row is matched once; only rows that become breaks are copied out of the stream.
/// ``finish()`` ends the phase and classifies.
public struct LedgerPhase: Sendable, LedgerSink {
    public let classifier: Classifier
    public var window: ReconciliationWindow { classifier.window }

    /// The settlement transactions, with the ledger facts claimed so far; nothing is staged in it.
    public private(set) var index: SettlementIndex
    let settlement: SettlementTotals
    public private(set) var ledgerRowsInWindow = 0
    public private(set) var ledgerRowsStreamed = 0
    public private(set) var ledgerRowsLookedUp = 0
    var rejects: [Reject]
    /// Streamed rows in the window, expected in a settlement file, whose key no transaction has.
    var unmatchedLedger: [LedgerRecord] = []
    /// Rows that lost a claim to an earlier-created row of the same key.
    var extraLedgerRows: [LedgerRecord] = []

    /// What the settlement phase found besides the index.
    struct SettlementTotals: Sendable {
        var transactions: Int
        var nonTransactions: NonTransactionTotals
        var transactionTotals: TransactionTotals
        var controls: [ControlResult]
        var duplicates: [Reconciler.ProviderDuplicate]
        var lineDetails: LineDetailStore
        var unreferenced: [(side: Break.ProviderSide, kind: TransactionKind)]
    }

    init(settlement: consuming Reconciler) {
        settlement.record(settlement.settlementIndex.settle())
        classifier = settlement.classifier
        index = settlement.settlementIndex
        rejects = settlement.rejects
        self.settlement = SettlementTotals(
            transactions: settlement.settlementTransactions, nonTransactions: settlement.nonTransactions,
            transactionTotals: settlement.transactionTotals,
            controls: settlement.controls, duplicates: settlement.providerDuplicates, lineDetails: settlement.lineDetails,
            unreferenced: settlement.unreferenced)
    }

    /// Adds one row of the streamed ledger window.
    public mutating func addLedgerRow(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, status: LedgerStatus,
        createdAt: Timestamp, merchantReference: UnsafeBufferPointer<UInt8>? = nil
    ) {
        ledgerRowsStreamed += 1
        let inWindow = window.contains(createdAt)
        if inWindow { ledgerRowsInWindow += 1 }
        if let entry = index.find(reference, kind) {
            if index.entries[entry].ledgerClaim == .none {
                index.setLedger(entry, amount: amount, status: status, createdAt: createdAt, claim: .streamed)
            } else {
                claim(
                    entry, LedgerRecord(reference: "", kind: kind, amount: amount, status: status, createdAt: createdAt),
                    by: .streamed, reference: reference)
            }
        } else if classifier.expectsSettlementLine(kind: kind, status: status, createdAt: createdAt) {
            unmatchedLedger.append(
                LedgerRecord(
                    reference: String(decoding: reference, as: UTF8.self), kind: kind, amount: amount, status: status,
                    createdAt: createdAt, merchantReference: merchantReference.map { String(decoding: $0, as: UTF8.self) }))
        }
    }

    /// String convenience over ``addLedgerRow(_:kind:amount:status:createdAt:merchantReference:)``.
    public mutating func addLedgerRow(_ row: LedgerRecord) {
        var reference = row.reference
        var merchant = row.merchantReference ?? ""
        let hasMerchant = row.merchantReference != nil
        reference.withUTF8 { referenceBytes in
            merchant.withUTF8 { merchantBytes in
                addLedgerRow(
                    referenceBytes, kind: row.kind, amount: row.amount, status: row.status, createdAt: row.createdAt,
                    merchantReference: hasMerchant ? merchantBytes : nil)
            }
        }
    }

    public func prefetch(_ count: Int, key: (Int) -> (UnsafeBufferPointer<UInt8>, TransactionKind)) {
        index.prefetch(count, key: key)
    }

    /// Records a ledger row that could not be read.
    public mutating func addLedgerReject(_ reason: String) {
        rejects.append(Reject(location: .ledger, reason: reason))
    }

    /// References of settlement transactions that no streamed ledger row claimed, sorted and unique:
    /// the input of the one batched out-of-window lookup.
    public func unclaimedReferences() -> [String] {
        var references = Set<String>()
        for (number, entry) in index.entries.enumerated() where entry.ledgerClaim == .none {
            references.insert(index.reference(of: number))
        }
        return references.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Adds a row found by the out-of-window lookup. Rows inside the streamed range are ignored
    /// (they were seen already), as are rows whose key has no settlement transaction left to claim.
    public mutating func addLookedUpRow(_ row: LedgerRecord) {
        guard !window.streams(row.createdAt) else { return }
        var reference = row.reference
        reference.withUTF8 { bytes in
            guard let entry = index.find(bytes, row.kind), index.entries[entry].ledgerClaim != .streamed else { return }
            ledgerRowsLookedUp += 1
            claim(entry, row, by: .lookedUp, reference: bytes)
        }
    }

    /// Attaches a ledger row to an entry. When a second row claims the same key, the earlier-created
    /// row (then the smaller amount) stays, so the outcome does not depend on the stream's order, and
    /// the other becomes a `duplicate_internal`.
    private mutating func claim(
        _ entry: Int, _ row: LedgerRecord, by claim: SettlementIndex.LedgerClaim, reference: UnsafeBufferPointer<UInt8>
    ) {
        guard let existing = index.ledgerRecord(of: entry) else {
            index.setLedger(entry, amount: row.amount, status: row.status, createdAt: row.createdAt, claim: claim)
            return
        }
        var incoming = row
        incoming.reference = String(decoding: reference, as: UTF8.self)
        let keepIncoming =
            (incoming.createdAt, incoming.amount.minor, incoming.amount.currency.packed, incoming.status.text)
            < (existing.createdAt, existing.amount.minor, existing.amount.currency.packed, existing.status.text)
        if keepIncoming {
            index.setLedger(
                entry, amount: incoming.amount, status: incoming.status, createdAt: incoming.createdAt, claim: claim)
            extraLedgerRows.append(existing)
        } else {
            extraLedgerRows.append(incoming)
        }
    }
}
