import Foundation
import TallyCore
import TallyEngine
import TallyIngest
import TallyPostgres
import TallyReport
import TallyTestFixtures
import TallyTestSupport
import Testing

/// `schemas/report.schema.json` describes report.json exactly: every shape validates, renaming
/// or removing any field anywhere fails, and its version follows `schema_version`.
@Suite struct ReportSchemaTests {
    func withReport<R>(_ report: RunReport, _ body: (URL) throws -> R) throws -> R {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tally-schema-\(UUID().uuidString).json")
        try Data(try JSONReport.render(report)).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try body(file)
    }

    @Test(arguments: [false, true])
    func everyShapeValidates(dryRun: Bool) throws {
        try withReport(ReportFixture.everyShape(hostile: "</script>\u{2028}=1+1", dryRun: dryRun)) {
            try SchemaValidation.validate($0)
        }
        try withReport(ReportFixture.many(50)) { try SchemaValidation.validate($0) }
    }

    @Test func renamingOrRemovingAnyFieldFailsValidation() throws {
        let uncaught = try withReport(ReportFixture.everyShape()) { try SchemaValidation.uncaughtMutations($0) }
        #expect(uncaught == [])
    }

    @Test func schemaVersionFollowsTheReports() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: SchemaValidation.schemaPath))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let version = JSONReport.schemaVersion
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect((properties["schema_version"] as? [String: Any])?["const"] as? Int == version)
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect((schema["$id"] as? String)?.hasSuffix("/report-v\(version).schema.json") == true)
        #expect((schema["title"] as? String)?.hasSuffix("schema_version \(version)") == true)
        let report = try JSONSerialization.jsonObject(with: Data(try JSONReport.render(ReportFixture.everyShape())))
        #expect((report as? [String: Any])?["schema_version"] as? Int == version)
    }
}

/// Reports of every format Tally reads validate (Stripe is covered by ReconciliationRunTests).
@Suite(.freshDatabase) struct ReportSchemaFormatTests {
    @Test func mappedCSV() throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try TestLedger.create(db)
        let samples = TestCluster.repositoryRoot.appendingPathComponent("samples/mappings")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tally-csv-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        var options = RunOptions(
            provider: "bank", format: .csv, files: [samples.appendingPathComponent("bank-export.csv").path],
            from: CivilDate(iso: "2026-03-10")!, to: CivilDate(iso: "2026-03-10")!, databaseURL: FreshDatabase.url,
            outDirectory: out.path,
            readerOptions: ReaderOptions(
                mapping: try CSVMapping.load(path: samples.appendingPathComponent("bank-export.yml").path)))
        options.allowEmptyLedger = true  // an empty ledger: every line is a break
        let outcome = try ReconciliationRun(options: options).run()
        #expect(!outcome.report.breaks.isEmpty)
        try SchemaValidation.validate(out.appendingPathComponent("report.json"))
        #expect(try SchemaValidation.uncaughtMutations(out.appendingPathComponent("report.json")) == [])
    }
}
