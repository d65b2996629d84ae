import TallyCore

/// The alert outbox of the `tally` schema: alerts waiting for delivery, delivered or dead.
///
/// Delivery claims due rows with a lease (`FOR UPDATE SKIP LOCKED`, then `next_attempt_at` moved
/// past the attempt's timeout), so a run and a `tally alerts deliver` from cron never send the
/// same row at once, and a process killed mid-attempt leaves the row due again after the lease.
public struct AlertOutbox {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) { self.connection = connection }

    /// A row claimed for one delivery attempt.
    public struct Claimed: Sendable, Hashable {
        public var id: Int64
        public var webhookID: String
        public var endpoint: String
        public var event: String
        public var body: String
        /// Attempts including this one.
        public var attempts: Int
    }

    /// A row as `tally alerts list` shows it.
    public struct Row: Sendable, Hashable {
        public var id: Int64
        public var webhookID: String
        public var endpoint: String
        public var event: String
        public var runID: String?
        public var provider: String
        public var state: String
        public var attempts: Int
        public var nextAttemptAt: String
        public var lastStatus: Int?
        public var lastError: String?
        public var createdAt: String
        public var deliveredAt: String?
    }

    /// Adds messages; one already there (same endpoint and `webhook-id`) is left as it is.
    ///
    /// - Returns: how many were new.
    @discardableResult
    public func enqueue(_ messages: [OutboxMessage]) throws -> Int {
        var added = 0
        for message in messages {
            let rows = try connection.query(
                """
                INSERT INTO tally.alert_outbox (webhook_id, endpoint, event, run_id, provider, body)
                VALUES ($1, $2, $3, $4::uuid, $5, $6) ON CONFLICT (endpoint, webhook_id) DO NOTHING RETURNING id
                """,
                [message.webhookID, message.endpoint, message.event, message.runID, message.provider, message.body])
            added += rows.count
        }
        return added
    }

    /// Records that endpoints were told about items; an escalation, once told, stays told.
    public func markAlerted(provider: String, runID: String, items: [AlertedItem]) throws {
        var start = 0
        while start < items.count {
            let chunk = items[start..<min(start + 5_000, items.count)]
            try connection.execute(
                """
                INSERT INTO tally.alerted_items (endpoint, provider, reference, kind, first_seen, escalated, run_id)
                SELECT e, $1, r, k, fs::date, bool_or(esc::boolean), $2::uuid
                FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t(e, r, k, fs, esc)
                GROUP BY e, r, k, fs
                ON CONFLICT (endpoint, provider, reference, kind, first_seen)
                DO UPDATE SET escalated = tally.alerted_items.escalated OR excluded.escalated, run_id = excluded.run_id
                """,
                [
                    provider, runID, PostgresArray.textLiteral(chunk.map(\.endpoint)),
                    PostgresArray.textLiteral(chunk.map(\.reference)), PostgresArray.textLiteral(chunk.map(\.kind.name)),
                    PostgresArray.textLiteral(chunk.map(\.firstSeen.description)),
                    PostgresArray.textLiteral(chunk.map { $0.escalated ? "true" : "false" }),
                ])
            start += chunk.count
        }
    }

    /// Forgets alerted items of the provider that are no longer open.
    public func pruneAlerted(provider: String) throws {
        try connection.execute(
            """
            DELETE FROM tally.alerted_items a WHERE a.provider = $1 AND NOT EXISTS (
              SELECT 1 FROM tally.open_items o WHERE o.provider = a.provider AND o.reference = a.reference
                AND o.kind = a.kind AND o.first_seen = a.first_seen)
            """, [provider])
    }

    /// The items of the provider that endpoints have been told about.
    public func alertedItems(provider: String) throws -> [AlertedItem] {
        try connection.query(
            """
            SELECT endpoint, reference, kind, first_seen::text, escalated::text FROM tally.alerted_items
            WHERE provider = $1 ORDER BY endpoint, reference, kind
            """, [provider]
        ).compactMap { row in
            guard let endpoint = row[0], let reference = row[1], let kind = row[2].flatMap({ TransactionKind(name: $0) }),
                let firstSeen = row[3].flatMap({ CivilDate(iso: $0) })
            else { return nil }
            return AlertedItem(
                endpoint: endpoint, reference: reference, kind: kind, firstSeen: firstSeen, escalated: row[4] == "true")
        }
    }

    /// Claims up to `limit` due pending rows of the given endpoints for one attempt each: counts
    /// the attempt and moves `next_attempt_at` `leaseSeconds` ahead until the outcome is recorded.
    /// Rows in `excluding` are skipped (those already tried in this pass).
    public func claimDue(endpoints: [String], limit: Int, leaseSeconds: Double, excluding: Set<Int64> = []) throws
        -> [Claimed]
    {
        try connection.query(
            """
            UPDATE tally.alert_outbox SET attempts = attempts + 1,
              next_attempt_at = now() + make_interval(secs => $2::double precision)
            WHERE id IN (
              SELECT id FROM tally.alert_outbox
              WHERE state = 'pending' AND next_attempt_at <= now() AND endpoint = ANY($1::text[])
                AND NOT (id = ANY($4::bigint[]))
              ORDER BY id LIMIT $3::int FOR UPDATE SKIP LOCKED)
            RETURNING id::text, webhook_id, endpoint, event, body, attempts::text
            """,
            [
                PostgresArray.textLiteral(endpoints), String(leaseSeconds), String(limit),
                PostgresArray.textLiteral(excluding.map(String.init)),
            ]
        ).compactMap { row in
            guard let id = row[0].flatMap({ Int64($0) }), let webhookID = row[1], let endpoint = row[2], let event = row[3],
                let body = row[4], let attempts = row[5].flatMap({ Int($0) })
            else { return nil }
            return Claimed(id: id, webhookID: webhookID, endpoint: endpoint, event: event, body: body, attempts: attempts)
        }.sorted { $0.id < $1.id }
    }

    /// Seconds until the next pending row of these endpoints is due (≤ 0: due now); nil if none.
    public func secondsUntilNextDue(endpoints: [String]) throws -> Double? {
        let rows = try connection.query(
            """
            SELECT extract(epoch FROM min(next_attempt_at) - now())::text FROM tally.alert_outbox
            WHERE state = 'pending' AND endpoint = ANY($1::text[])
            """, [PostgresArray.textLiteral(endpoints)])
        return rows.first?.first.flatMap { $0.flatMap { Double($0) } }
    }

    /// Pending rows per endpoint name (to warn about names no configuration knows any more).
    public func pendingByEndpoint() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try connection.query(
            "SELECT endpoint, count(*)::text FROM tally.alert_outbox WHERE state = 'pending' GROUP BY endpoint")
        {
            if let name = row[0], let count = row[1].flatMap({ Int($0) }) { counts[name] = count }
        }
        return counts
    }

    public func markDelivered(id: Int64, status: Int) throws {
        try connection.execute(
            """
            UPDATE tally.alert_outbox SET state = 'delivered', delivered_at = now(), last_status = $2::int, last_error = NULL
            WHERE id = $1::bigint
            """, [String(id), String(status)])
    }

    /// Leaves the row pending, due again after `seconds`.
    public func scheduleRetry(id: Int64, status: Int?, error: String, afterSeconds seconds: Double) throws {
        try connection.execute(
            """
            UPDATE tally.alert_outbox SET next_attempt_at = now() + make_interval(secs => $2::double precision),
              last_status = $3::int, last_error = $4
            WHERE id = $1::bigint
            """, [String(id), String(seconds), status.map(String.init), error])
    }

    public func markDead(id: Int64, status: Int?, error: String) throws {
        try connection.execute(
            "UPDATE tally.alert_outbox SET state = 'dead', last_status = $2::int, last_error = $3 WHERE id = $1::bigint",
            [String(id), status.map(String.init), error])
    }

    /// Makes a dead row pending again with a fresh attempt count, due now.
    ///
    /// - Returns: false when no dead row has this id.
    public func revive(id: Int64) throws -> Bool {
        try !connection.query(
            """
            UPDATE tally.alert_outbox SET state = 'pending', attempts = 0, next_attempt_at = now()
            WHERE id = $1::bigint AND state = 'dead' RETURNING id
            """, [String(id)]
        ).isEmpty
    }

    /// Rows, newest first (by the numeric id: a bare `ORDER BY id` would sort the selected
    /// `id::text` column, 9 before 10), optionally in one state.
    public func list(state: String? = nil, limit: Int = 200) throws -> [Row] {
        try connection.query(
            """
            SELECT id::text, webhook_id, endpoint, event, run_id::text, provider, state, attempts::text,
                   to_char(next_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), last_status::text, last_error,
                   to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(delivered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM tally.alert_outbox o WHERE ($1::text IS NULL OR o.state = $1) ORDER BY o.id DESC LIMIT $2::int
            """, [state, String(limit)]
        ).map { row in
            Row(
                id: row[0].flatMap { Int64($0) } ?? 0, webhookID: row[1] ?? "", endpoint: row[2] ?? "", event: row[3] ?? "",
                runID: row[4], provider: row[5] ?? "", state: row[6] ?? "", attempts: row[7].flatMap { Int($0) } ?? 0,
                nextAttemptAt: row[8] ?? "", lastStatus: row[9].flatMap { Int($0) }, lastError: row[10],
                createdAt: row[11] ?? "", deliveredAt: row[12])
        }
    }
}
