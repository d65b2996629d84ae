import Foundation
import TallyCore
import TallyEngine
import TallyIngest
import TallyPostgres
import TallyReport
import TallyTestSupport
import Testing

/// Runs that remember, against the real PostgreSQL: the three-night story, migrations, a killed
/// run, and two runs of one provider at once.
@Suite(.freshDatabase, .serialized) struct RunHistoryTests {
    func reset() throws -> PostgresConnection {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try TestLedger.create(db)
        return db
    }

    func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Runs one day through the engine and returns the decoded report.json.
    func night(_ day: String, lines: [(String, String, String)], in directory: URL) throws -> [String: Any] {
        var scenario = StripeScenario()
        for (reference, category, gross) in lines { scenario.line(reference, category: category, gross: gross, currency: "EUR") }
        let file = directory.appendingPathComponent("stripe-\(day)-\(UUID().uuidString.prefix(4)).csv")
        try scenario.csv().write(to: file)
        let out = directory.appendingPathComponent("out-\(UUID().uuidString.prefix(8))")
        let options = RunOptions(
            provider: "acmepay", format: .stripe, files: [file.path], from: CivilDate(iso: day)!, to: CivilDate(iso: day)!,
            databaseURL: FreshDatabase.url, outDirectory: out.path)
        _ = try ReconciliationRun(options: options).run()
        try SchemaValidation.validate(out.appendingPathComponent("report.json"))
        return try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json")))
            as! [String: Any]
    }

    static func breaks(_ report: [String: Any]) -> [String] {
        (report["breaks"] as! [[String: Any]]).map {
            "\($0["class"]!) \($0["reference"]!) first_seen=\($0["first_seen"]!) age=\($0["age_days"]!) new=\($0["new"]!)"
        }
    }

    static func resolved(_ report: [String: Any]) -> [String] {
        (report["resolved"] as! [[String: Any]]).map { "\($0["reference"]!) \($0["class"]!) -> \($0["resolved_as"]!)" }
    }

    static func open(_ report: [String: Any]) -> [String] {
        (report["open_items"] as! [[String: Any]]).map { "\($0["class"]!) \($0["reference"]!) age=\($0["age_days"]!)" }
    }

    @Test func threeNightStory() throws {
        let db = try reset()
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        try TestLedger.insert(
            [
                PaymentRow(id: 1, reference: "ch_A", amountMinor: 1_000, createdAt: "2026-03-10 09:00:00+00"),
                PaymentRow(id: 2, reference: "ch_X", amountMinor: 2_000, createdAt: "2026-03-10 10:00:00+00"),
                PaymentRow(id: 3, reference: "ch_Z", amountMinor: 900, createdAt: "2026-03-10 11:00:00+00"),
                PaymentRow(id: 4, reference: "ch_B", amountMinor: 700, createdAt: "2026-03-11 09:00:00+00"),
            ], into: db)
        let dayOneLines = [("ch_A", "charge", "10.00"), ("re_Y", "refund", "-5.00"), ("ch_Z", "charge", "10.00")]

        // Night 1: the payment X is not settled yet, the refund Y is unknown to the ledger, Z differs.
        let one = try night("2026-03-10", lines: dayOneLines, in: directory)
        #expect(
            Self.breaks(one) == [
                "amount_mismatch ch_Z first_seen=2026-03-10 age=0 new=1",
                "missing_in_provider ch_X first_seen=2026-03-10 age=0 new=1",
                "missing_internally re_Y first_seen=2026-03-10 age=0 new=1",
            ])
        #expect(one["delta"] as? [String: Int] == ["new": 3, "persisting": 0, "resolved": 0])
        #expect(Self.resolved(one).isEmpty)

        // Night 2: the file brings X; the ledger gains the refund Y; Z is still wrong.
        try TestLedger.insert(
            [PaymentRow(id: 5, reference: "re_Y", kind: "refund", amountMinor: 500, createdAt: "2026-03-11 08:00:00+00")],
            into: db)
        let two = try night("2026-03-11", lines: [("ch_X", "charge", "20.00"), ("ch_B", "charge", "7.00")], in: directory)
        #expect(
            Self.breaks(two) == [
                "timing_difference ch_X first_seen=2026-03-11 age=0 new=1",
                "timing_difference re_Y first_seen=2026-03-11 age=0 new=1",
            ])
        #expect(two["delta"] as? [String: Int] == ["new": 0, "persisting": 1, "resolved": 2])
        #expect(
            Self.resolved(two) == [
                "ch_X missing_in_provider -> timing_difference", "re_Y missing_internally -> timing_difference",
            ])
        #expect(Self.open(two) == ["amount_mismatch ch_Z age=1"])

        // Night 3: Z is corrected in the ledger and night 1 is rerun.
        try db.execute("UPDATE payments SET amount_minor = 1000 WHERE provider_ref = 'ch_Z'")
        let three = try night("2026-03-10", lines: dayOneLines, in: directory)
        let firstRun = (one["run"] as! [String: Any])["id"] as! String
        #expect((three["run"] as! [String: Any])["supersedes"] as? String == firstRun)
        #expect(
            Self.breaks(three) == [
                "missing_in_provider ch_X first_seen=2026-03-10 age=0 new=0",
                "timing_difference re_Y first_seen=2026-03-10 age=0 new=1",
            ])
        #expect(three["delta"] as? [String: Int] == ["new": 0, "persisting": 0, "resolved": 1])
        #expect(Self.resolved(three) == ["ch_Z amount_mismatch -> corrected"])
        #expect(Self.open(three).isEmpty)

        let runs = try db.query("SELECT window_from::text, superseded_by IS NOT NULL FROM tally.runs ORDER BY started_at")
        #expect(runs.map { "\($0[0]!) \($0[1]!)" } == ["2026-03-10 t", "2026-03-11 f", "2026-03-10 f"])
    }

    @Test func dryRunsStoreNothing() throws {
        let db = try reset()
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        try TestLedger.insert(
            [PaymentRow(id: 1, reference: "ch_A", amountMinor: 1_000, createdAt: "2026-03-10 09:00:00+00")], into: db)
        var scenario = StripeScenario()
        scenario.line("ch_ghost", category: "charge", gross: "1.00", currency: "EUR")
        let file = directory.appendingPathComponent("stripe.csv")
        try scenario.csv().write(to: file)
        var options = RunOptions(
            provider: "acmepay", format: .stripe, files: [file.path], from: CivilDate(iso: "2026-03-10")!,
            to: CivilDate(iso: "2026-03-10")!, databaseURL: FreshDatabase.url,
            outDirectory: directory.appendingPathComponent("out").path)
        options.dryRun = true
        let outcome = try ReconciliationRun(options: options).run()
        #expect(outcome.report.breaks.count == 2)
        #expect(try Migrations.currentVersion(db) == nil)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/report.json").path))
    }

    @Test func migrationsFromEmptyAndTwiceAreANoOp() throws {
        let db = try reset()
        #expect(try Migrations.currentVersion(db) == nil)
        #expect(try Migrations.migrate(db) == Migrations.all.map(\.version))
        #expect(try Migrations.currentVersion(db) == Migrations.latest)
        #expect(try Migrations.migrate(db) == [])
        let tables = try db.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'tally' ORDER BY table_name")
        #expect(
            Set(tables.map { $0[0]! }).isSuperset(of: [
                "alert_outbox", "alerted_items", "breaks", "open_items", "resolutions", "run_reports", "runs",
                "schema_migrations",
            ]))
        #expect(try db.query("SELECT count(*) FROM tally.schema_migrations").first?.first == String(Migrations.all.count))
    }
}

/// `--results-url`: the tally schema in another database than the payments.
@Suite(.freshDatabase) struct ResultsDatabaseTests {
    @Test func theStoreCanLiveElsewhere() throws {
        let admin = try TestCluster.adminURL()
        let name = "tally_results_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let adminConnection = try PostgresConnection(url: admin)
        try adminConnection.execute("CREATE DATABASE \(name)")
        defer { try? adminConnection.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        let resultsURL = TestCluster.url(database: name, admin: admin)
        let ledger = try PostgresConnection(url: FreshDatabase.url)
        try TestLedger.create(ledger)
        try TestLedger.insert(
            [PaymentRow(id: 1, reference: "ch_1", amountMinor: 100, createdAt: "2026-03-10 10:00:00+00")], into: ledger)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-results-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var scenario = StripeScenario()
        scenario.line("ch_1", category: "charge", gross: "1.00", currency: "EUR")
        let file = directory.appendingPathComponent("stripe.csv")
        try scenario.csv().write(to: file)
        let options = RunOptions(
            provider: "acmepay", format: .stripe, files: [file.path], from: CivilDate(iso: "2026-03-10")!,
            to: CivilDate(iso: "2026-03-10")!, databaseURL: FreshDatabase.url, outDirectory: directory.path + "/out",
            resultsURL: resultsURL)
        _ = try ReconciliationRun(options: options).run()
        #expect(try Migrations.currentVersion(ledger) == nil)
        let results = try PostgresConnection(url: resultsURL)
        #expect(try results.query("SELECT count(*) FROM tally.runs WHERE state = 'succeeded'").first?.first == "1")
        results.close()
    }
}
