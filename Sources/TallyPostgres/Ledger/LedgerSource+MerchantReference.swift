import TallyCore

extension LedgerSource {
    /// The result with the ledger row's `merchant_ref` on every break that has a ledger side.
    ///
    /// The settlement index keeps only what matching needs of a claimed ledger row (amount, status,
    /// created_at), so a break built from it — an amount, currency or status mismatch, a timing
    /// difference, a duplicate in the provider — would carry no order number, the field a finance
    /// person looks up. This reads the rows of just those breaks once more, in the run's snapshot
    /// (call it before ``commit(_:)``), and takes each break's own row by its key, created_at and
    /// amount. Breaks that already carry one (`missing_in_provider`, `duplicate_internal`) are left
    /// as they are.
    public func withMerchantReferences(_ result: ReconciliationResult, connection: PostgresConnection) throws
        -> ReconciliationResult
    {
        guard hasMerchantReference else { return result }
        let wanting = result.breaks.indices.filter {
            result.breaks[$0].ledger.map { $0.merchantReference == nil } ?? false
        }
        guard !wanting.isEmpty else { return result }
        struct RowKey: Hashable {
            var reference: String
            var kind: TransactionKind
            var createdAt: Timestamp
            var amount: Money
        }
        var found: [RowKey: String] = [:]
        try records(of: wanting.map { result.breaks[$0].reference }, connection: connection) { record in
            guard let merchant = record.merchantReference else { return }
            found[RowKey(reference: record.reference, kind: record.kind, createdAt: record.createdAt, amount: record.amount)] =
                merchant
        }
        var result = result
        for index in wanting {
            guard let ledger = result.breaks[index].ledger else { continue }
            let key = RowKey(
                reference: result.breaks[index].reference, kind: ledger.kind, createdAt: ledger.createdAt, amount: ledger.amount)
            result.breaks[index].ledger?.merchantReference = found[key]
        }
        return result
    }
}
