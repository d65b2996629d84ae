import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// Runs the built `tally` binary and checks stdout, stderr and the exit status (docs/operations.md, "Exit codes").
@Suite(.freshDatabase, .serialized) struct CommandLineTests {
    static var binary: String {
        let root = TestCluster.repositoryRoot
        for candidate in [".build/debug/tally", ".build/release/tally"] {
            let path = root.appendingPathComponent(candidate).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return root.appendingPathComponent(".build/debug/tally").path
    }

    func tally(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Subprocess.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = nil
        for (key, value) in extra { environment[key] = value }
        return try Subprocess.run(Self.binary, arguments, environment: environment)
    }

    func withScenario<R>(_ body: (_ file: String, _ out: String) throws -> R) throws -> R {
        let scenario = StripeScenario.everyClass()
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try TestLedger.create(db)
        try TestLedger.insert(scenario.rows, into: db)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("stripe.csv")
        try scenario.csv().write(to: file)
        return try body(file.path, directory.appendingPathComponent("out").path)
    }

    func runArguments(_ file: String, _ out: String, from: String = "2026-03-10", to: String = "2026-03-11") -> [String] {
        ["run", "--provider", "acmepay", "--format", "stripe", "--file", file, "--from", from, "--to", to, "--out", out]
    }

    @Test func completesWithBreaksAndExitsZero() throws {
        try withScenario { file, out in
            let result = try tally(runArguments(file, out) + ["--database-url", FreshDatabase.url])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.stdout.contains("amount_mismatch (high): 2"))
            #expect(result.stdout.contains("reports: \(out)/report.json"))
            #expect(FileManager.default.fileExists(atPath: out + "/report.html"))
            #expect(FileManager.default.fileExists(atPath: out + "/breaks.csv"))
        }
    }

    /// With `--out <root>/<provider>/<folder>`, the run rewrites `<root>/index.html`; elsewhere it
    /// writes none.
    @Test func indexOfTheReportsRoot() throws {
        try withScenario { file, out in
            let root = out + "/reports"
            let result = try tally(
                runArguments(file, root + "/acmepay/2026-03-10_2026-03-11") + ["--database-url", FreshDatabase.url])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.stdout.contains("index: \(root)/index.html"))
            let index = try String(contentsOfFile: root + "/index.html", encoding: .utf8)
            #expect(index.contains("href=\"acmepay/2026-03-10_2026-03-11/report.html\""))
            let elsewhere = try tally(runArguments(file, out + "/plain") + ["--database-url", FreshDatabase.url])
            #expect(!elsewhere.stdout.contains("index:"))
            #expect(!FileManager.default.fileExists(atPath: out + "/index.html"))
        }
    }

    @Test func databaseURLFromTheEnvironment() throws {
        try withScenario { file, out in
            let result = try tally(runArguments(file, out), environment: ["DATABASE_URL": FreshDatabase.url])
            #expect(result.status == 0, "\(result.output)")
        }
    }

    @Test(arguments: [("high", Int32(1)), ("medium", 1), ("info", 1), ("never", 0)])
    func failOnDecidesExitOne(_ level: String, _ expected: Int32) throws {
        try withScenario { file, out in
            let result = try tally(runArguments(file, out) + ["--database-url", FreshDatabase.url, "--fail-on", level])
            #expect(result.status == expected, "\(result.output)")
        }
    }

    @Test func missingFileIs66() throws {
        let result = try tally(runArguments("/nonexistent/stripe.csv", "/tmp/x") + ["--database-url", FreshDatabase.url])
        #expect(result.status == 66)
        #expect(result.stderr.contains("/nonexistent/stripe.csv"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func unreachableDatabaseIs69AndHidesThePassword() throws {
        try withScenario { file, out in
            let url = "postgresql://tally:s3cret-pw@127.0.0.1:1/payments?connect_timeout=2"
            let result = try tally(runArguments(file, out) + ["--database-url", url])
            #expect(result.status == 69, "\(result.output)")
            #expect(result.stderr.contains("127.0.0.1"))
            #expect(result.stderr.contains("port 1"))
            #expect(!result.output.contains("s3cret-pw"))
        }
    }

    @Test func fromAfterToIs64() throws {
        try withScenario { file, out in
            let result = try tally(
                runArguments(file, out, from: "2026-03-12", to: "2026-03-10") + ["--database-url", FreshDatabase.url])
            #expect(result.status == 64)
            #expect(result.stderr.contains("swap them"))
        }
    }

    @Test(arguments: [
        ["--format", "quickbooks"], ["--from", "yesterday"], ["--timezone", "Mars/Olympus"], ["--provider", "../etc"],
    ])
    func usageErrorsAre64(_ override: [String]) throws {
        try withScenario { file, out in
            var arguments = runArguments(file, out) + ["--database-url", FreshDatabase.url]
            let flag = override[0]
            if let position = arguments.firstIndex(of: flag) {
                arguments[position + 1] = override[1]
            } else {
                arguments += override
            }
            let result = try tally(arguments)
            #expect(result.status == 64, "\(result.output)")
            #expect(!result.stderr.isEmpty)
        }
    }

    @Test func brokenFileIs65() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("not-stripe.csv")
        try Data("name,value\nx,1\n".utf8).write(to: file)
        let result = try tally(runArguments(file.path, directory.path + "/out") + ["--database-url", FreshDatabase.url])
        #expect(result.status == 65)
        #expect(result.stderr.contains("not-stripe.csv"))
        #expect(result.stderr.contains("gross") || result.stderr.contains("currency"))
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/out/report.json"))
    }

    @Test func tooManyRejectsIs65() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("stripe.csv")
        try Data(
            "source_id,currency,gross,reporting_category\nch_1,eur,1.234,charge\nch_2,xxx,1,charge\nch_3,eur,1,charge\n".utf8
        )
        .write(to: file)
        let result = try tally(
            runArguments(file.path, directory.path + "/out") + ["--database-url", FreshDatabase.url, "--max-rejects", "1"])
        #expect(result.status == 65, "\(result.output)")
        #expect(result.stderr.contains("max-rejects"))
    }

    @Test func aHeldLockIs75() throws {
        try withScenario { file, out in
            let holder = try PostgresConnection(url: FreshDatabase.url)
            _ = try holder.query("SELECT pg_advisory_lock(hashtextextended('tally:provider:acmepay', 0))")
            let result = try tally(runArguments(file, out) + ["--database-url", FreshDatabase.url])
            #expect(result.status == 75, "\(result.output)")
            #expect(result.stderr.contains("acmepay"))
            holder.close()
            let again = try tally(runArguments(file, out) + ["--database-url", FreshDatabase.url])
            #expect(again.status == 0, "\(again.output)")
        }
    }

    @Test func helpShowsAnExample() throws {
        let result = try tally(["run", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--provider <provider>"))
        #expect(result.stdout.contains("Examples:"))
        #expect(result.stdout.contains("Exit status:"))
        #expect(result.stdout.contains("--fail-on <fail-on>"))
    }
}
