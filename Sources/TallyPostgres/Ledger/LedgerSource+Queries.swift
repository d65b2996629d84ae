extension LedgerSource {
    /// The canonical query: columns in ``LedgerColumn`` order, the provider and the window bounds as
    /// `$1`, `$2`, `$3`.
    public static let canonicalWindowQuery = """
        SELECT provider_ref, kind, amount_minor, currency, status, created_at, merchant_ref
        FROM payments WHERE provider = $1 AND created_at >= $2 AND created_at < $3
        """

    /// The canonical window as `COPY … TO STDOUT (FORMAT binary)`, the way the ledger is streamed
    /// when no ledger query is configured and the table has the canonical column types: the client
    /// keeps no `PGresult` per row and parses no text numbers or timestamps, and the server formats
    /// none.
    ///
    /// COPY takes no bind parameters. The provider, the one value that comes from outside, reaches
    /// it through `set_config` in the snapshot's transaction (``copyParameters``), read once by an
    /// InitPlan. The window's bounds are timestamps Tally formats itself from its own
    /// microseconds; they are written as literals (quoted by libpq) so that the planner sees the
    /// range it scans: with the bounds as InitPlan values too, it assumed a tiny range and chose
    /// an index scan that took 35 ms more than the sequential scan over the 1M benchmark's window.
    /// The columns are copied as they are: any expression (even one cast) costs the server a
    /// projection per row, 75 ms over the same window.
    static func canonicalWindowCopy(start: String, end: String) -> String {
        """
        COPY (SELECT provider_ref, kind, amount_minor, currency, status, created_at, merchant_ref FROM payments
              WHERE provider = (SELECT current_setting('tally.provider'))
                AND created_at >= \(start)::timestamptz AND created_at < \(end)::timestamptz)
        TO STDOUT (FORMAT binary)
        """
    }

    /// Sets the provider ``canonicalWindowCopy(start:end:)`` reads, for the current transaction only.
    static let copyParameters = "SELECT set_config('tally.provider', $1, true)"

    /// Whether the canonical columns, of these type OIDs, can be decoded from binary COPY as they
    /// are: text-like (sent as their bytes), except `amount_minor` (int8) and `created_at`
    /// (timestamptz).
    ///
    /// - Returns: the `char(n)` columns (bit `1 << column`), whose padding the reader drops, or
    ///   `nil` when another type needs the text stream (a `numeric` amount, say, whose fraction
    ///   must be a reject, not rounded by a cast).
    static func paddedColumnsWithoutCasts(_ types: [UInt32]) -> UInt8? {
        guard types.count == LedgerColumn.allCases.count else { return nil }
        var padded: UInt8 = 0
        for (column, oid) in zip(LedgerColumn.allCases, types) {
            let type = PostgresType(rawValue: oid)
            switch column {
            case .amountMinor: guard type == .int8 else { return nil }
            case .createdAt: guard type == .timestamptz else { return nil }
            default:
                guard type == .text || type == .varchar || type == .bpchar else { return nil }
                if type == .bpchar { padded |= 1 << column.rawValue }
            }
        }
        return padded
    }

    /// The columns as the text stream reads them, whatever their types in the table: text (so
    /// `char(n)` padding goes and enums become their labels), `created_at` as `timestamptz`, and
    /// the amount as text, whole numbers without a scale (`1234.00` → `1234`) while a fraction of a
    /// minor unit stays in the text and becomes a reject, where a cast to `bigint` would round it.
    static func textColumns(merchantReference: String) -> String {
        """
        provider_ref::text, kind::text,
        CASE WHEN amount_minor::numeric = trunc(amount_minor::numeric) THEN trunc(amount_minor::numeric)::text
             ELSE amount_minor::numeric::text END,
        currency::text, status::text, created_at::timestamptz, \(merchantReference)
        """
    }

    /// The canonical window as text, for a `payments` table whose column types binary COPY cannot
    /// take as they are (``paddedColumnsWithoutCasts(_:)``).
    static let canonicalTextWindowQuery = """
        SELECT \(textColumns(merchantReference: "merchant_ref::text"))
        FROM payments WHERE provider = $1 AND created_at >= $2 AND created_at < $3
        """

    /// The out-of-window lookup: the provider as `$1`, the references as a text array in `$2`.
    public static let canonicalLookupQuery = """
        SELECT \(textColumns(merchantReference: "merchant_ref::text"))
        FROM payments WHERE provider = $1 AND provider_ref = ANY($2::text[])
        """
}
