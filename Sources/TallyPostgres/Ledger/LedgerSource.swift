import TallyCore

/// Reads the provider's ledger rows into a ``TallyCore/LedgerSink``: one streamed query over the window and
/// one batched lookup of the references the stream did not claim, both inside one
/// `REPEATABLE READ READ ONLY` transaction so they see one snapshot.
///
/// The stream runs on its own thread from ``begin(window:connection:)`` on, so PostgreSQL can
/// produce the window while the settlement files are still being parsed; rows wait in a
/// ``BoundedQueue`` of at most ``queueBytes`` until the matcher takes them.
///
/// ```swift
/// let stream = try source.begin(window: window, connection: db)   // the server starts working
/// … parse the settlement files, then var ledger = reconciler.ledgerPhase() …
/// try stream.drain(into: &ledger)                                 // match the streamed rows
/// try source.lookUp(into: &ledger, connection: db)                // the rest, by key
/// try source.commit(db)
/// ```
public struct LedgerSource: Sendable {
    public var provider: String
    /// The SQL that reads the ledger.
    public var query: LedgerQuery
    /// References per lookup statement, so one huge array never has to be built at once.
    public var lookupBatchSize: Int
    /// Most bytes of streamed rows waiting for the matcher (the pipeline's memory bound).
    public var queueBytes: Int
    /// Where the stream sets batches aside while the queue is full (an unlinked file): the run's
    /// spill folder (`--state-dir`), or the system's temporary folder when nil.
    public var setAsideDirectory: String?

    public init(provider: String, query: LedgerQuery = .canonical, lookupBatchSize: Int = 10_000, queueBytes: Int = 8 << 20) {
        self.provider = provider
        self.query = query
        self.lookupBatchSize = lookupBatchSize
        self.queueBytes = queueBytes
    }

    /// A source over a configured ledger query instead of the canonical `payments` table.
    ///
    /// The query takes the provider as `$1` and the half-open window `[$2, $3)` as timestamps, and
    /// returns at least ``requiredColumns``. Tally wraps it, so column order does not matter:
    ///
    /// ```sql
    /// SELECT p.ref AS provider_ref, p.type AS kind, p.cents AS amount_minor, p.ccy AS currency,
    ///        p.state AS status, p.booked_at AS created_at
    /// FROM billing.charges p WHERE p.psp = $1 AND p.booked_at >= $2 AND p.booked_at < $3
    /// ```
    ///
    /// - Parameter hasMerchantReference: whether the query returns `merchant_ref` (see ``describe(_:connection:)``).
    public init(provider: String, ledgerQuery: String, hasMerchantReference: Bool) {
        self.init(provider: provider, query: .configured(ledgerQuery, hasMerchantReference: hasMerchantReference))
    }

    /// Whether the window may be streamed as a binary COPY (``canonicalWindowCopy(start:end:)``,
    /// when the table's column types allow it): the canonical table. A configured ledger query is
    /// streamed in single-row mode, since a COPY could not bind its `$1`…`$3`.
    public var streamsWithCopy: Bool { query == .canonical }

    /// Whether the ledger has a `merchant_ref` column to read.
    public var hasMerchantReference: Bool {
        switch query {
        case .canonical: true
        case .configured(_, let hasMerchantReference): hasMerchantReference
        }
    }

    /// The window query in single-row mode: the canonical one (its COPY is chosen in ``begin(window:connection:)``)
    /// or the configured one, wrapped.
    public var windowQuery: String {
        switch query {
        case .canonical: Self.canonicalWindowQuery
        case .configured(let sql, _): "SELECT \(configuredColumns) FROM (\n\(sql)\n) AS ledger"
        }
    }

    /// The lookup outside the streamed range by reference.
    public var lookupQuery: String {
        switch query {
        case .canonical: Self.canonicalLookupQuery
        case .configured(let sql, _):
            "SELECT \(configuredColumns) FROM (\n\(sql)\n) AS ledger WHERE provider_ref = ANY($4::text[])"
        }
    }

    /// Whether the lookup query takes the window bounds too (`$2`, `$3` as ±infinity, the references
    /// as `$4`): true for a configured ledger query, which only knows `$1`…`$3`.
    var lookupTakesBounds: Bool { query != .canonical }

    private var configuredColumns: String {
        Self.textColumns(merchantReference: hasMerchantReference ? "merchant_ref::text" : "NULL::text")
    }

    /// The columns a ledger query must return (by name, in any order); `merchant_ref` is optional.
    public static let requiredColumns = ["provider_ref", "kind", "amount_minor", "currency", "status", "created_at"]

    /// Checks that a configured ledger query runs and returns the required columns.
    ///
    /// - Returns: whether it returns `merchant_ref` too.
    /// - Throws: ``PostgresError`` `.query` naming the missing columns, or the server's error.
    public static func describe(_ ledgerQuery: String, connection: PostgresConnection) throws -> Bool {
        let names = try connection.columnNames(of: ledgerQuery, ["-", "-infinity", "infinity"])
        let missing = requiredColumns.filter { !names.contains($0) }
        guard missing.isEmpty else {
            throw PostgresError(
                code: .query,
                message:
                    "the configured ledger query lacks the column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) (it returns \(names.joined(separator: ", "))); alias them, e.g. SELECT ref AS provider_ref, …"
            )
        }
        return names.contains("merchant_ref")
    }

    func lookupParameters(_ batch: [String]) -> [String?] {
        lookupTakesBounds
            ? [provider, "-infinity", "infinity", PostgresArray.textLiteral(batch)]
            : [provider, PostgresArray.textLiteral(batch)]
    }

    /// Opens the snapshot and starts streaming the window on a background thread.
    ///
    /// The connection belongs to the stream until ``LedgerStream/drain(into:progress:)`` or
    /// ``LedgerStream/abandon()`` returns.
    public func begin(window: ReconciliationWindow, connection: PostgresConnection) throws -> LedgerStream {
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        let parameters: [String?] = [provider, window.streamStart.iso8601, window.streamEnd.iso8601]
        if streamsWithCopy,
            let padded = Self.paddedColumnsWithoutCasts(try connection.columnTypes(of: windowQuery, parameters))
        {
            try connection.execute(Self.copyParameters, [provider])
            let sql = Self.canonicalWindowCopy(
                start: try connection.quoteLiteral(window.streamStart.iso8601),
                end: try connection.quoteLiteral(window.streamEnd.iso8601))
            return LedgerStream(
                connection: connection, query: .copyBinary(sql, paddedColumns: padded), queueBytes: queueBytes,
                setAsideDirectory: setAsideDirectory)
        }
        let query = streamsWithCopy ? Self.canonicalTextWindowQuery : windowQuery
        return LedgerStream(
            connection: connection, query: .rows(query, parameters), queueBytes: queueBytes, setAsideDirectory: setAsideDirectory)
    }

    /// Looks up, by key and outside the streamed range, every reference no streamed row claimed.
    public func lookUp(into sink: inout some LedgerSink, connection: PostgresConnection) throws {
        try streamLookup(of: sink.unclaimedReferences(), connection: connection) { row in
            Self.feed(row, into: &sink, lookedUp: true)
        }
    }

    /// The ledger's rows for the keys of earlier open items, looked up in the same snapshot.
    public func facts(for keys: [ItemKey], connection: PostgresConnection) throws -> [ItemKey: History.LedgerFacts] {
        let wanted = Set(keys)
        var found: [ItemKey: History.LedgerFacts] = [:]
        try records(of: keys.map(\.reference), connection: connection) { record in
            let key = ItemKey(reference: record.reference, kind: record.kind)
            guard wanted.contains(key) else { return }
            found[key, default: History.LedgerFacts(rows: [])].rows.append(record)
        }
        return found
    }

    /// Every readable ledger row of the provider holding one of `references`, whatever its date,
    /// through the lookup query in batches (in the run's snapshot while it is open).
    func records(of references: [String], connection: PostgresConnection, _ each: (LedgerRecord) -> Void) throws {
        try streamLookup(of: Array(Set(references)).sorted(), connection: connection) { row in
            if let record = Self.record(row) { each(record) }
        }
    }

    /// Runs the lookup query over `references`, ``lookupBatchSize`` at a time, handing each row over.
    private func streamLookup(
        of references: [String], connection: PostgresConnection, _ each: (LedgerFields) -> Void
    ) throws {
        var start = 0
        while start < references.count {
            let batch = Array(references[start..<min(start + lookupBatchSize, references.count)])
            try connection.stream(lookupQuery, lookupParameters(batch)) { each(LedgerFields($0)) }
            start += lookupBatchSize
        }
    }

    /// Ends the read-only snapshot.
    public func commit(_ connection: PostgresConnection) throws { try connection.execute("COMMIT") }

    /// The whole read in one call: stream, match, look up, commit (rolls back on failure).
    public func read(into sink: inout some LedgerSink, connection: PostgresConnection) throws {
        let stream = try begin(window: sink.window, connection: connection)
        do {
            try stream.drain(into: &sink)
            try lookUp(into: &sink, connection: connection)
            try commit(connection)
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }
}
