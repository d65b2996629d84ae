import TallyCore

/// What the store remembers about one reference, for `tally explain`.
extension ResultStore {
    /// A stored break with the run that found it.
    public struct StoredBreak: Sendable, Hashable {
        public var runID: String
        public var provider: String
        public var from: CivilDate
        public var to: CivilDate
        /// The run succeeded and no later run of the same window superseded it.
        public var current: Bool
        public var breakClass: BreakClass
        /// `nil` for a control (stored as `control`).
        public var kind: TransactionKind?
        public var providerAmount: Money?
        public var providerFile: String?
        public var providerLine: Int?
        public var ledger: LedgerRecord?
        public var differences: [Difference]
        public var firstSeen: CivilDate
        public var ageDays: Int
        public var isNew: Bool
    }

    /// Every stored break of a reference, newest window first (then newest run, then report order).
    public func breaks(reference: String, provider: String?) throws -> [StoredBreak] {
        try connection.query(
            """
            SELECT b.run_id::text, r.provider, r.window_from::text, r.window_to::text,
                   (r.state = 'succeeded' AND r.superseded_by IS NULL)::text, b.class, b.kind,
                   b.provider_amount_minor::text, b.provider_currency, b.provider_file, b.provider_line::text,
                   b.ledger_amount_minor::text, b.ledger_currency, b.ledger_status,
                   to_char(b.ledger_created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), b.ledger_merchant_ref,
                   array_to_string(b.differences, ' '), b.first_seen::text, b.age_days::text, b.is_new::text
            FROM tally.breaks b JOIN tally.runs r ON r.id = b.run_id
            WHERE b.reference = $1 AND ($2::text IS NULL OR r.provider = $2)
            ORDER BY r.window_to DESC, r.started_at DESC, b.ordinal
            """, [reference, provider]
        ).compactMap { row in
            guard let runID = row[0], let provider = row[1], let from = row[2].flatMap({ CivilDate(iso: $0) }),
                let to = row[3].flatMap({ CivilDate(iso: $0) }), let breakClass = row[5].flatMap({ BreakClass(rawValue: $0) }),
                let firstSeen = row[17].flatMap({ CivilDate(iso: $0) })
            else { return nil }
            let kind = row[6].flatMap { TransactionKind(name: $0) }
            var ledger: LedgerRecord?
            if let amount = Self.money(row[11], row[12]), let created = row[14].flatMap({ Timestamp.parse($0) }) {
                ledger = LedgerRecord(
                    reference: reference, kind: kind ?? .charge, amount: amount, status: LedgerStatus(text: row[13] ?? ""),
                    createdAt: created, merchantReference: row[15])
            }
            return StoredBreak(
                runID: runID, provider: provider, from: from, to: to, current: row[4] == "true", breakClass: breakClass,
                kind: kind, providerAmount: Self.money(row[7], row[8]), providerFile: row[9],
                providerLine: row[10].flatMap { Int($0) }, ledger: ledger,
                differences: (row[16] ?? "").split(separator: " ").compactMap { Difference(rawValue: String($0)) },
                firstSeen: firstSeen, ageDays: Int(row[18] ?? "0") ?? 0, isNew: row[19] == "true")
        }
    }

    /// The open items of a reference (of one provider or every one).
    public func openItems(reference: String, provider: String?) throws -> [(provider: String, item: OpenItem)] {
        try connection.query(
            """
            SELECT provider, reference, kind, class, first_seen::text, last_seen::text, first_run::text, last_run::text,
                   provider_amount_minor::text, provider_currency, ledger_amount_minor::text, ledger_currency, ledger_status
            FROM tally.open_items WHERE reference = $1 AND ($2::text IS NULL OR provider = $2) ORDER BY provider, kind
            """, [reference, provider]
        ).compactMap { row in
            guard let provider = row[0], let item = Self.openItem(Array(row.dropFirst())) else { return nil }
            return (provider, item)
        }
    }

    /// A resolution of a reference with the window of the run that made it.
    public struct StoredResolution: Sendable, Hashable {
        public var provider: String
        public var runID: String
        public var from: CivilDate
        public var to: CivilDate
        public var item: ResolvedItem
    }

    /// Every resolution of a reference, oldest window first.
    public func resolutions(reference: String, provider: String?) throws -> [StoredResolution] {
        try connection.query(
            """
            SELECT s.provider, s.run_id::text, r.window_from::text, r.window_to::text, s.kind, s.class, s.first_seen::text,
                   s.resolved_as
            FROM tally.resolutions s JOIN tally.runs r ON r.id = s.run_id
            WHERE s.reference = $1 AND ($2::text IS NULL OR s.provider = $2) AND s.resolved_as <> $3
            ORDER BY r.window_to, r.started_at, s.kind
            """, [reference, provider, Self.settledAheadMarker]
        ).compactMap { row in
            guard let provider = row[0], let runID = row[1], let from = row[2].flatMap({ CivilDate(iso: $0) }),
                let to = row[3].flatMap({ CivilDate(iso: $0) }), let kind = row[4].flatMap({ TransactionKind(name: $0) }),
                let breakClass = row[5].flatMap({ BreakClass(rawValue: $0) }),
                let firstSeen = row[6].flatMap({ CivilDate(iso: $0) }), let how = row[7].flatMap({ Resolution(rawValue: $0) })
            else { return nil }
            return StoredResolution(
                provider: provider, runID: runID, from: from, to: to,
                item: ResolvedItem(
                    reference: reference, kind: kind, breakClass: breakClass, firstSeen: firstSeen, resolvedAs: how))
        }
    }

    /// A run's stored file list and options (both JSON text).
    public func runFilesAndOptions(id: String) throws -> (files: String, options: String)? {
        guard let row = try connection.query("SELECT files::text, options::text FROM tally.runs WHERE id = $1::uuid", [id]).first
        else { return nil }
        return (row[0] ?? "[]", row[1] ?? "{}")
    }

    /// The newest current run of the provider whose window, in its own time zone, holds `instant`.
    public func currentRun(provider: String, covering instant: Timestamp) throws -> RunRow? {
        try connection.query(
            """
            SELECT \(Self.runColumns) FROM tally.runs
            WHERE provider = $1 AND state = 'succeeded' AND superseded_by IS NULL
              AND ($2::timestamptz AT TIME ZONE timezone)::date BETWEEN window_from AND window_to
            ORDER BY started_at DESC LIMIT 1
            """, [provider, instant.iso8601]
        ).first.map(Self.runRow)
    }
}
