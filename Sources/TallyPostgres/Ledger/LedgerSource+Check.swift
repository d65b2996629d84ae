extension LedgerSource {
    /// Checks that the ledger's database has a readable `payments` table with the canonical
    /// columns, before a run creates or writes anything (issue 17 C: a URL naming the wrong
    /// database used to create a `tally` schema and a failed run there, then exit 70).
    ///
    /// - Throws: ``PostgresError`` `.configuration` (exit 64) naming what to fix when the table or
    ///   a column is missing or unreadable; other errors as they are (a lost server stays 69).
    public static func checkPaymentsTable(_ connection: PostgresConnection) throws(PostgresError) {
        do {
            _ = try connection.columnNames(
                of: "SELECT provider_ref, kind, amount_minor, currency, status, created_at, merchant_ref FROM payments")
        } catch {
            let fix =
                switch error.sqlState {
                case "42P01", "3F000":
                    "the ledger table payments is not in this database: check that --database-url names the payments database, or configure the provider's ledger_query"
                case "42703":
                    "the payments table lacks a column Tally reads (provider_ref, kind, amount_minor, currency, status, created_at, merchant_ref): check --database-url, or configure the provider's ledger_query"
                case "42501":
                    "the role cannot read the payments table: grant it SELECT (see deploy/grants.sql), or check --database-url"
                default: String?.none
                }
            guard let fix else { throw error }
            throw PostgresError(
                code: .configuration, message: "\(fix) (\(error.message), \(connection.target))", sqlState: error.sqlState)
        }
    }
}
