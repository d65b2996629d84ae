import TallyCore

/// Reads the provider's ledger rows into a ``Reconciler``: one streamed query over the window and
/// one batched lookup of the references the stream did not claim.
///
/// Both run inside one `REPEATABLE READ READ ONLY` transaction, so they see one snapshot.
public struct LedgerSource {
    /// The canonical query (DESIGN.md): columns in the order the parser reads them, the provider and
    /// the window bounds as `$1`, `$2`, `$3`.
    public static let canonicalWindowQuery = """
        SELECT provider_ref, kind, amount_minor, currency, status, created_at, merchant_ref
        FROM payments WHERE provider = $1 AND created_at >= $2 AND created_at < $3
        """

    /// The out-of-window lookup: the provider as `$1`, the references as a text array in `$2`.
    public static let canonicalLookupQuery = """
        SELECT provider_ref, kind, amount_minor, currency, status, created_at, merchant_ref
        FROM payments WHERE provider = $1 AND provider_ref = ANY($2::text[])
        """

    public var provider: String
    public var windowQuery: String
    public var lookupQuery: String
    /// References per lookup statement, so one huge array never has to be built at once.
    public var lookupBatchSize: Int

    public init(
        provider: String, windowQuery: String = Self.canonicalWindowQuery,
        lookupQuery: String = Self.canonicalLookupQuery, lookupBatchSize: Int = 10_000
    ) {
        self.provider = provider
        self.windowQuery = windowQuery
        self.lookupQuery = lookupQuery
        self.lookupBatchSize = lookupBatchSize
    }

    /// Streams the window and looks up the rest, feeding `reconciler`.
    ///
    /// - Parameter progress: called every 65,536 streamed rows with the running count.
    public func read(
        into reconciler: inout Reconciler, connection: PostgresConnection, progress: (Int) -> Void = { _ in }
    ) throws {
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        do {
            let window = reconciler.window
            var streamed = 0
            try connection.stream(
                windowQuery, [provider, window.streamStart.iso8601, window.streamEnd.iso8601]
            ) { row in
                Self.feed(row, into: &reconciler, lookedUp: false)
                streamed += 1
                if streamed & 0xFFFF == 0 { progress(streamed) }
            }
            let references = reconciler.unclaimedReferences()
            var start = 0
            while start < references.count {
                let batch = Array(references[start..<min(start + lookupBatchSize, references.count)])
                try connection.stream(lookupQuery, [provider, PostgresArray.textLiteral(batch)]) { row in
                    Self.feed(row, into: &reconciler, lookedUp: true)
                }
                start += lookupBatchSize
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Parses one row in place (no String unless the row becomes a break).
    static func feed(_ row: RowView, into reconciler: inout Reconciler, lookedUp: Bool) {
        let reference = row.bytes(0)
        guard let kind = TransactionKind(bytes: row.bytes(1)) else {
            reconciler.addLedgerReject(
                "ledger row \(row.string(0) ?? "") has kind '\(row.string(1) ?? "")', expected charge, refund or chargeback")
            return
        }
        guard let currency = Currency(bytes: row.bytes(3)) else {
            reconciler.addLedgerReject(
                "ledger row \(row.string(0) ?? "") has currency '\(row.string(3) ?? "")', not an ISO 4217 code")
            return
        }
        guard let amount = try? MoneyParser.parseInteger(row.bytes(2)) else {
            reconciler.addLedgerReject("ledger row \(row.string(0) ?? "") has an unreadable amount_minor")
            return
        }
        guard let createdAt = Timestamp.parse(row.bytes(5)) else {
            reconciler.addLedgerReject("ledger row \(row.string(0) ?? "") has an unreadable created_at")
            return
        }
        let status = LedgerStatus(bytes: row.bytes(4))
        let money = Money(minor: amount.magnitude > Int64.max.magnitude ? amount : abs(amount), currency: currency)
        let merchant = row.columnCount > 6 && !row.isNull(6) ? row.bytes(6) : nil
        if lookedUp {
            reconciler.addLookedUpRow(
                LedgerRecord(
                    reference: String(decoding: reference, as: UTF8.self), kind: kind, amount: money, status: status,
                    createdAt: createdAt, merchantReference: merchant.map { String(decoding: $0, as: UTF8.self) }))
        } else {
            reconciler.addLedgerRow(
                reference, kind: kind, amount: money, status: status, createdAt: createdAt, merchantReference: merchant)
        }
    }
}
