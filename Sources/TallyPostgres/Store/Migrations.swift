/// The versioned migrations of the `tally` schema, applied in order inside one transaction each.
///
/// Append only: a released migration is never edited; a change is a new version.
public enum Migrations {
    public struct Migration: Sendable {
        public var version: Int
        public var description: String
        public var statements: [String]
    }

    public static let all: [Migration] = [
        Migration(
            version: 1, description: "runs, their breaks, open items and resolutions",
            statements: [
                """
                CREATE TABLE tally.runs (
                  id uuid PRIMARY KEY,
                  provider text NOT NULL,
                  format text NOT NULL,
                  window_from date NOT NULL,
                  window_to date NOT NULL,
                  timezone text NOT NULL,
                  state text NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')),
                  started_at timestamptz NOT NULL,
                  finished_at timestamptz,
                  supersedes uuid REFERENCES tally.runs (id),
                  superseded_by uuid REFERENCES tally.runs (id),
                  files jsonb NOT NULL DEFAULT '[]',
                  options jsonb NOT NULL DEFAULT '{}',
                  summary jsonb,
                  error text)
                """,
                "CREATE INDEX runs_provider_window ON tally.runs (provider, window_from, window_to)",
                """
                CREATE UNIQUE INDEX runs_current ON tally.runs (provider, window_from, window_to)
                  WHERE state = 'succeeded' AND superseded_by IS NULL
                """,
                """
                CREATE TABLE tally.breaks (
                  run_id uuid NOT NULL REFERENCES tally.runs (id) ON DELETE CASCADE,
                  ordinal integer NOT NULL,
                  class text NOT NULL,
                  severity text NOT NULL,
                  reference text NOT NULL,
                  kind text NOT NULL,
                  provider_amount_minor bigint,
                  provider_currency text,
                  provider_file text,
                  provider_line integer,
                  ledger_amount_minor bigint,
                  ledger_currency text,
                  ledger_status text,
                  ledger_created_at timestamptz,
                  ledger_merchant_ref text,
                  differences text[] NOT NULL,
                  first_seen date NOT NULL,
                  age_days integer NOT NULL,
                  is_new boolean NOT NULL,
                  PRIMARY KEY (run_id, ordinal))
                """,
                "CREATE INDEX breaks_reference ON tally.breaks (reference, kind)",
                """
                CREATE TABLE tally.open_items (
                  provider text NOT NULL,
                  reference text NOT NULL,
                  kind text NOT NULL,
                  class text NOT NULL,
                  first_seen date NOT NULL,
                  last_seen date NOT NULL,
                  first_run uuid NOT NULL,
                  last_run uuid NOT NULL,
                  provider_amount_minor bigint,
                  provider_currency text,
                  ledger_amount_minor bigint,
                  ledger_currency text,
                  ledger_status text,
                  PRIMARY KEY (provider, reference, kind))
                """,
                """
                CREATE TABLE tally.resolutions (
                  run_id uuid NOT NULL REFERENCES tally.runs (id) ON DELETE CASCADE,
                  provider text NOT NULL,
                  reference text NOT NULL,
                  kind text NOT NULL,
                  class text NOT NULL,
                  first_seen date NOT NULL,
                  resolved_as text NOT NULL,
                  last_seen date NOT NULL,
                  first_run uuid NOT NULL,
                  provider_amount_minor bigint,
                  provider_currency text,
                  ledger_amount_minor bigint,
                  ledger_currency text,
                  ledger_status text,
                  PRIMARY KEY (run_id, reference, kind))
                """,
            ]),
        Migration(
            version: 2, description: "alert outbox and the open items already alerted",
            statements: [
                // One row per alert and endpoint. The body is the exact bytes to send (text, not
                // jsonb, which would reorder keys and break nothing but the receiver's dedupe);
                // secrets and URLs are never stored: the endpoint is a name resolved at delivery.
                // run_id has no foreign key: a failed run's alert may name a run never stored.
                """
                CREATE TABLE tally.alert_outbox (
                  id bigserial PRIMARY KEY,
                  webhook_id text NOT NULL,
                  endpoint text NOT NULL,
                  event text NOT NULL,
                  run_id uuid,
                  provider text NOT NULL,
                  body text NOT NULL,
                  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
                  attempts integer NOT NULL DEFAULT 0,
                  next_attempt_at timestamptz NOT NULL DEFAULT now(),
                  last_status integer,
                  last_error text,
                  created_at timestamptz NOT NULL DEFAULT now(),
                  delivered_at timestamptz,
                  UNIQUE (endpoint, webhook_id))
                """,
                "CREATE INDEX alert_outbox_due ON tally.alert_outbox (next_attempt_at) WHERE state = 'pending'",
                // An open item is identified by its key and first-seen date: one that closes and
                // opens again later is a new item and may be alerted again.
                """
                CREATE TABLE tally.alerted_items (
                  endpoint text NOT NULL,
                  provider text NOT NULL,
                  reference text NOT NULL,
                  kind text NOT NULL,
                  first_seen date NOT NULL,
                  escalated boolean NOT NULL DEFAULT false,
                  run_id uuid NOT NULL,
                  PRIMARY KEY (endpoint, provider, reference, kind, first_seen))
                """,
            ]),
        Migration(
            version: 3, description: "the reports each run wrote, for tally report",
            statements: [
                """
                CREATE TABLE tally.run_reports (
                  run_id uuid NOT NULL REFERENCES tally.runs (id) ON DELETE CASCADE,
                  name text NOT NULL,
                  content bytea NOT NULL,
                  PRIMARY KEY (run_id, name))
                """
            ]),
        payouts,
        Migration(
            version: 5, description: "the append-only, hash-chained event log of open items",
            statements: [
                // One row per action on an item (docs/items.md): who, when, what, the item's facts
                // then, and the hash chained to the event before it. No foreign keys: an event
                // outlives the runs and open-item rows it speaks of.
                """
                CREATE TABLE tally.item_events (
                  id bigserial PRIMARY KEY,
                  item_id text NOT NULL,
                  provider text NOT NULL,
                  reference text NOT NULL,
                  kind text NOT NULL,
                  class text NOT NULL,
                  amount_minor bigint,
                  currency text,
                  action text NOT NULL,
                  actor text NOT NULL,
                  at timestamptz NOT NULL,
                  note text,
                  assignee text,
                  until_date date,
                  resolved_as text,
                  reason text,
                  run_id uuid,
                  needs_approval boolean,
                  previous_hash text NOT NULL,
                  hash text NOT NULL UNIQUE)
                """,
                "CREATE INDEX item_events_item ON tally.item_events (item_id, id)",
                "CREATE INDEX item_events_provider ON tally.item_events (provider, id)",
                // Append only: undo is a new event, never an edit.
                """
                CREATE FUNCTION tally.item_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  RAISE EXCEPTION 'tally.item_events is append-only: % is not allowed (undo is a new event)', TG_OP
                    USING ERRCODE = '42501';
                END $$
                """,
                """
                CREATE TRIGGER item_events_no_update BEFORE UPDATE OR DELETE ON tally.item_events
                  FOR EACH ROW EXECUTE FUNCTION tally.item_events_append_only()
                """,
                """
                CREATE TRIGGER item_events_no_truncate BEFORE TRUNCATE ON tally.item_events
                  FOR EACH STATEMENT EXECUTE FUNCTION tally.item_events_append_only()
                """,
                // The roles of deploy/grants.sql, when a deployment has them: people who work items
                // append events; readers only read (grants.sql grants SELECT by default privileges).
                """
                DO $$
                BEGIN
                  IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'tally_items') THEN
                    GRANT SELECT, INSERT ON tally.item_events TO tally_items;
                    GRANT USAGE ON SEQUENCE tally.item_events_id_seq TO tally_items;
                  END IF;
                END $$
                """,
            ]),
        settledBatches,
    ]

    public static var latest: Int { all.last?.version ?? 0 }

    /// Applies every migration not yet applied; a second call is a no-op.
    ///
    /// Serialised with a transaction-level advisory lock so two first runs cannot race.
    ///
    /// - Returns: the versions applied.
    @discardableResult
    public static func migrate(_ connection: PostgresConnection) throws -> [Int] {
        var applied: [Int] = []
        try connection.execute("BEGIN")
        do {
            try connection.execute("SELECT pg_advisory_xact_lock(hashtextextended('tally:migrations', 0))")
            // Only when missing: even CREATE SCHEMA IF NOT EXISTS needs CREATE on the database, which
            // the least-privilege role of deploy/grants.sql does not have (it owns a pre-created schema).
            if try connection.query("SELECT to_regnamespace('tally') IS NULL").first?.first == "t" {
                try connection.execute("CREATE SCHEMA tally")
            }
            try connection.execute(
                """
                CREATE TABLE IF NOT EXISTS tally.schema_migrations (
                  version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """)
            // Every migration not recorded yet, in order (not only those above the highest applied:
            // a schema that got a later version first still gets the earlier one).
            let done = Set(
                try connection.query("SELECT version FROM tally.schema_migrations").compactMap { $0[0].flatMap(Int.init) })
            for migration in all where !done.contains(migration.version) {
                for statement in migration.statements { try connection.execute(statement) }
                try connection.execute(
                    "INSERT INTO tally.schema_migrations (version, description) VALUES ($1::int, $2)",
                    [String(migration.version), migration.description])
                applied.append(migration.version)
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        return applied
    }

    /// The applied version, or nil when the schema does not exist yet.
    public static func currentVersion(_ connection: PostgresConnection) throws -> Int? {
        let exists = try connection.query("SELECT to_regclass('tally.schema_migrations') IS NOT NULL")
        guard exists.first?.first == "t" else { return nil }
        let rows = try connection.query("SELECT coalesce(max(version), 0) FROM tally.schema_migrations")
        return rows.first?.first.flatMap { $0.flatMap { Int($0) } }
    }

    /// Every applied migration: version, description, when.
    public static func history(_ connection: PostgresConnection) throws -> [(
        version: Int, description: String, appliedAt: String
    )] {
        guard try currentVersion(connection) != nil else { return [] }
        return try connection.query(
            "SELECT version, description, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM tally.schema_migrations ORDER BY version"
        ).map { (Int($0[0] ?? "0") ?? 0, $0[1] ?? "", $0[2] ?? "") }
    }
}
