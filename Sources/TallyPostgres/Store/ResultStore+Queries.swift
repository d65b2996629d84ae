import Foundation
import TallyCore

/// Read-only queries for the `runs`, `open-items` and `db` commands.
extension ResultStore {
    /// Runs, newest first, optionally of one provider and started on or after a date.
    public func runs(provider: String?, since: CivilDate?, limit: Int = 200) throws -> [RunRow] {
        try connection.query(
            """
            SELECT \(Self.runColumns) FROM tally.runs
            WHERE ($1::text IS NULL OR provider = $1) AND ($2::date IS NULL OR started_at >= $2::date)
            ORDER BY started_at DESC LIMIT $3::int
            """, [provider, since?.description, String(limit)]
        ).map(Self.runRow)
    }

    /// One run by id (a full UUID or a unique prefix of at least 6 characters); nil when none or
    /// several match, or when `id` is no ``RunIDPrefix`` at all (then nothing is queried). The
    /// prefix is compared as text (`starts_with`), never as a LIKE pattern.
    public func run(id: String) throws -> RunRow? {
        guard let prefix = RunIDPrefix(id) else { return nil }
        let rows = try connection.query(
            "SELECT \(Self.runColumns) FROM tally.runs WHERE starts_with(id::text, $1) ORDER BY started_at LIMIT 2",
            [prefix.text])
        guard rows.count == 1 || rows.first?[0] == prefix.text else { return nil }
        return rows.first.map(Self.runRow)
    }

    /// The stored breaks of a run, in report order.
    public func breaks(runID: String) throws -> [[String: String?]] {
        try connection.query(
            """
            SELECT class, severity, reference, kind, provider_amount_minor::text, provider_currency, provider_file,
                   provider_line::text, ledger_amount_minor::text, ledger_currency, ledger_status,
                   to_char(ledger_created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                   array_to_string(differences, ' '), first_seen::text, age_days::text, is_new::text
            FROM tally.breaks WHERE run_id = $1::uuid ORDER BY ordinal
            """, [runID]
        ).map { row in
            let names = [
                "class", "severity", "reference", "kind", "provider_amount_minor", "provider_currency", "provider_file",
                "provider_line", "ledger_amount_minor", "ledger_currency", "ledger_status", "ledger_created_at",
                "differences", "first_seen", "age_days", "new",
            ]
            return Dictionary(uniqueKeysWithValues: zip(names, row))
        }
    }

    /// The resolutions a run made.
    public func resolutions(runID: String) throws -> [ResolvedItem] {
        try connection.query(
            "SELECT reference, kind, class, first_seen::text, resolved_as FROM tally.resolutions WHERE run_id = $1::uuid AND resolved_as <> $2 ORDER BY reference, kind",
            [runID, Self.settledAheadMarker]
        ).compactMap { row in
            guard let reference = row[0], let kind = row[1].flatMap({ TransactionKind(name: $0) }),
                let breakClass = row[2].flatMap({ BreakClass(rawValue: $0) }),
                let firstSeen = row[3].flatMap({ CivilDate(iso: $0) }),
                let how = row[4].flatMap({ Resolution(rawValue: $0) })
            else { return nil }
            return ResolvedItem(reference: reference, kind: kind, breakClass: breakClass, firstSeen: firstSeen, resolvedAs: how)
        }
    }

    /// Open items of every provider (or one), with their provider name.
    public func openItems(provider: String?) throws -> [(provider: String, item: OpenItem)] {
        let providers: [String]
        if let provider {
            providers = [provider]
        } else {
            providers = try connection.query("SELECT DISTINCT provider FROM tally.open_items ORDER BY provider").compactMap {
                $0[0]
            }
        }
        return try providers.flatMap { name in try openItems(provider: name).map { (name, $0) } }
    }
}

extension ResultStore {
    /// Breaks by severity of one stored run's window.
    public struct WindowBreaks: Sendable, Hashable {
        public var from: CivilDate
        public var to: CivilDate
        public var high: Int
        public var medium: Int
        public var info: Int
    }

    /// The provider's current (succeeded, not superseded) runs of windows that end before `date`,
    /// the latest `limit` of them, oldest first, with their breaks by severity from the stored summary.
    public func breaksPerWindow(provider: String, before date: CivilDate, limit: Int) throws -> [WindowBreaks] {
        try connection.query(
            """
            SELECT window_from::text, window_to::text,
                   coalesce((summary->'severities'->>'high')::int, 0)::text,
                   coalesce((summary->'severities'->>'medium')::int, 0)::text,
                   coalesce((summary->'severities'->>'info')::int, 0)::text
            FROM tally.runs
            WHERE provider = $1 AND window_to < $2::date AND state = 'succeeded' AND superseded_by IS NULL
            ORDER BY window_to DESC, window_from DESC LIMIT $3::int
            """, [provider, date.description, String(limit)]
        ).compactMap { row in
            guard let from = row[0].flatMap({ CivilDate(iso: $0) }), let to = row[1].flatMap({ CivilDate(iso: $0) }) else {
                return nil
            }
            return WindowBreaks(
                from: from, to: to, high: Int(row[2] ?? "") ?? 0, medium: Int(row[3] ?? "") ?? 0,
                info: Int(row[4] ?? "") ?? 0)
        }.reversed()
    }

    /// The reports a run wrote, as it wrote them (`report.json`, `report.html`, `breaks.csv`).
    public func reports(runID: String) throws -> [(name: String, bytes: [UInt8])] {
        try connection.query(
            "SELECT name, encode(content, 'base64') FROM tally.run_reports WHERE run_id = $1::uuid ORDER BY name", [runID]
        ).compactMap { row in
            guard let name = row[0], let text = row[1],
                let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters)
            else { return nil }
            return (name, [UInt8](data))
        }
    }
}
