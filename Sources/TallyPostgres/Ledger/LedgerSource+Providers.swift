extension LedgerSource {
    /// The providers the canonical `payments` table has rows of (at most 100, by name), to name
    /// them when a run finds none of its own; empty for a configured ledger query, which can only
    /// be asked about one provider.
    public func knownProviders(connection: PostgresConnection) throws -> [String] {
        guard streamsWithCopy else { return [] }  // the canonical table
        return try connection.query("SELECT DISTINCT provider::text FROM payments ORDER BY 1 LIMIT 100").compactMap {
            $0.first ?? nil
        }
    }
}
