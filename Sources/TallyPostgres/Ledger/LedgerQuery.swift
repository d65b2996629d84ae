/// Which SQL reads a provider's ledger.
public enum LedgerQuery: Sendable, Hashable {
    /// The canonical `payments` table (docs/configuration.md): streamed as a binary COPY when its
    /// column types allow it, else as text in single-row mode.
    case canonical
    /// A configured `ledger_query` taking the provider as `$1` and the window as `[$2, $3)`, wrapped
    /// so that its column order does not matter; streamed in single-row mode (a COPY cannot bind).
    ///
    /// - `hasMerchantReference`: whether it returns `merchant_ref`.
    case configured(String, hasMerchantReference: Bool)
}

/// The columns of a ledger row, in the order every ledger query returns them.
public enum LedgerColumn: Int, CaseIterable, Sendable {
    case reference, kind, amountMinor, currency, status, createdAt, merchantReference
}

/// The PostgreSQL type OIDs the ledger reader knows (`pg_type.oid`, fixed since PostgreSQL 7).
enum PostgresType: UInt32 {
    case int8 = 20
    case text = 25
    case bpchar = 1042
    case varchar = 1043
    case timestamptz = 1184
}
