import Foundation
import TallyCore
import TallyEngine
import TallyIngest
import TallyPostgres
import TallyReport
import TallyTestSupport
import Testing

/// camt.053 statements and camt.054 notifications reconciled end to end against the real
/// PostgreSQL: the Stripe scenario's ledger and breaks, told by a bank (see ``CamtScenario``).
@Suite(.freshDatabase, .serialized) struct CamtReconciliationTests {
    func prepare(_ scenario: CamtScenario) throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try TestLedger.create(db, unique: true)
        try TestLedger.insert(scenario.rows, into: db)
    }

    func run(_ format: SettlementFormat, _ data: Data) throws -> (ReconciliationRun.Outcome, [String: Any]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-camt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("statement.xml")
        try data.write(to: file)
        let out = directory.appendingPathComponent("out")
        let options = RunOptions(
            provider: "acmepay", format: format, files: [file.path], from: CivilDate(iso: "2026-03-10")!,
            to: CivilDate(iso: "2026-03-11")!, timezone: "UTC", databaseURL: FreshDatabase.url, outDirectory: out.path)
        let outcome = try ReconciliationRun(options: options).run()
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json")))
        try SchemaValidation.validate(out.appendingPathComponent("report.json"))
        return (outcome, report as! [String: Any])
    }

    static func breaks(_ report: [String: Any]) -> [StripeScenario.Expected] {
        (report["breaks"] as! [[String: Any]]).map {
            StripeScenario.Expected(
                breakClass: $0["class"] as! String, reference: $0["reference"] as! String, kind: $0["kind"] as? String ?? "")
        }
    }

    @Test func aStatementFindsExactlyTheInjectedBreaks() throws {
        let scenario = CamtScenario()
        try prepare(scenario)
        let (outcome, report) = try run(.camt053, scenario.xml(notification: false, offClosing: "GBP"))
        var expected = scenario.expected
        expected.append(
            StripeScenario.Expected(
                breakClass: "control_mismatch", reference: "camt053 STMT-GBP (XX00TESTGBP): OPBD + booked entries = CLBD",
                kind: ""))
        #expect(Self.breaks(report) == expected.sorted())
        let summary = report["summary"] as! [String: Any]
        #expect(summary["settlement_transactions"] as? Int == scenario.transactionCount)
        #expect(outcome.report.result.rejects.isEmpty)
        // payouts and fees came as pending entries: listed, not matched
        let listed = summary["non_transactions"] as! [[String: Any]]
        #expect(Set(listed.map { $0["category"] as! String }) == ["entry PDNG, not booked"])
        // every other statement balances, and its batches add up
        let controls = report["controls"] as! [[String: Any]]
        #expect(controls.filter { ($0["ok"] as? Bool) == false }.count == 1)
        #expect(controls.count >= 10)
    }

    @Test func aNotificationFindsExactlyTheInjectedBreaks() throws {
        let scenario = CamtScenario()
        try prepare(scenario)
        let (_, report) = try run(.camt054, scenario.xml(notification: true))
        #expect(Self.breaks(report) == scenario.expected)
        let controls = report["controls"] as! [[String: Any]]
        #expect(!controls.isEmpty)
        #expect(!controls.isEmpty, "nothing to check: the assertion below would hold vacuously")
        #expect(controls.allSatisfy { ($0["ok"] as? Bool) == true })
    }

    @Test func aHostileStatementStopsTheRunAndPersistsNothing() throws {
        let scenario = CamtScenario()
        try prepare(scenario)
        let hostile =
            "<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
            + "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt/></Document>"
        #expect(throws: IngestError.self) { try run(.camt053, Data(hostile.utf8)) }
        let db = try PostgresConnection(url: FreshDatabase.url)
        #expect(try db.query("SELECT count(*) FROM tally.runs WHERE state = 'succeeded'") == [["0"]])
        #expect(try db.query("SELECT count(*) FROM tally.breaks") == [["0"]])
    }
}
