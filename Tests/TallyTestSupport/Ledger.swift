import Foundation
import TallyPostgres

/// One `payments` row for tests, in the canonical schema.
public struct PaymentRow: Sendable {
    public var id: Int
    public var provider: String
    public var reference: String
    public var kind: String
    public var amountMinor: Int64
    public var currency: String
    public var status: String
    public var createdAt: String
    public var merchantReference: String?

    public init(
        id: Int, provider: String = "acmepay", reference: String, kind: String = "charge", amountMinor: Int64,
        currency: String = "EUR", status: String = "succeeded", createdAt: String, merchantReference: String? = nil
    ) {
        self.id = id
        self.provider = provider
        self.reference = reference
        self.kind = kind
        self.amountMinor = amountMinor
        self.currency = currency
        self.status = status
        self.createdAt = createdAt
        self.merchantReference = merchantReference
    }
}

/// Creates and fills the canonical ledger table in a test database.
public enum TestLedger {
    public static let schema = """
        CREATE TABLE payments (
          id bigint PRIMARY KEY, provider text NOT NULL, provider_ref text NOT NULL, merchant_ref text,
          kind text NOT NULL, amount_minor bigint NOT NULL, currency char(3) NOT NULL, status text NOT NULL,
          created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
        CREATE INDEX payments_provider_created ON payments (provider, created_at);
        """
    public static let uniqueIndex = "CREATE UNIQUE INDEX payments_provider_ref ON payments (provider, provider_ref, kind)"

    /// Creates `payments`; `unique: false` leaves out the unique key so duplicates can be stored.
    public static func create(_ connection: PostgresConnection, unique: Bool = true) throws {
        for statement in schema.split(separator: ";") where !statement.allSatisfy(\.isWhitespace) {
            try connection.execute(String(statement))
        }
        if unique { try connection.execute(uniqueIndex) }
    }

    /// Inserts rows in batches through `unnest` of text arrays (parameterised, any text is safe).
    public static func insert(_ rows: [PaymentRow], into connection: PostgresConnection) throws {
        var start = 0
        while start < rows.count {
            let batch = rows[start..<min(start + 5_000, rows.count)]
            func column(_ value: (PaymentRow) -> String) -> String { PostgresArray.textLiteral(batch.map(value)) }
            try connection.execute(
                """
                INSERT INTO payments (id, provider, provider_ref, merchant_ref, kind, amount_minor, currency, status, created_at, updated_at)
                SELECT id::bigint, provider, ref, nullif(mref, ''), kind, amount::bigint, currency, status, created::timestamptz, created::timestamptz
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
                  AS t(id, provider, ref, mref, kind, amount, currency, status, created)
                """,
                [
                    column { String($0.id) }, column(\.provider), column(\.reference), column { $0.merchantReference ?? "" },
                    column(\.kind), column { String($0.amountMinor) }, column(\.currency), column(\.status), column(\.createdAt),
                ])
            start += 5_000
        }
    }
}

extension TestLedger {
    /// A fresh `payments` table in the test database holding `count` charges `ch_0…` of 100 + n
    /// minor units, all on 2026-03-10 at noon.
    public static func charges(_ count: Int) throws -> PostgresConnection {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try create(db)
        try insert(
            (0..<count).map {
                PaymentRow(id: $0 + 1, reference: "ch_\($0)", amountMinor: Int64(100 + $0), createdAt: "2026-03-10 12:00:00+00")
            }, into: db)
        return db
    }
}

extension LedgerStream {
    /// Waits (up to 30 s) until the stream's thread has set rows aside on disk: nobody drains, so
    /// once the queue is full it must.
    public func waitForRowsSetAside() {
        var waited = 0
        while rowsSetAside == 0 && waited < 30_000 {
            usleep(1_000)
            waited += 1
        }
    }
}
