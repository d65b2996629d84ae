import Foundation
import TallyCore

/// The `tally` schema as the runs' memory: runs, their breaks, the open items per provider, and
/// the resolutions, written in one transaction per run.
///
/// Every statement is parameterised; nothing from a file or the ledger is ever spliced into SQL.
public struct ResultStore {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) { self.connection = connection }

    /// A run as `tally runs list` shows it.
    public struct RunRow: Sendable, Hashable {
        public var id: String
        public var provider: String
        public var format: String
        public var from: String
        public var to: String
        public var timezone: String
        public var state: String
        public var startedAt: String
        public var finishedAt: String?
        public var supersedes: String?
        public var supersededBy: String?
        public var summary: String?
        public var error: String?
    }

    static let runColumns = """
        id::text, provider, format, window_from::text, window_to::text, timezone, state,
        to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        supersedes::text, superseded_by::text, summary::text, error
        """

    static func runRow(_ row: [String?]) -> RunRow {
        RunRow(
            id: row[0] ?? "", provider: row[1] ?? "", format: row[2] ?? "", from: row[3] ?? "", to: row[4] ?? "",
            timezone: row[5] ?? "", state: row[6] ?? "", startedAt: row[7] ?? "", finishedAt: row[8],
            supersedes: row[9], supersededBy: row[10], summary: row[11], error: row[12])
    }

    /// The current (succeeded, not superseded) run of exactly this window, if any.
    public func currentRun(provider: String, from: CivilDate, to: CivilDate) throws -> String? {
        try connection.query(
            """
            SELECT id::text FROM tally.runs WHERE provider = $1 AND window_from = $2::date AND window_to = $3::date
              AND state = 'succeeded' AND superseded_by IS NULL
            """, [provider, from.description, to.description]
        ).first?.first ?? nil
    }

    /// Records that a run started (committed at once, so a crash leaves at most this row).
    public func beginRun(
        id: String, provider: String, format: String, from: CivilDate, to: CivilDate, timezone: String,
        startedAt: Timestamp, optionsJSON: String
    ) throws {
        try connection.execute(
            """
            INSERT INTO tally.runs (id, provider, format, window_from, window_to, timezone, state, started_at, options)
            VALUES ($1::uuid, $2, $3, $4::date, $5::date, $6, 'running', $7::timestamptz, $8::jsonb)
            """,
            [id, provider, format, from.description, to.description, timezone, startedAt.iso8601, optionsJSON])
    }

    /// Marks runs of the provider left `running` by a process that died as failed. Call it while
    /// holding the provider's lock: no other run of the provider can be alive then.
    public func abandonStaleRuns(provider: String, except id: String) throws {
        try connection.execute(
            """
            UPDATE tally.runs SET state = 'failed', finished_at = now(),
              error = 'abandoned: the process ended before the run finished'
            WHERE provider = $1 AND state = 'running' AND id <> $2::uuid
            """, [provider, id])
    }

    /// Marks a run failed with a one-line reason (no secrets: the caller passes error descriptions).
    public func failRun(id: String, error: String) throws {
        try connection.execute(
            "UPDATE tally.runs SET state = 'failed', finished_at = now(), error = $2 WHERE id = $1::uuid AND state = 'running'",
            [id, error])
    }

    /// The newest run of the provider still marked running (the holder of its lock).
    public func runningRun(provider: String) throws -> RunRow? {
        try connection.query(
            "SELECT \(Self.runColumns) FROM tally.runs WHERE provider = $1 AND state = 'running' ORDER BY started_at DESC LIMIT 1",
            [provider]
        ).first.map(Self.runRow)
    }

    /// How many current runs of the provider cover windows after `date`.
    public func laterWindows(provider: String, after date: CivilDate) throws -> Int {
        let rows = try connection.query(
            """
            SELECT count(*) FROM tally.runs WHERE provider = $1 AND window_from > $2::date
              AND state = 'succeeded' AND superseded_by IS NULL
            """, [provider, date.description])
        return Int(rows.first?.first.flatMap { $0 } ?? "0") ?? 0
    }

    /// Keys that current runs of windows after `date` resolved.
    public func resolvedLater(provider: String, after date: CivilDate) throws -> Set<ItemKey> {
        let rows = try connection.query(
            """
            SELECT r.reference, r.kind FROM tally.resolutions r JOIN tally.runs u ON u.id = r.run_id
            WHERE u.provider = $1 AND u.window_from > $2::date AND u.state = 'succeeded' AND u.superseded_by IS NULL
            """, [provider, date.description])
        return Set(
            rows.compactMap { row in
                guard let reference = row[0], let kind = row[1].flatMap({ TransactionKind(name: $0) }) else { return nil }
                return ItemKey(reference: reference, kind: kind)
            })
    }

    /// The items a run resolved, as they stood before it: a rerun of that run's window starts
    /// from them again.
    public func itemsResolved(by runID: String) throws -> [OpenItem] {
        try connection.query(
            """
            SELECT reference, kind, class, first_seen::text, last_seen::text, first_run::text, run_id::text,
                   provider_amount_minor::text, provider_currency, ledger_amount_minor::text, ledger_currency, ledger_status
            FROM tally.resolutions WHERE run_id = $1::uuid ORDER BY reference, kind
            """, [runID]
        ).compactMap(Self.openItem)
    }

    static func openItem(_ row: [String?]) -> OpenItem? {
        guard let reference = row[0], let kind = row[1].flatMap({ TransactionKind(name: $0) }),
            let breakClass = row[2].flatMap({ BreakClass(rawValue: $0) }),
            let firstSeen = row[3].flatMap({ CivilDate(iso: $0) }), let lastSeen = row[4].flatMap({ CivilDate(iso: $0) })
        else { return nil }
        return OpenItem(
            reference: reference, kind: kind, breakClass: breakClass, firstSeen: firstSeen, lastSeen: lastSeen,
            firstRun: row[5] ?? "", lastRun: row[6] ?? "", providerAmount: money(row[7], row[8]),
            ledgerAmount: money(row[9], row[10]), ledgerStatus: row[11])
    }

    /// The provider's open items.
    public func openItems(provider: String) throws -> [OpenItem] {
        try connection.query(
            """
            SELECT reference, kind, class, first_seen::text, last_seen::text, first_run::text, last_run::text,
                   provider_amount_minor::text, provider_currency, ledger_amount_minor::text, ledger_currency, ledger_status
            FROM tally.open_items WHERE provider = $1 ORDER BY reference, kind
            """, [provider]
        ).compactMap(Self.openItem)
    }

    /// A stored amount (minor units and currency code, as the queries return them as text) as money;
    /// nil when either is missing.
    public static func money(_ minor: String?, _ code: String?) -> Money? {
        guard let minor, let value = Int64(minor), let code, let currency = Currency(code: code) else { return nil }
        return Money(minor: value, currency: currency)
    }

    /// Writes a finished run in one transaction: its row, its breaks, the provider's open items
    /// after it, its resolutions, the supersede link, and its alerts (outbox rows and the items
    /// the endpoints are now told about), so an alert exists exactly when its run does.
    /// - Parameter reports: the rendered reports, asked for last so they can be rendered meanwhile.
    public func commit(
        runID: String, provider: String, finishedAt: Timestamp, summaryJSON: String, filesJSON: String,
        supersedes: String?, breaks: [DatedBreak], filePaths: [String], outcome: History.Outcome,
        reports: () throws -> [(name: String, bytes: [UInt8])] = { [] },
        alerts: AlertWrites = AlertWrites(), itemEvents: [ItemEvent] = [], payouts: (PayoutStore) throws -> Void = { _ in }
    ) throws {
        try connection.execute("BEGIN")
        do {
            if let supersedes {
                try connection.execute(
                    "UPDATE tally.runs SET superseded_by = $2::uuid WHERE id = $1::uuid", [supersedes, runID])
            }
            try connection.execute(
                """
                UPDATE tally.runs SET state = 'succeeded', finished_at = $2::timestamptz, summary = $3::jsonb,
                  files = $4::jsonb, supersedes = $5::uuid
                WHERE id = $1::uuid
                """, [runID, finishedAt.iso8601, summaryJSON, filesJSON, supersedes])
            try insertBreaks(runID: runID, breaks: breaks, filePaths: filePaths)
            try connection.execute("DELETE FROM tally.open_items WHERE provider = $1", [provider])
            try insertOpenItems(provider: provider, items: outcome.open)
            try insertResolutions(runID: runID, provider: provider, outcome: outcome)
            try payouts(PayoutStore(connection: connection))
            try ItemLog(connection: connection).append(
                Self.reconciledEvents(runID: runID, provider: provider, outcome: outcome, at: finishedAt) + itemEvents,
                inTransaction: true)
            try compressReportsWithLZ4()
            for report in try reports() {
                try connection.execute(
                    "INSERT INTO tally.run_reports (run_id, name, content) VALUES ($1::uuid, $2, $3::bytea)",
                    [runID, report.name], bytes: report.bytes)
            }
            let outbox = AlertOutbox(connection: connection)
            try outbox.enqueue(alerts.messages)
            try outbox.markAlerted(provider: provider, runID: runID, items: alerts.alerted)
            try outbox.pruneAlerted(provider: provider)
            CrashPoint.hit("store-write")
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Makes the rest of the transaction compress large values (the rendered reports, a few MB)
    /// with lz4 where the server has it (PostgreSQL 14 and later, built with lz4): measured here
    /// ~5× faster than the default pglz for a 3.7 MB report.json, at a similar size.
    private func compressReportsWithLZ4() throws {
        let available = try connection.query(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        if available.first?.first == "t" { try connection.execute("SET LOCAL default_toast_compression = 'lz4'") }
    }

    /// Copies rows into `table (columns)`, one closure per column giving its text (`nil` is NULL).
    private func insertColumns(_ table: String, _ names: [String], rows: Int, _ columns: [(Int) -> String?]) throws {
        precondition(names.count == columns.count)
        guard rows > 0 else { return }
        try connection.copyIn(
            "COPY \(table) (\(names.joined(separator: ", "))) FROM STDIN", rows: rows, columns: columns.count
        ) { row, column in columns[column](row) }
    }

    private func insertBreaks(runID: String, breaks: [DatedBreak], filePaths: [String]) throws {
        func path(_ file: Int) -> String { filePaths.indices.contains(file) ? filePaths[file] : "(ledger)" }
        try insertColumns(
            "tally.breaks",
            [
                "run_id", "ordinal", "class", "severity", "reference", "kind", "provider_amount_minor", "provider_currency",
                "provider_file", "provider_line", "ledger_amount_minor", "ledger_currency", "ledger_status",
                "ledger_created_at", "ledger_merchant_ref", "differences", "first_seen", "age_days", "is_new",
            ],
            rows: breaks.count,
            [
                { _ in runID }, { String($0) }, { breaks[$0].item.breakClass.rawValue }, { breaks[$0].item.severity.rawValue },
                { breaks[$0].item.reference }, { breaks[$0].item.kindName ?? "control" },
                { breaks[$0].item.provider.map { String($0.amount.minor) } },
                { breaks[$0].item.provider?.amount.currency.code },
                { breaks[$0].item.provider.map { path($0.location.file) } },
                { breaks[$0].item.provider.map { String($0.location.line) } },
                { breaks[$0].item.ledger.map { String($0.amount.minor) } },
                { breaks[$0].item.ledger?.amount.currency.code }, { breaks[$0].item.ledger?.status.text },
                { breaks[$0].item.ledger?.createdAt.iso8601 }, { breaks[$0].item.ledger?.merchantReference },
                { "{" + breaks[$0].item.differences.map(\.rawValue).joined(separator: ",") + "}" },
                { breaks[$0].firstSeen.description }, { String(breaks[$0].ageDays) }, { breaks[$0].isNew ? "true" : "false" },
            ])
    }

    private func insertOpenItems(provider: String, items: [OpenItem]) throws {
        try insertColumns(
            "tally.open_items",
            [
                "provider", "reference", "kind", "class", "first_seen", "last_seen", "first_run", "last_run",
                "provider_amount_minor", "provider_currency", "ledger_amount_minor", "ledger_currency", "ledger_status",
            ],
            rows: items.count,
            [
                { _ in provider }, { items[$0].reference }, { items[$0].kind.name }, { items[$0].breakClass.rawValue },
                { items[$0].firstSeen.description }, { items[$0].lastSeen.description }, { items[$0].firstRun },
                { items[$0].lastRun }, { items[$0].providerAmount.map { String($0.minor) } },
                { items[$0].providerAmount?.currency.code }, { items[$0].ledgerAmount.map { String($0.minor) } },
                { items[$0].ledgerAmount?.currency.code }, { items[$0].ledgerStatus },
            ])
    }

    /// The run's resolutions, and the silent settled-ahead records it used up (`resolved_as`
    /// ``settledAheadMarker``): both are what a rerun of the window restores (``itemsResolved(by:)``).
    private func insertResolutions(runID: String, provider: String, outcome: History.Outcome) throws {
        typealias Row = (
            reference: String, kind: TransactionKind, breakClass: BreakClass, firstSeen: CivilDate,
            resolvedAs: String, item: OpenItem?
        )
        let rows: [Row] =
            outcome.resolved.map { ($0.reference, $0.kind, $0.breakClass, $0.firstSeen, $0.resolvedAs.rawValue, $0.item) }
            + outcome.settledAhead.map { ($0.reference, $0.kind, $0.breakClass, $0.firstSeen, Self.settledAheadMarker, $0) }
        try insertColumns(
            "tally.resolutions",
            [
                "run_id", "provider", "reference", "kind", "class", "first_seen", "resolved_as", "last_seen", "first_run",
                "provider_amount_minor", "provider_currency", "ledger_amount_minor", "ledger_currency", "ledger_status",
            ],
            rows: rows.count,
            [
                { _ in runID }, { _ in provider }, { rows[$0].reference }, { rows[$0].kind.name },
                { rows[$0].breakClass.rawValue }, { rows[$0].firstSeen.description }, { rows[$0].resolvedAs },
                { (rows[$0].item?.lastSeen ?? rows[$0].firstSeen).description },
                { rows[$0].item?.firstRun ?? runID },
                { rows[$0].item?.providerAmount.map { String($0.minor) } },
                { rows[$0].item?.providerAmount?.currency.code },
                { rows[$0].item?.ledgerAmount.map { String($0.minor) } },
                { rows[$0].item?.ledgerAmount?.currency.code }, { rows[$0].item?.ledgerStatus },
            ])
    }

    /// The reconciler's resolutions as events of the item log (actor ``reconcilerActor``), so an
    /// item's history shows the run that closed it beside what people did. What people closed has
    /// its event already (theirs).
    static func reconciledEvents(runID: String, provider: String, outcome: History.Outcome, at: Timestamp) -> [ItemEvent] {
        outcome.resolved.filter { !$0.resolvedAs.isByPerson }.map { resolved in
            ItemEvent(
                itemID: ItemID(provider: provider, reference: resolved.reference, kind: resolved.kind), provider: provider,
                reference: resolved.reference, kind: resolved.kind, breakClass: resolved.breakClass,
                amount: resolved.item?.amountAtRisk, action: .reconciled, actor: reconcilerActor, at: at,
                note: "resolved as \(resolved.resolvedAs.rawValue) by run \(runID.prefix(8))",
                resolvedAs: resolved.resolvedAs.rawValue, runID: runID)
        }
    }

    /// The actor of the reconciler's own events.
    public static let reconcilerActor = "tally"

    /// `tally.resolutions.resolved_as` of a settled-ahead record a run used up: kept for reruns,
    /// never shown as a resolution (the queries that list resolutions leave it out).
    static let settledAheadMarker = "settled_ahead"
}
