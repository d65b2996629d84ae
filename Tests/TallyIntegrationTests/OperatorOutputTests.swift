import Foundation
import TallyCore
import TallyPostgres
import TallyTestSupport
import Testing

/// What the commands print for an operator: provider text never reaches the terminal raw, run-id
/// prefixes are hex and never patterns, alerts are listed by their numeric id.
@Suite(.freshDatabase, .serialized) struct OperatorOutputTests {
    let cli = CommandLineTests()

    /// A reference that would set the terminal's title, ring its bell and reverse what follows.
    static let hostile = "ch_\u{1B}]0;pwned\u{07}\u{1B}[2J\u{202E}evil"

    func withHostileRun<R>(_ body: (_ file: String, _ directory: URL, _ runID: String) throws -> R) throws -> R {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try TestLedger.create(db)
        try TestLedger.insert(
            [PaymentRow(id: 1, reference: "ch_ok", amountMinor: 1_000, createdAt: "2026-03-10 09:00:00+00")], into: db)
        var scenario = StripeScenario()
        scenario.line("ch_ok", category: "charge", gross: "10.00", currency: "EUR")
        scenario.line(Self.hostile, category: "charge", gross: "5.00", currency: "EUR", description: "bell\u{07} here")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-operator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("stripe.csv")
        try scenario.csv().write(to: file)
        let run = try cli.tally(
            cli.runArguments(file.path, directory.appendingPathComponent("out").path, to: "2026-03-10")
                + ["--database-url", FreshDatabase.url])
        #expect(run.status == 0, "\(run.output)")
        Self.expectEscaped(run, "tally run")
        let runID = try #require(try db.query("SELECT id::text FROM tally.runs").first?.first ?? nil)
        return try body(file.path, directory, runID)
    }

    /// No ESC, BEL or bidirectional override in what a command printed, and the reference shown escaped.
    static func expectEscaped(_ result: Subprocess.Result, _ command: String, mustShow: Bool = false) {
        for (stream, text) in [("stdout", result.stdout), ("stderr", result.stderr)] {
            #expect(
                !text.unicodeScalars.contains { [0x1B, 0x07, 0x202E].contains($0.value) },
                "\(command) printed a raw control character on \(stream): \(text.debugDescription)")
        }
        if mustShow {
            #expect(result.output.contains("ch_\\x1b]0;pwned\\x07\\x1b[2J\\u{202e}evil"), "\(command): \(result.output)")
        }
    }

    @Test func everyCommandEscapesProviderText() throws {
        try withHostileRun { file, directory, runID in
            let inspect = try cli.tally(["inspect", file, "--records", "5"])
            #expect(inspect.status == 0, "\(inspect.output)")
            Self.expectEscaped(inspect, "inspect", mustShow: true)
            let masked = try cli.tally(["inspect", file, "--records", "5", "--mask-pii"])
            Self.expectEscaped(masked, "inspect --mask-pii", mustShow: true)
            let openItems = try cli.tally(["open-items", "--database-url", FreshDatabase.url])
            #expect(openItems.status == 0, "\(openItems.output)")
            Self.expectEscaped(openItems, "open-items", mustShow: true)
            let show = try cli.tally(["runs", "show", runID, "--database-url", FreshDatabase.url])
            #expect(show.status == 0, "\(show.output)")
            Self.expectEscaped(show, "runs show", mustShow: true)
            let list = try cli.tally(["runs", "list", "--database-url", FreshDatabase.url])
            Self.expectEscaped(list, "runs list")
            let explain = try cli.tally(["explain", Self.hostile, "--provider", "acmepay", "--database-url", FreshDatabase.url])
            #expect(explain.status == 0, "\(explain.output)")
            Self.expectEscaped(explain, "explain", mustShow: true)
            // JSON stays valid JSON and keeps the reference exactly
            for arguments in [["open-items", "--json"], ["explain", Self.hostile, "--json"]] {
                let json = try cli.tally(arguments + ["--database-url", FreshDatabase.url])
                Self.expectEscaped(json, arguments.joined(separator: " "))
                let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8))
                #expect("\(object)".contains("pwned"))
                #expect(json.stdout.contains("\\u202e"), "\(json.stdout)")
            }
            let inspectJSON = try cli.tally(["inspect", file, "--json"])
            #expect(try JSONSerialization.jsonObject(with: Data(inspectJSON.stdout.utf8)) is [String: Any])
            Self.expectEscaped(inspectJSON, "inspect --json")
            _ = directory
        }
    }

    @Test(arguments: ["%%%%%%", "______", "0f%%%%", "0f____", "zzzzzz", "0f2a9", "0f2a9c41x", "0f2a9c41_07"])
    func aRunIDPrefixIsHexOrAUsageError(_ prefix: String) throws {
        try withHostileRun { _, directory, _ in
            for arguments in [
                ["report", prefix, "--out", directory.appendingPathComponent("again").path],
                ["runs", "show", prefix], ["explain", "ch_ok", "--run", prefix],
            ] {
                let result = try cli.tally(arguments + ["--database-url", FreshDatabase.url])
                #expect(result.status == 64, "\(arguments): \(result.output)")
                #expect(result.stderr.contains("hex digits"), "\(arguments): \(result.stderr)")
            }
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("again").path))
        }
    }

    /// The terminal listings carry the money: both sides' amounts with their currency.
    @Test func theListingsShowAmounts() throws {
        try withHostileRun { _, _, runID in
            let openItems = try cli.tally(["open-items", "--database-url", FreshDatabase.url])
            #expect(
                openItems.stdout.contains(
                    "missing_internally  ch_\\x1b]0;pwned\\x07\\x1b[2J\\u{202e}evil  charge  provider 5.00 EUR  open since"),
                "\(openItems.stdout)")
            let show = try cli.tally(["runs", "show", runID, "--database-url", FreshDatabase.url])
            #expect(show.stdout.contains("charge  provider 5.00 EUR  first seen 2026-03-10"), "\(show.stdout)")
        }
    }

    @Test func aRunIDPrefixFindsItsRun() throws {
        try withHostileRun { _, _, runID in
            for prefix in [String(runID.prefix(6)), String(runID.prefix(6)).uppercased(), String(runID.prefix(13)), runID] {
                let result = try cli.tally(["runs", "show", prefix, "--database-url", FreshDatabase.url])
                #expect(result.status == 0, "\(prefix): \(result.output)")
                #expect(result.stdout.contains(runID), "\(result.stdout)")
            }
        }
    }

    @Test func alertsAreListedNewestFirstByNumber() throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        _ = try Migrations.migrate(db)
        let messages = (1...12).map {
            OutboxMessage(
                webhookID: "msg_\($0)", endpoint: "ops", event: "tally.run.alert", runID: nil, provider: "acmepay", body: "{}")
        }
        #expect(try AlertOutbox(connection: db).enqueue(messages) == 12)
        let ids = try AlertOutbox(connection: db).list().map(\.id)
        #expect(ids.count == 12)
        #expect(ids == ids.sorted(by: >))
        let limited = try AlertOutbox(connection: db).list(limit: 3).map(\.id)
        #expect(limited == Array(ids.prefix(3)))
        let listed = try cli.tally([
            "alerts", "list", "--database-url", FreshDatabase.url, "--state-dir",
            NSTemporaryDirectory() + "tally-no-spool-\(UUID().uuidString)",
        ])
        #expect(listed.status == 0, "\(listed.output)")
        let printed = listed.stdout.split(separator: "\n").compactMap { Int64($0.split(separator: " ").first ?? "") }
        #expect(printed == ids)
    }
}
