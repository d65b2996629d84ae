import TallyCore

/// Fresh lookups of one reference, for `tally explain`.
extension LedgerSource {
    /// The provider's ledger rows with this reference (every kind), through the lookup query.
    public func rows(reference: String, connection: PostgresConnection) throws -> [LedgerRecord] {
        var rows: [LedgerRecord] = []
        _ = try connection.stream(lookupQuery, lookupParameters([reference])) { row in
            if let record = Self.record(LedgerFields(row)), record.reference == reference { rows.append(record) }
        }
        return rows.sorted { ($0.kind, $0.createdAt) < ($1.kind, $1.createdAt) }
    }

    /// The providers whose rows in the canonical `payments` table carry this reference.
    public static func providers(reference: String, connection: PostgresConnection) throws -> [String] {
        try connection.query("SELECT DISTINCT provider FROM payments WHERE provider_ref = $1 ORDER BY 1", [reference])
            .compactMap { $0[0] }
    }
}
