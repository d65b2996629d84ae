import Foundation
import Synchronization
import TallyCore

/// Reads the provider's ledger rows into a ``Reconciler``: one streamed query over the window and
/// one batched lookup of the references the stream did not claim, both inside one
/// `REPEATABLE READ READ ONLY` transaction so they see one snapshot.
///
/// The stream runs on its own thread from ``begin(window:connection:)`` on, so PostgreSQL can
/// produce the window while the settlement files are still being parsed; rows wait in a
/// ``BoundedQueue`` of at most ``queueBytes`` until the matcher takes them.
///
/// ```swift
/// let stream = try source.begin(window: window, connection: db)   // the server starts working
/// … parse the settlement files into reconciler …
/// try stream.drain(into: &reconciler)                             // match the streamed rows
/// try source.lookUp(into: &reconciler, connection: db)            // the rest, by key
/// try source.commit(db)
/// ```
public struct LedgerSource: Sendable {
    /// The canonical query (DESIGN.md): columns in the order the parser reads them, the provider and
    /// the window bounds as `$1`, `$2`, `$3`.
    public static let canonicalWindowQuery = """
        SELECT provider_ref, kind, amount_minor, currency, status, created_at, merchant_ref
        FROM payments WHERE provider = $1 AND created_at >= $2 AND created_at < $3
        """

    /// The canonical window as `COPY … TO STDOUT (FORMAT binary)`, the way the ledger is streamed
    /// when no ledger query is configured and the table has the canonical column types: the client
    /// keeps no `PGresult` per row and parses no text numbers or timestamps, and the server formats
    /// none.
    ///
    /// COPY takes no bind parameters. The provider, the one value that comes from outside, reaches
    /// it through `set_config` in the snapshot's transaction (``copyParameters``), read once by an
    /// InitPlan. The window's bounds are timestamps Tally formats itself from its own
    /// microseconds; they are written as literals (quoted by libpq) so that the planner sees the
    /// range it scans: with the bounds as InitPlan values too, it assumed a tiny range and chose
    /// an index scan that took 35 ms more than the sequential scan over the 1M benchmark's window.
    /// The columns are copied as they are: any expression (even one cast) costs the server a
    /// projection per row, 75 ms over the same window.
    static func canonicalWindowCopy(start: String, end: String) -> String {
        """
        COPY (SELECT provider_ref, kind, amount_minor, currency, status, created_at, merchant_ref FROM payments
              WHERE provider = (SELECT current_setting('tally.provider'))
                AND created_at >= \(start)::timestamptz AND created_at < \(end)::timestamptz)
        TO STDOUT (FORMAT binary)
        """
    }

    /// Sets the provider ``canonicalWindowCopy(start:end:)`` reads, for the current transaction only.
    static let copyParameters = "SELECT set_config('tally.provider', $1, true)"

    /// Whether the canonical columns, of these type OIDs, can be decoded from binary COPY as they
    /// are: text-like (sent as their bytes), except `amount_minor` (int8) and `created_at`
    /// (timestamptz).
    ///
    /// - Returns: the `char(n)` columns (bit `1 << column`), whose padding the reader drops, or
    ///   `nil` when another type needs the text stream (a `numeric` amount, say, whose fraction
    ///   must be a reject, not rounded by a cast).
    static func paddedColumnsWithoutCasts(_ types: [UInt32]) -> UInt8? {
        let text: Set<UInt32> = [25, 1043, 1042]  // text, varchar, bpchar
        guard types.count == 7 else { return nil }
        var padded: UInt8 = 0
        for (column, type) in types.enumerated() {
            switch column {
            case 2: guard type == 20 else { return nil }
            case 5: guard type == 1184 else { return nil }
            default:
                guard text.contains(type) else { return nil }
                if type == 1042 { padded |= 1 << column }
            }
        }
        return padded
    }

    /// The columns as the text stream reads them, whatever their types in the table: text (so
    /// `char(n)` padding goes and enums become their labels), `created_at` as `timestamptz`, and
    /// the amount as text, whole numbers without a scale (`1234.00` → `1234`) while a fraction of a
    /// minor unit stays in the text and becomes a reject, where a cast to `bigint` would round it.
    static func textColumns(merchantReference: String) -> String {
        """
        provider_ref::text, kind::text,
        CASE WHEN amount_minor::numeric = trunc(amount_minor::numeric) THEN trunc(amount_minor::numeric)::text
             ELSE amount_minor::numeric::text END,
        currency::text, status::text, created_at::timestamptz, \(merchantReference)
        """
    }

    /// The canonical window as text, for a `payments` table whose column types binary COPY cannot
    /// take as they are (``paddedColumnsWithoutCasts(_:)``).
    static let canonicalTextWindowQuery = """
        SELECT \(textColumns(merchantReference: "merchant_ref::text"))
        FROM payments WHERE provider = $1 AND created_at >= $2 AND created_at < $3
        """

    /// The out-of-window lookup: the provider as `$1`, the references as a text array in `$2`.
    public static let canonicalLookupQuery = """
        SELECT \(textColumns(merchantReference: "merchant_ref::text"))
        FROM payments WHERE provider = $1 AND provider_ref = ANY($2::text[])
        """

    public var provider: String
    public var windowQuery: String
    /// Whether the window may be streamed as a binary COPY (``canonicalWindowCopy(start:end:)``,
    /// when the table's column types allow it); false streams ``windowQuery`` in single-row mode (a
    /// configured ledger query, whose `$1`…`$3` a COPY could not bind).
    public var streamsWithCopy: Bool
    public var lookupQuery: String
    /// Whether the lookup query takes the window bounds too (`$2`, `$3` as ±infinity, the references
    /// as `$4`): true for a configured ledger query, which only knows `$1`…`$3`.
    public var lookupTakesBounds = false
    /// References per lookup statement, so one huge array never has to be built at once.
    public var lookupBatchSize: Int
    /// Most bytes of streamed rows waiting for the matcher (the pipeline's memory bound).
    public var queueBytes: Int
    /// Whether the ledger has a `merchant_ref` column to read (false for a configured ledger query
    /// that returns none).
    public var hasMerchantReference = true
    /// Where the stream sets batches aside while the queue is full (an unlinked file): the run's
    /// spill folder (`--state-dir`), or the system's temporary folder when nil.
    public var setAsideDirectory: String?

    public init(
        provider: String, windowQuery: String = Self.canonicalWindowQuery,
        lookupQuery: String = Self.canonicalLookupQuery, lookupBatchSize: Int = 10_000, queueBytes: Int = 8 << 20
    ) {
        self.provider = provider
        self.windowQuery = windowQuery
        self.streamsWithCopy = windowQuery == Self.canonicalWindowQuery
        self.lookupQuery = lookupQuery
        self.lookupBatchSize = lookupBatchSize
        self.queueBytes = queueBytes
    }

    /// The columns a ledger query must return (by name, in any order); `merchant_ref` is optional.
    public static let requiredColumns = ["provider_ref", "kind", "amount_minor", "currency", "status", "created_at"]

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
        let columns = Self.textColumns(merchantReference: hasMerchantReference ? "merchant_ref::text" : "NULL::text")
        self.init(
            provider: provider,
            windowQuery: "SELECT \(columns) FROM (\n\(ledgerQuery)\n) AS ledger",
            lookupQuery: "SELECT \(columns) FROM (\n\(ledgerQuery)\n) AS ledger WHERE provider_ref = ANY($4::text[])")
        lookupTakesBounds = true
        self.hasMerchantReference = hasMerchantReference
    }

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
                    "the configured ledger query lacks the column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) (it returns \(names.joined(separator: ", "))); alias them, e.g. SELECT ref AS provider_ref, …")
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
    public func lookUp(into reconciler: inout Reconciler, connection: PostgresConnection) throws {
        let references = reconciler.unclaimedReferences()
        var start = 0
        while start < references.count {
            let batch = Array(references[start..<min(start + lookupBatchSize, references.count)])
            try connection.stream(lookupQuery, lookupParameters(batch)) { row in
                Self.feed(LedgerFields(row), into: &reconciler, lookedUp: true)
            }
            start += lookupBatchSize
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
        let references = Array(Set(references)).sorted()
        var start = 0
        while start < references.count {
            let batch = Array(references[start..<min(start + lookupBatchSize, references.count)])
            try connection.stream(lookupQuery, lookupParameters(batch)) { row in
                if let record = Self.record(LedgerFields(row)) { each(record) }
            }
            start += lookupBatchSize
        }
    }

    /// A whole ledger row as a value, or nil when it cannot be read.
    static func record(_ row: LedgerFields) -> LedgerRecord? {
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        guard let kind = TransactionKind(bytes: row[1] ?? empty), let currency = Currency(bytes: row[3] ?? empty),
            let amount = row.amountMinor(), amount != .min, let createdAt = row.createdAt()
        else { return nil }
        return LedgerRecord(
            reference: row.text(0), kind: kind, amount: Money(minor: abs(amount), currency: currency),
            status: LedgerStatus(bytes: row[4] ?? empty), createdAt: createdAt,
            merchantReference: row[6].map { String(decoding: $0, as: UTF8.self) })
    }

    /// Ends the read-only snapshot.
    public func commit(_ connection: PostgresConnection) throws { try connection.execute("COMMIT") }

    /// The whole read in one call: stream, match, look up, commit (rolls back on failure).
    public func read(into reconciler: inout Reconciler, connection: PostgresConnection) throws {
        let stream = try begin(window: reconciler.window, connection: connection)
        do {
            try stream.drain(into: &reconciler)
            try lookUp(into: &reconciler, connection: connection)
            try commit(connection)
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Rows matched per group: the settlement index loads the group's slots, entries and
    /// references before any of its rows is matched (``Reconciler/prefetch(_:key:)``).
    static let prefetchGroup = 16

    /// Matches every row of a streamed batch, a group of rows at a time.
    public static func feed(_ batch: LedgerBatch, into reconciler: inout Reconciler) {
        withUnsafeTemporaryAllocation(of: LedgerFields.self, capacity: prefetchGroup) { group in
            var count = 0
            func flush(_ reconciler: inout Reconciler) {
                let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
                reconciler.prefetch(count) { number in
                    (group[number][0] ?? empty, TransactionKind(bytes: group[number][1] ?? empty) ?? .charge)
                }
                for number in 0..<count { feed(group[number], into: &reconciler, lookedUp: false) }
                count = 0
            }
            batch.forEachRow { fields in
                group.initializeElement(at: count, to: fields)
                count += 1
                if count == prefetchGroup { flush(&reconciler) }
            }
            flush(&reconciler)
        }
    }

    /// Parses one row in place (no String unless the row becomes a break or a reject).
    public static func feed(_ row: LedgerFields, into reconciler: inout Reconciler, lookedUp: Bool) {
        // A looked-up row inside the streamed range was seen (and judged, or rejected) by the
        // stream already: skip it before it could be rejected a second time.
        if lookedUp, let createdAt = row.createdAt(), reconciler.window.streams(createdAt) { return }
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        let reference = row[0] ?? empty
        guard let kind = TransactionKind(bytes: row[1] ?? empty) else {
            reconciler.addLedgerReject(
                "ledger row \(row.text(0)) has kind '\(row.text(1))', expected charge, refund or chargeback")
            return
        }
        guard let currency = Currency(bytes: row[3] ?? empty) else {
            reconciler.addLedgerReject("ledger row \(row.text(0)) has currency '\(row.text(3))', not an ISO 4217 code")
            return
        }
        guard let amount = row.amountMinor(), amount != .min else {
            reconciler.addLedgerReject("ledger row \(row.text(0)) has an unreadable amount_minor '\(row.text(2))'")
            return
        }
        guard let createdAt = row.createdAt() else {
            reconciler.addLedgerReject("ledger row \(row.text(0)) has an unreadable created_at '\(row.text(5))'")
            return
        }
        let status = LedgerStatus(bytes: row[4] ?? empty)
        let money = Money(minor: abs(amount), currency: currency)
        if lookedUp {
            reconciler.addLookedUpRow(
                LedgerRecord(
                    reference: String(decoding: reference, as: UTF8.self), kind: kind, amount: money, status: status,
                    createdAt: createdAt, merchantReference: row[6].map { String(decoding: $0, as: UTF8.self) }))
        } else {
            reconciler.addLedgerRow(
                reference, kind: kind, amount: money, status: status, createdAt: createdAt, merchantReference: row[6])
        }
    }
}

/// A count shared between the stream's thread and the reader of progress.
final class RowCounter: Sendable {
    let value = Mutex<Int>(0)
}

/// The window query running on its own thread, its rows waiting in a bounded queue.
public final class LedgerStream: Sendable {
    enum Message: Sendable {
        case batch(LedgerBatch)
        case end(rows: Int)
        case failure(PostgresError)
    }

    /// What the stream's thread runs: a query in single-row mode, or a binary COPY.
    enum Query: Sendable {
        case rows(String, [String?])
        case copyBinary(String, paddedColumns: UInt8)
    }

    static let batchBytes = 256 << 10

    private let queue: BoundedQueue<Message>
    private let canceller: PostgresCanceller
    private let finished = Mutex<Bool>(false)
    /// Batches the stream's thread set aside on disk because the queue was full (the files still
    /// being read, or the matcher busy): read back by the drain alongside the queue.
    private let spill: LedgerOverflow
    private let received = RowCounter()

    /// Rows the stream's thread has set aside in its temporary file while the queue was full.
    public var rowsSetAside: Int { spill.rows }

    /// Rows PostgreSQL has delivered so far (for progress; matched or not).
    public var rowsReceived: Int { received.value.withLock { $0 } }

    init(connection: PostgresConnection, query: Query, queueBytes: Int, setAsideDirectory: String? = nil) {
        queue = BoundedQueue(capacity: max(2, queueBytes / Self.batchBytes))
        spill = setAsideDirectory.map { LedgerOverflow(directory: URL(fileURLWithPath: $0)) } ?? LedgerOverflow()
        canceller = (try? connection.makeCanceller()) ?? PostgresCanceller.none
        let handoff = ConnectionHandoff(connection)
        let queue = self.queue
        let received = self.received
        let spill = self.spill
        let thread = Thread {
            do {
                var layout = LedgerBatch.Layout.packedText
                var padded: UInt8 = 0
                if case .copyBinary(_, let paddedColumns) = query { (layout, padded) = (.copyBinary, paddedColumns) }
                var batch = LedgerBatch(reservingBytes: Self.batchBytes + 4096, layout: layout, paddedColumns: padded)
                func handOver() {
                    guard batch.bytes.count >= Self.batchBytes else { return }
                    received.value.withLock { $0 += batch.rows }
                    // Never wait for the parser: a full queue sends the batch to the spill file.
                    if !queue.tryPush(.batch(batch)) && !spill.append(batch) {
                        queue.push(.batch(batch))
                    }
                    batch = LedgerBatch(reservingBytes: Self.batchBytes + 4096, layout: layout, paddedColumns: padded)
                }
                var rows = 0
                switch query {
                case .rows(let sql, let parameters):
                    rows = try handoff.connection.stream(sql, parameters) { row in
                        batch.append(row)
                        handOver()
                    }
                case .copyBinary(let sql, _):
                    var framing = CopyBinaryFraming()
                    try handoff.connection.copyOut(sql) { message in
                        guard let tuple = try framing.tuple(in: message) else { return }
                        batch.appendTuple(tuple)
                        rows += 1
                        handOver()
                    }
                }
                if batch.rows > 0 { queue.push(.batch(batch)) }
                queue.push(.end(rows: rows))
            } catch let error as PostgresError {
                queue.push(.failure(error))
            } catch {
                queue.push(.failure(PostgresError(code: .stream, message: "\(error)")))
            }
        }
        thread.name = "tally-ledger-stream"
        thread.start()
    }

    /// Matches every streamed row until the stream ends.
    ///
    /// - Parameters:
    ///   - progress: called after each batch with the rows matched so far.
    ///   - whileWaiting: called instead of waiting when no rows are ready; it does a slice of other
    ///     work and returns true, or returns false when it has none (the drain then waits).
    /// - Throws: the stream's ``PostgresError`` if the query failed.
    public func drain(
        into reconciler: inout Reconciler, progress: (Int) -> Void = { _ in }, whileWaiting: () -> Bool = { false }
    ) throws {
        var seen = 0
        try drainBatches(whileWaiting: whileWaiting) { batch in
            LedgerSource.feed(batch, into: &reconciler)
            seen += batch.rows
            progress(seen)
        }
    }

    /// Takes every batch, from the queue and from the rows set aside on disk, until the stream
    /// ends or fails. Queued batches come first whenever there are any, so the stream's thread
    /// finds room again at once; the file is read while the queue is empty, and waited on only when
    /// both are. Batches therefore do not come in the stream's order (the outcome does not depend
    /// on it), and the stream never waits for the matcher.
    private func drainBatches(whileWaiting: () -> Bool = { false }, _ body: (LedgerBatch) throws -> Void) throws {
        var ended = false
        var idleWork = true
        while true {
            let message: Message
            if let queued = queue.tryPop() {
                message = queued
            } else if let setAside = try spill.next() {
                message = .batch(setAside)
            } else if ended {
                // The end came after the stream's last batch was set aside: nothing is left.
                finished.withLock { $0 = true }
                return
            } else if idleWork && whileWaiting() {
                continue
            } else {
                idleWork = false
                message = queue.pop()
            }
            switch message {
            case .batch(let batch):
                CrashPoint.hit("ledger-stream")
                try body(batch)
            case .end:
                ended = true
            case .failure(let error):
                finished.withLock { $0 = true }
                throw error
            }
        }
    }

    /// Hands every streamed row to `body` until the stream ends (a run that spilled to
    /// disk partitions them instead of matching them).
    ///
    /// - Throws: the stream's ``PostgresError`` if the query failed.
    public func drainRows(_ body: (LedgerFields) throws -> Void) throws {
        try drainBatches { batch in
            var failure: (any Error)?
            batch.forEachRow { fields in
                guard failure == nil else { return }
                do { try body(fields) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    /// Stops the stream after a failure elsewhere: cancels the query and waits for the thread to
    /// give the connection back.
    public func abandon() {
        guard !finished.withLock({ $0 }) else { return }
        canceller.cancel()
        while true {
            switch queue.pop() {
            case .batch: continue
            case .end, .failure:
                finished.withLock { $0 = true }
                return
            }
        }
    }
}

/// Carries the connection to the streaming thread.
///
/// `@unchecked Sendable` is safe because the connection is used by one thread at a time: the
/// stream thread from its start until it pushes its last message, the caller only after popping
/// that message (the queue's lock orders the two).
private final class ConnectionHandoff: @unchecked Sendable {
    let connection: PostgresConnection
    init(_ connection: PostgresConnection) { self.connection = connection }
}
