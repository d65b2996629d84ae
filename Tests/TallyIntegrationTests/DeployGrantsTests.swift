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
}
