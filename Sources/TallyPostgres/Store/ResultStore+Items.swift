import TallyCore

extension ResultStore {
    /// One stored run's break for an item's key, as `tally items show` lists them.
    public struct ItemSighting: Sendable, Hashable {
        public var runID: String
        public var from: String
        public var to: String
        public var breakClass: String
        public var isNew: Bool
    }

    /// Every succeeded run of `provider` that reported a break for (reference, kind), oldest
    /// window first (superseded runs included: they saw it too).
    public func runsThatSaw(provider: String, reference: String, kind: TransactionKind) throws -> [ItemSighting] {
        try connection.query(
            """
            SELECT r.id::text, r.window_from::text, r.window_to::text, b.class, b.is_new::text
            FROM tally.breaks b JOIN tally.runs r ON r.id = b.run_id
            WHERE r.provider = $1 AND b.reference = $2 AND b.kind = $3 AND r.state = 'succeeded'
            ORDER BY r.window_from, r.window_to, r.started_at, b.ordinal
            """, [provider, reference, kind.name]
        ).map {
            ItemSighting(runID: $0[0] ?? "", from: $0[1] ?? "", to: $0[2] ?? "", breakClass: $0[3] ?? "", isNew: $0[4] == "true")
        }
    }
}
