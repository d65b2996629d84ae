import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// Issue 17 C: a URL naming the wrong database, role or ledger table is a configuration error
/// (exit 64, saying what to fix), found before anything is created: no `tally` schema, no run.
/// Exit 69 stays for what a retry can cure (CommandLineTests.unreachableDatabaseIs69AndHidesThePassword).
@Suite(.freshDatabase, .serialized) struct WrongDatabaseTests {
    let cli = CommandLineTests()

    func run(_ url: String) throws -> Subprocess.Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-wrongdb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("stripe.csv")
        try StripeScenario.everyClass().csv().write(to: file)
        return try cli.tally(cli.runArguments(file.path, directory.path + "/out") + ["--database-url", url])
    }

    func noTallySchema(_ db: PostgresConnection) throws -> Bool {
        try db.query("SELECT to_regnamespace('tally') IS NULL").first?.first == "t"
    }

    @Test func aDatabaseWithoutThePaymentsTableIs64AndCreatesNothing() throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try db.execute("DROP TABLE IF EXISTS payments")
        let result = try run(FreshDatabase.url)
        #expect(result.status == 64, "\(result.output)")
        #expect(result.stderr.contains("the ledger table payments is not in this database"), "\(result.stderr)")
        #expect(result.stderr.contains("--database-url"))
        #expect(try noTallySchema(db), "nothing is created in the wrong database")
    }

    /// Its failure alert creates no schema there either: it waits in the spool.
    @Test func withAlertsTheWrongDatabaseStillGetsNothing() throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try db.execute("DROP TABLE IF EXISTS payments")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-wrongdb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let alerts = directory.appendingPathComponent("alerts.yml").path
        try "endpoints:\n  - name: ops\n    url: http://127.0.0.1:1/never\n    secret_env: TALLY_TEST_WEBHOOK_SECRET\n"
            .write(toFile: alerts, atomically: true, encoding: .utf8)
        let file = directory.appendingPathComponent("stripe.csv")
        try StripeScenario.everyClass().csv().write(to: file)
        let result = try cli.tally(
            cli.runArguments(file.path, directory.path + "/out") + [
                "--database-url", FreshDatabase.url, "--alerts", alerts, "--state-dir", directory.path + "/state",
            ], environment: AlertCommandTests.environment)
        #expect(result.status == 64, "\(result.output)")
        #expect(try noTallySchema(db), "the failure alert created no schema")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/state/alert-spool").count == 1)
    }

    @Test func aPaymentsTableWithoutTheCanonicalColumnsIs64() throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try db.execute("DROP TABLE IF EXISTS payments")
        try db.execute("CREATE TABLE payments (provider text, provider_ref text, amount numeric)")
        defer { try? db.execute("DROP TABLE IF EXISTS payments") }
        let result = try run(FreshDatabase.url)
        #expect(result.status == 64, "\(result.output)")
        #expect(result.stderr.contains("lacks a column"), "\(result.stderr)")
        #expect(try noTallySchema(db))
    }

    @Test func anUnknownDatabaseIs64() throws {
        let admin = try TestCluster.adminURL()
        let result = try run(TestCluster.url(database: "tally_no_such_\(UUID().uuidString.prefix(8).lowercased())", admin: admin))
        #expect(result.status == 64, "\(result.output)")
        #expect(result.stderr.contains("does not exist"), "\(result.stderr)")
        #expect(result.stderr.contains("check the database URL"), "\(result.stderr)")
    }

    @Test func anUnknownRoleIs64() throws {
        let result = try run(FreshDatabase.url + "&user=tally_no_such_role")
        #expect(result.status == 64, "\(result.output)")
        #expect(result.stderr.contains("role \"tally_no_such_role\" does not exist"), "\(result.stderr)")
    }

    @Test func aRoleThatCannotReadThePaymentsTableIs64() throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try db.execute("DROP TABLE IF EXISTS payments")
        try TestLedger.create(db)
        let role = "tally_noread_\(UUID().uuidString.prefix(8).lowercased())"
        try db.execute("CREATE ROLE \(role) LOGIN")
        defer {
            try? db.execute("DROP OWNED BY \(role)")
            try? db.execute("DROP ROLE IF EXISTS \(role)")
        }
        let result = try run(FreshDatabase.url + "&user=\(role)")
        #expect(result.status == 64, "\(result.output)")
        #expect(result.stderr.contains("cannot read the payments table"), "\(result.stderr)")
        #expect(try noTallySchema(db))
    }
}
