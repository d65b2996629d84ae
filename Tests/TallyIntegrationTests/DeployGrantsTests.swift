import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// `deploy/grants.sql` on the real PostgreSQL: a run as the `tally` role succeeds, and the role can
/// only read `payments`.
@Suite(.freshDatabase, .serialized) struct DeployGrantsTests {
    let cli = CommandLineTests()

    /// The fresh database as the `tally` role (the private cluster trusts local socket connections;
    /// libpq takes the last `user` of the URL).
    var tallyURL: String { FreshDatabase.url + "&user=tally" }

    /// Applies the file with psql, as a deployment would (twice: it must be idempotent).
    func applyGrants() throws {
        let grants = TestCluster.repositoryRoot.appendingPathComponent("deploy/grants.sql").path
        for _ in 0..<2 {
            let psql = try Subprocess.run("psql", [FreshDatabase.url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", grants])
            #expect(psql.status == 0, "\(psql.output)")
        }
    }

    @Test func aRunAsTheTallyRoleSucceedsAndTheRoleCanOnlyReadPayments() throws {
        try cli.withScenario { file, out in
            try applyGrants()
            let admin = try PostgresConnection(url: FreshDatabase.url)
            let paymentsBefore = try admin.query("SELECT count(*), sum(amount_minor) FROM payments").first!

            let run = try cli.tally(cli.runArguments(file, out) + ["--database-url", tallyURL])
            #expect(run.status == 0, "\(run.output)")
            #expect(run.stdout.contains("amount_mismatch (high): 2"))
            let owners = try admin.query(
                """
                SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'tally'
                """)
            #expect(owners.map { $0[0] } == ["tally"])
            #expect(try admin.query("SELECT count(*) FROM tally.breaks").first?.first == "15")
            // the other commands work as the role too
            let explain = try cli.tally(["explain", "ch_amount", "--database-url", tallyURL])
            #expect(explain.status == 0, "\(explain.output)")
            let rerun = try cli.tally(cli.runArguments(file, out) + ["--database-url", tallyURL])
            #expect(rerun.status == 0, "\(rerun.output)")

            let role = try PostgresConnection(url: tallyURL)
            #expect(try role.query("SELECT current_user").first?.first == "tally")
            #expect(try role.query("SELECT count(*) FROM payments").first?.first == paymentsBefore[0])
            for statement in [
                "UPDATE payments SET amount_minor = amount_minor + 1",
                "DELETE FROM payments",
                "INSERT INTO payments SELECT id + 1000000, provider, provider_ref, merchant_ref, kind, amount_minor, currency, status, created_at, updated_at FROM payments",
                "TRUNCATE payments",
                "CREATE SCHEMA elsewhere",
                "CREATE TABLE public.shadow (id int)",
            ] {
                let error = #expect(throws: PostgresError.self, "\(statement)") { try role.execute(statement) }
                #expect(error?.sqlState == "42501", "\(statement): \(String(describing: error))")  // insufficient_privilege
            }
            #expect(try admin.query("SELECT count(*), sum(amount_minor) FROM payments").first! == paymentsBefore)
        }
    }

    /// A deployment that first ran as a superuser and then applied the grants: the role takes the
    /// existing tables over and carries on.
    @Test func grantsAdoptATallySchemaCreatedByAnotherRole() throws {
        try cli.withScenario { file, out in
            let admin = try PostgresConnection(url: FreshDatabase.url)
            try admin.execute("DROP SCHEMA IF EXISTS tally CASCADE")
            let asAdmin = try cli.tally(cli.runArguments(file, out) + ["--database-url", FreshDatabase.url])
            #expect(asAdmin.status == 0, "\(asAdmin.output)")
            try applyGrants()
            let asRole = try cli.tally(cli.runArguments(file, out) + ["--database-url", tallyURL])
            #expect(asRole.status == 0, "\(asRole.output)")
            let runs = try admin.query("SELECT count(*) FROM tally.runs WHERE state = 'succeeded'")
            #expect(runs.first?.first == "2")
        }
    }

    /// The two roles for people (docs/items.md, "Access"): `tally_items` works items but cannot
    /// reconcile; `tally_reader` reads (lists, shows, the period report) but cannot act.
    @Test func theItemsRoleActsAndTheReaderOnlyReads() throws {
        try cli.withScenario { file, out in
            let admin = try PostgresConnection(url: FreshDatabase.url)
            try admin.execute("DROP SCHEMA IF EXISTS tally CASCADE")
            try applyGrants()
            let run = try cli.tally(cli.runArguments(file, out) + ["--database-url", tallyURL])
            try #require(run.status == 0, "\(run.output)")
            let itemsURL = FreshDatabase.url + "&user=tally_items"
            let readerURL = FreshDatabase.url + "&user=tally_reader"
            let list = try cli.tally(["items", "list", "--json", "--database-url", readerURL])
            try #require(list.status == 0, "\(list.output)")
            let entries = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
            let id = try #require(entries.first?["item_id"] as? String)

            let ack = try cli.tally(["items", "ack", id, "--note", "known", "--actor", "alice", "--database-url", itemsURL])
            #expect(ack.status == 0, "\(ack.output)")
            let refused = try cli.tally(["items", "ack", id, "--note", "known", "--actor", "eve", "--database-url", readerURL])
            #expect(refused.status != 0 && refused.stderr.contains("permission denied"), "\(refused.output)")
            let period = try cli.tally([
                "report", "period", "--from", "2026-03-01", "--to", "2026-03-31", "--out", out + "/period",
                "--database-url", readerURL,
            ])
            #expect(period.status == 0, "\(period.output)")
            let asItems = try cli.tally(cli.runArguments(file, out) + ["--database-url", itemsURL])
            #expect(asItems.status != 0, "tally_items cannot reconcile: \(asItems.output)")

            let items = try PostgresConnection(url: itemsURL)
            let reader = try PostgresConnection(url: readerURL)
            for (role, statement) in [
                (items, "SELECT count(*) FROM payments"),
                (
                    items,
                    "INSERT INTO tally.runs (id, provider, format, window_from, window_to, timezone, state, started_at) VALUES (gen_random_uuid(), 'x', 'stripe', '2026-03-01', '2026-03-01', 'UTC', 'running', now())"
                ),
                (items, "DELETE FROM tally.open_items"),
                (reader, "SELECT count(*) FROM payments"),
                (
                    reader,
                    "INSERT INTO tally.item_events (item_id, provider, reference, kind, class, action, actor, at, previous_hash, hash) VALUES ('it_0000000000000000', 'x', 'r', 'charge', 'amount_mismatch', 'ack', 'eve', now(), 'x', 'y')"
                ),
                (reader, "UPDATE tally.open_items SET class = 'x'"),
            ] {
                let error = #expect(throws: PostgresError.self, "\(statement)") { try role.execute(statement) }
                #expect(error?.sqlState == "42501", "\(statement): \(String(describing: error))")
            }
            #expect(try reader.query("SELECT count(*) FROM tally.item_events").first?.first == "1")
        }
    }
}
