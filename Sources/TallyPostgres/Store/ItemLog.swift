import TallyCore

/// The append-only, hash-chained event log of open items, `tally.item_events` (migration 5).
///
/// Every append takes a transaction-level advisory lock, reads the last hash and writes the new
/// events chained to it, so two writers (a person's `tally items ack` and a run's commit) cannot
/// interleave; the table's trigger refuses UPDATE, DELETE and TRUNCATE, so an event is never
/// changed: undo is a new event. `tally items verify` recomputes the chain (``verify()``).
public struct ItemLog {
    let connection: PostgresConnection

    public init(connection: PostgresConnection) { self.connection = connection }

    /// The schema migration that adds the log.
    public static let migration = 4

    /// The columns of an event, in the order ``ItemEvent/chainFields`` hashes them.
    static let columns = [
        "id", "item_id", "provider", "reference", "kind", "class", "amount_minor", "currency", "action", "actor", "at",
        "note", "assignee", "until_date", "resolved_as", "reason", "run_id", "needs_approval",
    ]

    /// The same columns as text, the instant with six fraction digits in UTC (as hashed). Queries
    /// order by `item_events.id`: a bare `id` would name the text output column and put event 10
    /// before event 2.
    static let selectList = """
        id::text, item_id, provider, reference, kind, class, amount_minor::text, currency, action, actor,
        to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), note, assignee, until_date::text,
        resolved_as, reason, run_id::text, CASE WHEN needs_approval THEN 'true' END, previous_hash, hash
        """

    /// Appends `drafts` in order, numbered and chained; inside the caller's transaction when one is
    /// open (a run's commit), else in one of its own.
    /// - Returns: the events as stored.
    @discardableResult
    public func append(_ drafts: [ItemEvent], inTransaction: Bool = false) throws -> [ItemEvent] {
        guard !drafts.isEmpty else { return [] }
        if !inTransaction { try connection.execute("BEGIN") }
        do {
            try connection.execute("SELECT pg_advisory_xact_lock(hashtextextended('tally:item_events', 0))")
            let last = try connection.query("SELECT hash FROM tally.item_events ORDER BY id DESC LIMIT 1")
            var previous: String = last.first?.first.flatMap { $0 } ?? EventChain.genesis
            let numbers = try connection.query(
                "SELECT nextval(pg_get_serial_sequence('tally.item_events', 'id')) FROM generate_series(1, $1::int)",
                [String(drafts.count)]
            ).compactMap { $0[0].flatMap { Int64($0) } }.sorted()
            var events: [ItemEvent] = []
            for (draft, number) in zip(drafts, numbers) {
                var event = draft
                event.sequence = number
                event = event.chained(to: previous)
                previous = event.hash
                events.append(event)
            }
            let names = (Self.columns + ["previous_hash", "hash"]).joined(separator: ", ")
            try connection.copyIn(
                "COPY tally.item_events (\(names)) FROM STDIN", rows: events.count, columns: Self.columns.count + 2
            ) { row, column -> String? in
                let fields: [String?] = events[row].chainFields + [events[row].previousHash, events[row].hash]
                return fields[column]
            }
            if !inTransaction { try connection.execute("COMMIT") }
            return events
        } catch {
            if !inTransaction { try? connection.execute("ROLLBACK") }
            throw error
        }
    }

    /// The events of one item, oldest first.
    public func events(of item: ItemID) throws -> [ItemEvent] {
        try connection.query(
            "SELECT \(Self.selectList) FROM tally.item_events WHERE item_id = $1 ORDER BY item_events.id", [item.rawValue]
        )
        .compactMap(Self.event)
    }

    /// Every event of one provider (or of all), oldest first.
    public func events(provider: String?) throws -> [ItemEvent] {
        try connection.query(
            "SELECT \(Self.selectList) FROM tally.item_events WHERE $1::text IS NULL OR provider = $1 ORDER BY item_events.id",
            [provider]
        ).compactMap(Self.event)
    }

    /// The statuses of every item of one provider (or of all) that has events, folded in order.
    public func statuses(provider: String?) throws -> [ItemID: ItemStatus] {
        var statuses: [ItemID: ItemStatus] = [:]
        for event in try events(provider: provider) { statuses[event.itemID, default: ItemStatus()].apply(event) }
        return statuses
    }

    /// The statuses of one provider's items by key, for a run to honour what people decided.
    public func statusesByKey(provider: String) throws -> [ItemKey: ItemStatus] {
        var statuses: [ItemKey: ItemStatus] = [:]
        for event in try events(provider: provider) {
            statuses[ItemKey(reference: event.reference, kind: event.kind), default: ItemStatus()].apply(event)
        }
        return statuses
    }

    /// Recomputes the whole chain: nil when it holds, else the first event that does not, and why.
    public func verify() throws -> (count: Int, broken: (row: EventChain.StoredRow, reason: String)?) {
        let rows = try connection.query("SELECT \(Self.selectList) FROM tally.item_events ORDER BY item_events.id").map { row in
            EventChain.StoredRow(
                sequence: Int64(row[0] ?? "") ?? -1, itemID: row[1] ?? "", action: row[8] ?? "",
                fields: Array(row[0..<18]), previousHash: row[18] ?? "", hash: row[19] ?? "")
        }
        return (rows.count, EventChain.firstBreak(in: rows))
    }

    /// A stored row as an event; nil for one no event can be (the chain check names those).
    static func event(_ row: [String?]) -> ItemEvent? {
        guard let sequence = row[0].flatMap({ Int64($0) }), let id = row[1].flatMap({ ItemID(text: $0) }),
            let provider = row[2], let reference = row[3], let kind = row[4].flatMap({ TransactionKind(name: $0) }),
            let breakClass = row[5].flatMap({ BreakClass(rawValue: $0) }),
            let action = row[8].flatMap({ ItemAction(rawValue: $0) }), let actor = row[9],
            let at = row[10].flatMap({ Timestamp.parse($0) }), let previous = row[18], let hash = row[19]
        else { return nil }
        return ItemEvent(
            sequence: sequence, itemID: id, provider: provider, reference: reference, kind: kind, breakClass: breakClass,
            amount: ResultStore.money(row[6], row[7]), action: action, actor: actor, at: at, note: row[11],
            assignee: row[12], until: row[13].flatMap { CivilDate(iso: $0) }, resolvedAs: row[14], reason: row[15],
            runID: row[16], needsApproval: row[17] == "true", previousHash: previous, hash: hash)
    }
}
