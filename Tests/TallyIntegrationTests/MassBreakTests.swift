import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

@testable import TallyCore
@testable import TallyEngine

/// A night where everything breaks (an empty file, the file of another day or of another provider)
/// stops before anything is stored: exit 65, a message saying what it looks like, one failure alert,
/// no breaks, open items or reports; `--allow-mass-breaks` runs and stores it.
@Suite(.freshDatabase, .serialized) struct MassBreakTests {
    let cli = CommandLineTests()
    let alerts = AlertCommandTests()

    /// 150 settling charges of acmepay on 2026-03-10 in a fresh ledger and an empty tally schema.
    func prepareLedger(references prefix: String = "ch_mass_") throws -> PostgresConnection {
        var scenario = StripeScenario()
        for number in 0..<150 { scenario.ledger("\(prefix)\(number)", minor: Int64(100 + number), currency: "EUR") }
        let db = try alerts.reset()
        try db.execute("DROP TABLE IF EXISTS payments")
        try TestLedger.create(db)
        try TestLedger.insert(scenario.rows, into: db)
        return db
    }

    func arguments(_ file: URL, _ directory: URL, alerts rules: String? = nil) -> [String] {
        [
            "run", "--provider", "acmepay", "--format", "stripe", "--file", file.path, "--from", "2026-03-10",
            "--to", "2026-03-10", "--database-url", FreshDatabase.url, "--state-dir", directory.path + "/state",
            "--out", directory.path + "/out",
        ] + (rules.map { ["--alerts", $0] } ?? [])
    }

    func count(_ db: PostgresConnection, _ sql: String) throws -> Int {
        let value = try db.query(sql).first?.first ?? nil
        return Int(value ?? "") ?? -1
    }

    @Test func aHeaderOnlyFileStopsUnstoredWithOneAlert() throws {
        try alerts.withDirectory { directory in
            let db = try prepareLedger()
            let file = directory.appendingPathComponent("acmepay_2026-03-10.csv")
            try StripeScenario().csv().write(to: file)
            try WebhookReceiver.with(secret: AlertCommandTests.secret) { receiver in
                let rules = try alerts.rules(receiver.base + "/ok", in: directory)
                let refused = try cli.tally(arguments(file, directory, alerts: rules), environment: AlertCommandTests.environment)
                #expect(refused.status == 65, "\(refused.output)")
                #expect(
                    refused.stderr.contains(
                        "the file covers 0 % of the ledger window (150 of the 150 ledger rows that should settle from 2026-03-10 to 2026-03-10 have no line): a file of another day, or an empty file?"
                    ), "\(refused.stderr)")
                #expect(refused.stderr.contains("nothing was stored; pass --allow-mass-breaks"), "\(refused.stderr)")
                #expect(!FileManager.default.fileExists(atPath: directory.path + "/out/report.json"))
                #expect(try count(db, "SELECT count(*) FROM tally.breaks") == 0)
                #expect(try count(db, "SELECT count(*) FROM tally.open_items") == 0)
                #expect(try count(db, "SELECT count(*) FROM tally.run_reports") == 0)
                #expect(try count(db, "SELECT count(*) FROM tally.runs WHERE state <> 'failed'") == 0)
                let received = try receiver.deliveries(to: "/ok")
                #expect(received.count == 1, "\(received)")
                let body = try alerts.json(try #require(received.first).body)
                #expect(body["type"] as? String == "tally.run.failed")
                let data = try #require(body["data"] as? [String: Any])
                #expect(data["exit_status"] as? Int == 65)
                #expect((data["error"] as? String)?.contains("a file of another day, or an empty file?") == true)

                // the operator looked and it is real: the run is stored with a break per ledger row
                let forced = try cli.tally(
                    arguments(file, directory, alerts: rules) + ["--allow-mass-breaks"],
                    environment: AlertCommandTests.environment)
                #expect(forced.status == 0, "\(forced.output)")
                #expect(FileManager.default.fileExists(atPath: directory.path + "/out/report.json"))
                #expect(try count(db, "SELECT count(*) FROM tally.breaks WHERE class = 'missing_in_provider'") == 150)
                #expect(try count(db, "SELECT count(*) FROM tally.runs WHERE state = 'succeeded'") == 1)
            }
        }
    }

    @Test func theFileOfAnotherProviderStopsNamingTheFileSide() throws {
        try alerts.withDirectory { directory in
            let db = try prepareLedger()
            var scenario = StripeScenario()
            // two of the ledger's charges, and 148 lines no ledger row has
            for number in 0..<2 { scenario.line("ch_mass_\(number)", category: "charge", gross: "1.0\(number)", currency: "EUR") }
            for number in 0..<148 { scenario.line("ch_other_\(number)", category: "charge", gross: "2.00", currency: "EUR") }
            let file = directory.appendingPathComponent("acmepay_2026-03-10.csv")
            try scenario.csv().write(to: file)
            let refused = try cli.tally(arguments(file, directory))
            #expect(refused.status == 65, "\(refused.output)")
            #expect(
                refused.stderr.contains(
                    "98 % of the file's 150 transactions have no ledger row (148 missing_internally): the file of another provider or account"
                ), "\(refused.stderr)")
            #expect(refused.stderr.contains("the file covers 1 % of the ledger window"), "\(refused.stderr)")
            #expect(try count(db, "SELECT count(*) FROM tally.breaks") == 0)
        }
    }

    @Test func aHigherConfiguredRatioLetsTheNightThrough() throws {
        try alerts.withDirectory { directory in
            let db = try prepareLedger()
            var scenario = StripeScenario()
            // 60 of the 150 ledger rows settled: 90 missing_in_provider, 60 % of the ledger side
            for number in 0..<60 {
                scenario.line("ch_mass_\(number)", category: "charge", gross: String(format: "1.%02d", number), currency: "EUR")
            }
            let file = directory.appendingPathComponent("acmepay_2026-03-10.csv")
            try scenario.csv().write(to: file)
            let config = directory.appendingPathComponent("tally.yml")
            try """
            providers:
              acmepay:
                format: stripe
                max_break_ratio: 0.75
            """.write(to: config, atomically: true, encoding: .utf8)
            let base = [
                "run", "--provider", "acmepay", "--format", "stripe", "--file", file.path, "--from", "2026-03-10",
                "--to", "2026-03-10",
                "--database-url", FreshDatabase.url, "--out", directory.path + "/out",
            ]
            let refused = try cli.tally(base)
            #expect(refused.status == 65, "\(refused.output)")
            #expect(refused.stderr.contains("the file covers 40 % of the ledger window"), "\(refused.stderr)")
            #expect(refused.stderr.contains("max_break_ratio (50 %)"), "\(refused.stderr)")
            let configured = try cli.tally(base + ["--config", config.path])
            #expect(configured.status == 0, "\(configured.output)")
            #expect(try count(db, "SELECT count(*) FROM tally.breaks WHERE class = 'missing_in_provider'") == 90)
        }
    }

    @Test func sidesAreJudgedFromAHundredRowsAndAboveTheRatio() {
        typealias Side = MassBreakGuard.Side
        #expect(!Side(total: 99, broken: 99).exceeds(0.5))
        #expect(Side(total: 100, broken: 51).exceeds(0.5))
        #expect(!Side(total: 100, broken: 50).exceeds(0.5))
        #expect(!Side(total: 1_000_000, broken: 999_999).exceeds(1))
        #expect(Side(total: 1_000, broken: 1_000).coveredPercent == 0)
        #expect(Side(total: 1_000, broken: 995).coveredPercent == 0)
        #expect(Side(total: 1_000, broken: 0).coveredPercent == 100)
    }

    @Test func theRatioIsAShareAboveZeroAndAtMostOne() throws {
        try alerts.withDirectory { directory in
            let config = directory.appendingPathComponent("tally.yml")
            try """
            max_break_ratio: 0
            providers:
              acmepay:
                format: stripe
                max_break_ratio: 1.5
            """.write(to: config, atomically: true, encoding: .utf8)
            let checked = try cli.tally(["config", "check", "--config", config.path])
            #expect(checked.status == 64, "\(checked.output)")
            #expect(checked.output.contains("max_break_ratio: '0' is not a share above 0 and at most 1"), "\(checked.output)")
            #expect(checked.output.contains("providers.acmepay.max_break_ratio: '1.5'"), "\(checked.output)")
        }
    }
}
