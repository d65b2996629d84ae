import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

@testable import TallyEngine

/// What a failing run says, and to whom: the holder of a lock named even before its run row
/// exists, JSON log lines that carry the run, and a file's own text kept out of webhooks.
@Suite(.freshDatabase, .serialized) struct RunFailureMessagesTests {
    let cli = CommandLineTests()
    let alerts = AlertCommandTests()

    @Test func aLockTakenAMomentAgoNamesItsHolder() throws {
        try cli.withScenario { file, out in
            let runID = "0f2a9c41-07ab-4c1d-8e2f-0123456789ab"
            // a run that has just taken the lock and stored nothing yet
            let starting = try PostgresConnection(
                url: FreshDatabase.url, applicationName: ProviderLock.applicationName(runID: runID))
            _ = try starting.query("SELECT pg_advisory_lock(hashtextextended('tally:provider:acmepay', 0))")
            let refused = try cli.tally(cli.runArguments(file, out) + ["--database-url", FreshDatabase.url])
            #expect(refused.status == 75, "\(refused.output)")
            #expect(refused.stderr.contains("holds its lock: run \(runID) (starting), PostgreSQL session"), "\(refused.stderr)")
            starting.close()
            // any other session holding it is named by its application name
            let other = try PostgresConnection(url: FreshDatabase.url, applicationName: "nightly backfill")
            _ = try other.query("SELECT pg_advisory_lock(hashtextextended('tally:provider:acmepay', 0))")
            let again = try cli.tally(cli.runArguments(file, out) + ["--database-url", FreshDatabase.url])
            #expect(again.status == 75)
            #expect(again.stderr.contains("a session named 'nightly backfill', PostgreSQL session"), "\(again.stderr)")
            other.close()
        }
    }

    static func jsonLines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func theFailureLineAndTheSpoolNoticeCarryTheRun() throws {
        try alerts.withDirectory { directory in
            let rules = try alerts.rules("http://127.0.0.1:9/never", in: directory)
            // a store that cannot be reached: the failure alert is spooled
            let result = try cli.tally(
                [
                    "run", "--provider", "acmepay", "--format", "stripe", "--file", directory.path + "/missing.csv",
                    "--from", "2026-03-10", "--database-url", "postgresql:///nowhere?host=/nonexistent&port=1",
                    "--alerts", rules, "--state-dir", directory.path + "/state", "--log-format", "json",
                ], environment: AlertCommandTests.environment)
            #expect(result.status == 66, "\(result.output)")
            let lines = Self.jsonLines(result.stderr)
            let failed = try #require(lines.first { $0["phase"] as? String == "failed" }, "\(result.stderr)")
            let runID = try #require(failed["run_id"] as? String)
            #expect(failed["provider"] as? String == "acmepay")
            let spooled = try #require(
                lines.first { ($0["message"] as? String)?.contains("waits in") == true }, "\(result.stderr)")
            #expect(spooled["run_id"] as? String == runID)
            #expect(spooled["provider"] as? String == "acmepay")
            #expect(spooled["phase"] as? String == "alerts")
        }
    }

    @Test func aFilesOwnTextIsAShortExcerptAndNeverInTheWebhook() throws {
        try alerts.withDirectory { directory in
            _ = try alerts.reset()
            let db = try PostgresConnection(url: FreshDatabase.url)
            try db.execute("DROP TABLE IF EXISTS payments")
            try TestLedger.create(db)
            // any file the pattern resolves to: here one whose first line is a secret and a terminal attack
            let secret = "root:SECRET-PASSWORD-\(String(repeating: "x", count: 400))\u{1B}]0;t\u{07}"
            try (secret + ",b,c\n1,2,3\n").write(
                to: directory.appendingPathComponent("acmepay_2026-03-10.csv"), atomically: true, encoding: .utf8)
            try WebhookReceiver.with(secret: AlertCommandTests.secret) { receiver in
                let rules = try alerts.rules(receiver.base + "/ok", in: directory)
                let result = try cli.tally(
                    [
                        "run", "--provider", "acmepay", "--format", "stripe",
                        "--file-pattern", directory.path + "/acmepay_{date}.csv", "--from", "2026-03-10",
                        "--database-url", FreshDatabase.url, "--alerts", rules, "--state-dir", directory.path + "/state",
                        "--out", directory.path + "/out",
                    ], environment: AlertCommandTests.environment)
                #expect(result.status == 65, "\(result.output)")
                #expect(result.stderr.contains("not a Stripe balance report"), "\(result.stderr)")
                let found = try #require(result.stderr.range(of: "(found: ").map { result.stderr[$0.upperBound...] })
                let excerpt = found.prefix { $0 != "\n" }
                #expect(excerpt.count <= 121, "\(excerpt)")
                #expect(!result.stderr.contains("\u{1B}"))
                let received = try receiver.deliveries(to: "/ok")
                #expect(received.count == 1)
                #expect(!received.isEmpty, "nothing to check: the assertion below would hold vacuously")
                #expect(
                    received.allSatisfy { !$0.body.contains("SECRET-PASSWORD") && !$0.body.contains("root:") },
                    "\(received.map(\.body))")
                #expect(received.first?.body.contains("not a Stripe balance report") == true)
            }
        }
    }
}

/// A failed per-line control says where, in every output of a run.
@Suite(.freshDatabase, .serialized) struct ControlLinesTests {
    let cli = CommandLineTests()

    @Test func aRunsReportsNameTheLinesOff() throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try TestLedger.create(db)
        try TestLedger.insert(
            [PaymentRow(id: 1, reference: "ch_1", amountMinor: 1_000, createdAt: "2026-03-10 12:00:00+00")], into: db)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-control-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("stripe.csv")
        try """
        balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,source_id
        txn_1,2026-03-10 12:00:00,eur,10.00,0.30,9.70,charge,ch_1
        txn_2,2026-03-10 12:00:00,eur,10.00,0.30,9.80,charge,ch_2

        """.write(to: file, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out").path
        let result = try cli.tally(
            cli.runArguments(file.path, out, to: "2026-03-10") + ["--database-url", FreshDatabase.url, "--dry-run"])
        #expect(result.status == 0, "\(result.output)")
        try SchemaValidation.validate(URL(fileURLWithPath: out + "/report.json"))
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))) as? [String: Any]
        )
        let control = try #require((report["controls"] as? [[String: Any]])?.first)
        let lines = try #require(control["lines"] as? [[String: Any]])
        #expect(lines.count == 1)
        #expect(lines.first?["line"] as? Int == 3)
        #expect(lines.first?["expected"] as? String == "net 9.70 EUR")
        #expect(control["more_lines"] as? Int == 0)
        let csv = try String(contentsOfFile: out + "/breaks.csv", encoding: .utf8)
        #expect(csv.contains("lines off: \(file.path):3 (expected net 9.70 EUR, actual net 9.80 EUR)"), "\(csv)")
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("<code>\(file.path):3</code> expected net 9.70 EUR, actual net 9.80 EUR"))
    }
}

/// A provider with no ledger row in the streamed range while its file has transactions is a
/// mistyped name far more often than a real night: exit 64 naming the providers there are.
@Suite(.freshDatabase, .serialized) struct EmptyLedgerTests {
    let cli = CommandLineTests()

    @Test func aMistypedProviderStopsNamingTheClosest() throws {
        try cli.withScenario { file, out in
            // the scenario's ledger rows are acmepay's and otherpay's
            var arguments = cli.runArguments(file, out) + ["--database-url", FreshDatabase.url]
            arguments[arguments.firstIndex(of: "acmepay")!] = "acmepy"
            let refused = try cli.tally(arguments)
            #expect(refused.status == 64, "\(refused.output)")
            #expect(refused.stderr.contains("no row of provider 'acmepy'"), "\(refused.stderr)")
            #expect(refused.stderr.contains("The payments table has acmepay, otherpay (closest: acmepay)"), "\(refused.stderr)")
            #expect(refused.stderr.contains("--allow-empty-ledger"))
            #expect(!FileManager.default.fileExists(atPath: out + "/report.json"))
            let forced = try cli.tally(arguments + ["--allow-empty-ledger"])
            #expect(forced.status == 0, "\(forced.output)")
            #expect(FileManager.default.fileExists(atPath: out + "/report.json"))
        }
    }

    @Test func closestNames() {
        #expect(EmptyLedgerGuard.closest(to: "acmepy", in: ["acmepay", "otherpay"]) == "acmepay")
        #expect(EmptyLedgerGuard.closest(to: "zzz", in: ["acmepay", "otherpay"]) == nil)
        #expect(EmptyLedgerGuard.distance(Array("kitten".unicodeScalars), Array("sitting".unicodeScalars)) == 3)
    }
}
