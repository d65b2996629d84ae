import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// `tally report RUN_ID`: a stored run's reports written again, byte for byte.
@Suite(.freshDatabase, .serialized) struct ReportCommandTests {
    let cli = CommandLineTests()

    @Test func aStoredRunsReportsComeBackByteForByte() throws {
        try cli.withScenario { file, out in
            let db = try PostgresConnection(url: FreshDatabase.url)
            try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
            let run = try cli.tally(cli.runArguments(file, out) + ["--database-url", FreshDatabase.url])
            #expect(run.status == 0, "\(run.output)")
            let names = ["report.json", "report.html", "breaks.csv"]
            let original = try names.map { try Data(contentsOf: URL(fileURLWithPath: "\(out)/\($0)")) }
            let runID = try #require(try db.query("SELECT id::text FROM tally.runs").first?.first ?? nil)

            let again = out + "-again"
            let report = try cli.tally(["report", String(runID.prefix(8)), "--out", again, "--database-url", FreshDatabase.url])
            #expect(report.status == 0, "\(report.output)")
            for (name, bytes) in zip(names, original) {
                #expect(try Data(contentsOf: URL(fileURLWithPath: "\(again)/\(name)")) == bytes, "\(name)")
            }

            let only = out + "-html"
            let html = try cli.tally(["report", runID, "--format", "html", "--out", only, "--database-url", FreshDatabase.url])
            #expect(html.status == 0, "\(html.output)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: only) == ["report.html"])

            let unknown = try cli.tally(["report", "ffffffff", "--database-url", FreshDatabase.url])
            #expect(unknown.status == 64)
            #expect(unknown.stderr.contains("no run with id ffffffff"))
        }
    }
}
