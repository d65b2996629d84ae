import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// The nightly job as a scheduler runs it: `tally run --config` with no window, flags over the
/// file, a configured ledger query, the metrics file and the logs.
@Suite(.freshDatabase, .serialized) struct ConfigCommandTests {
    let cli = CommandLineTests()

    /// A scratch folder with the every-class scenario loaded, its Stripe file written for
    /// 2026-03-11 under `inbox/acmepay/`, and a config naming it.
    func withNight<R>(config extra: String = "", provider extraProvider: String = "", _ body: (URL) throws -> R) throws -> R {
        let scenario = StripeScenario.everyClass()
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try TestLedger.create(db)
        try TestLedger.insert(scenario.rows, into: db)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("inbox/acmepay"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try scenario.csv().write(to: directory.appendingPathComponent("inbox/acmepay/2026-03-11.csv"))
        let yaml = """
            timezone: UTC
            reports_dir: reports
            metrics_file: metrics/tally.prom
            \(extra)
            providers:
              acmepay:
                format: stripe
                file_pattern: inbox/acmepay/{date}.csv
                lookback_days: 3
              otherpay:
                format: stripe
                file_pattern: inbox/otherpay/{date}.csv
            \(extraProvider)
            """
        try Data(yaml.utf8).write(to: directory.appendingPathComponent("tally.yml"))
        return try body(directory)
    }

    func report(_ directory: URL, _ window: String = "2026-03-11_2026-03-11") throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("reports/acmepay/\(window)/report.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    @Test func theNightlyDefaultRunsYesterdayForEveryProviderWhoseFileIsThere() throws {
        try withNight { directory in
            let result = try cli.tally(
                ["run", "--config", directory.appendingPathComponent("tally.yml").path, "--as-of", "2026-03-12"],
                environment: ["DATABASE_URL": FreshDatabase.url])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.stderr.contains("otherpay: no settlement file for 2026-03-11"))
            let run = try report(directory)["run"] as! [String: Any]
            #expect((run["window"] as? [String: Any])?["from"] as? String == "2026-03-11")
            #expect(run["provider"] as? String == "acmepay")
        }
    }

    @Test func noFileForAnyProviderIsExit66() throws {
        try withNight { directory in
            let result = try cli.tally(
                ["run", "--config", directory.appendingPathComponent("tally.yml").path, "--as-of", "2026-03-20"],
                environment: ["DATABASE_URL": FreshDatabase.url])
            #expect(result.status == 66, "\(result.output)")
        }
    }

    @Test func flagsOverrideTheFile() throws {
        try withNight(config: "") { directory in
            let config = directory.appendingPathComponent("tally.yml").path
            let result = try cli.tally(
                [
                    "run", "--config", config, "--provider", "acmepay", "--from", "2026-03-11", "--lookback-days", "5",
                    "--fail-on", "high",
                ],
                environment: ["TALLY_CONFIG": "/nonexistent.yml", "DATABASE_URL": FreshDatabase.url])
            #expect(result.status == 1, "\(result.output)")
            let ledger = (try report(directory)["run"] as! [String: Any])["ledger_window"] as! [String: Any]
            #expect(ledger["lookback_days"] as? Int == 5)
        }
    }

    @Test func theConfigComesFromTheEnvironmentToo() throws {
        try withNight { directory in
            let result = try cli.tally(
                ["run", "--as-of", "2026-03-12", "--provider", "acmepay"],
                environment: [
                    "TALLY_CONFIG": directory.appendingPathComponent("tally.yml").path, "DATABASE_URL": FreshDatabase.url,
                ])
            #expect(result.status == 0, "\(result.output)")
        }
    }

    @Test func aConfiguredLedgerQueryReadsAnotherTable() throws {
        let query = """
              bank:
                format: stripe
                file_pattern: inbox/acmepay/{date}.csv
                ledger_query: |
                  SELECT psp_ref AS provider_ref, direction AS kind, cents AS amount_minor, ccy AS currency,
                         state AS status, booked_at AS created_at
                  FROM billing_charges WHERE psp = $1 AND booked_at >= $2 AND booked_at < $3
              bank_broken:
                format: stripe
                ledger_query: |
                  SELECT psp_ref AS provider_ref, direction AS kind, cents AS amount_minor, ccy AS currency,
                         state AS stage, booked_at AS created_at
                  FROM billing_charges WHERE psp = $1 AND booked_at >= $2 AND booked_at < $3
            """
        try withNight(provider: query) { directory in
            let db = try PostgresConnection(url: FreshDatabase.url)
            try db.execute("DROP TABLE IF EXISTS billing_charges")
            try db.execute(
                """
                CREATE TABLE billing_charges AS SELECT 'bank'::text AS psp, provider_ref AS psp_ref, kind AS direction,
                  amount_minor AS cents, currency AS ccy, status AS state, created_at AS booked_at FROM payments
                  WHERE provider = 'acmepay'
                """)
            let config = directory.appendingPathComponent("tally.yml").path
            let own = try cli.tally(
                [
                    "run", "--config", config, "--provider", "bank", "--from", "2026-03-10", "--to", "2026-03-11", "--dry-run",
                    "--file", directory.appendingPathComponent("inbox/acmepay/2026-03-11.csv").path,
                ],
                environment: ["DATABASE_URL": FreshDatabase.url])
            #expect(own.status == 0, "\(own.output)")
            let data = try Data(
                contentsOf: directory.appendingPathComponent("reports/bank/2026-03-10_2026-03-11.dry-run/report.json"))
            let breaks = (try JSONSerialization.jsonObject(with: data) as! [String: Any])["breaks"] as! [[String: Any]]
            let expected = StripeScenario.everyClass().expected.filter { !$0.reference.hasPrefix("ch_other_provider") }
            let found = breaks.map { "\($0["class"]!) \($0["reference"]!)" }
            #expect(!expected.isEmpty, "the scenario expects no break")
            for item in expected { #expect(found.contains("\(item.breakClass) \(item.reference)"), "\(item)") }

            let broken = try cli.tally(
                [
                    "run", "--config", config, "--provider", "bank_broken", "--from", "2026-03-10", "--to", "2026-03-11",
                    "--dry-run",
                    "--file", directory.appendingPathComponent("inbox/acmepay/2026-03-11.csv").path,
                ],
                environment: ["DATABASE_URL": FreshDatabase.url])
            #expect(broken.status == 64, "\(broken.output)")
            #expect(
                broken.stderr.contains("providers.bank_broken.ledger_query: the configured ledger query lacks the column status"))
            try db.execute("ALTER TABLE billing_charges RENAME COLUMN state TO stage")
            let gone = try cli.tally(
                [
                    "run", "--config", config, "--provider", "bank", "--from", "2026-03-10", "--to", "2026-03-11", "--dry-run",
                    "--file", directory.appendingPathComponent("inbox/acmepay/2026-03-11.csv").path,
                ],
                environment: ["DATABASE_URL": FreshDatabase.url])
            #expect(gone.status == 64, "\(gone.output)")
            #expect(gone.stderr.contains("column \"state\" does not exist"))
        }
    }

    /// A dry run rehearses: its reports go to `<window>.dry-run/`, marked in the index, and neither
    /// the window's real reports nor the metrics change.
    @Test func aDryRunLeavesTheRealReportsAndTheMetricsAlone() throws {
        try withNight { directory in
            let config = directory.appendingPathComponent("tally.yml").path
            let metrics = directory.appendingPathComponent("metrics/tally.prom").path
            let real = try cli.tally(
                ["run", "--config", config, "--as-of", "2026-03-12"], environment: ["DATABASE_URL": FreshDatabase.url])
            #expect(real.status == 0, "\(real.output)")
            let folder = directory.appendingPathComponent("reports/acmepay/2026-03-11_2026-03-11")
            let report = try Data(contentsOf: folder.appendingPathComponent("report.json"))
            let recorded = try String(contentsOfFile: metrics, encoding: .utf8)
            let rehearsal = try cli.tally(
                ["run", "--config", config, "--as-of", "2026-03-12", "--dry-run"],
                environment: ["DATABASE_URL": FreshDatabase.url])
            #expect(rehearsal.status == 0, "\(rehearsal.output)")
            #expect(try Data(contentsOf: folder.appendingPathComponent("report.json")) == report)
            #expect(try String(contentsOfFile: metrics, encoding: .utf8) == recorded)
            let dry = directory.appendingPathComponent("reports/acmepay/2026-03-11_2026-03-11.dry-run/report.json")
            let run =
                try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dry)) as? [String: Any])["run"]
                as? [String: Any]
            #expect(run?["dry_run"] as? Bool == true)
            let index = try String(contentsOf: directory.appendingPathComponent("reports/index.html"), encoding: .utf8)
            let row = try #require(
                index.components(separatedBy: "<tr>").first { $0.contains("2026-03-11_2026-03-11.dry-run/report.html") })
            #expect(row.contains("DRY RUN"))
        }
    }

    @Test func theMetricsFileParsesAndIsReplacedWhole() throws {
        try withNight { directory in
            let config = directory.appendingPathComponent("tally.yml").path
            let metrics = directory.appendingPathComponent("metrics/tally.prom").path
            let first = try cli.tally(
                ["run", "--config", config, "--as-of", "2026-03-12"], environment: ["DATABASE_URL": FreshDatabase.url])
            #expect(first.status == 0, "\(first.output)")
            let inode = try FileManager.default.attributesOfItem(atPath: metrics)[.systemFileNumber] as? Int
            // a failing run of the same provider: its last success is carried, the rest is new
            let failing = try cli.tally(
                [
                    "run", "--config", config, "--provider", "acmepay", "--from", "2026-03-11", "--database-url",
                    "postgresql:///x?host=/nonexistent&port=1",
                ],
                environment: [:])
            #expect(failing.status == 69, "\(failing.output)")
            let script = """
                import json, sys
                from prometheus_client.parser import text_string_to_metric_families
                values = {}
                for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                    for sample in family.samples:
                        key = sample.name + "".join("|%s=%s" % item for item in sorted(sample.labels.items()))
                        values[key] = sample.value
                print(json.dumps(values))
                """
            let parsed = try Subprocess.run("/usr/bin/python3", ["-c", script, metrics])
            #expect(parsed.status == 0, "\(parsed.output)")
            let values = try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as! [String: Double]
            #expect(values["tally_run_exit_status|provider=acmepay"] == 69)
            #expect(values["tally_last_success_timestamp_seconds|provider=acmepay"] ?? 0 > 1_700_000_000)
            let secondInode = try FileManager.default.attributesOfItem(atPath: metrics)[.systemFileNumber] as? Int
            #expect(inode != secondInode)
            // the successful run's figures, from the first file, are gone with the failed run
            #expect(values["tally_breaks|class=amount_mismatch|provider=acmepay"] == nil)

            let again = try cli.tally(
                ["run", "--config", config, "--as-of", "2026-03-12"], environment: ["DATABASE_URL": FreshDatabase.url])
            #expect(again.status == 0, "\(again.output)")
            let reparsed = try Subprocess.run("/usr/bin/python3", ["-c", script, metrics])
            let figures = try JSONSerialization.jsonObject(with: Data(reparsed.stdout.utf8)) as! [String: Double]
            #expect(figures["tally_breaks|class=amount_mismatch|provider=acmepay"] == 2)
            #expect(figures["tally_breaks|class=duplicate_internal|provider=acmepay"] == 0)
            #expect(figures["tally_settlement_transactions|provider=acmepay"] ?? 0 > 200)
            #expect(figures["tally_rejects|provider=acmepay"] == 0)
            #expect(figures["tally_controls_failed|provider=acmepay"] == 0)
            #expect(figures["tally_amount_at_risk_minor|currency=EUR|provider=acmepay"] ?? 0 > 0)
            #expect(figures["tally_run_exit_status|provider=acmepay"] == 0)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("metrics").path)
            #expect(leftovers == ["tally.prom"])
        }
    }

    @Test func logsAreJSONLinesWithRunProviderAndPhase() throws {
        try withNight { directory in
            let result = try cli.tally(
                [
                    "run", "--config", directory.appendingPathComponent("tally.yml").path, "--as-of", "2026-03-12",
                    "--log-format", "json", "--log-level", "debug",
                ],
                environment: ["DATABASE_URL": FreshDatabase.url])
            #expect(result.status == 0, "\(result.output)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count >= 4)
            var phases: Set<String> = []
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object?["level"] != nil, "\(line)")
                if let phase = object?["phase"] as? String {
                    phases.insert(phase)
                    #expect(object?["provider"] as? String == "acmepay")
                    #expect((object?["run_id"] as? String)?.count == 36)
                }
            }
            #expect(phases.isSuperset(of: ["read", "ledger", "match", "write"]), "\(phases)")
        }
    }

    @Test func noLogLineEverHoldsThePasswordOfAURL() throws {
        try withNight { directory in
            let secret = "hunter2-\(UUID().uuidString.prefix(8))"
            let withPassword = FreshDatabase.url + "&password=\(secret)"
            let config = directory.appendingPathComponent("tally.yml").path
            let ok = try cli.tally(
                ["run", "--config", config, "--as-of", "2026-03-12", "--log-level", "trace", "--database-url", withPassword])
            #expect(ok.status == 0, "\(ok.output)")
            #expect(!ok.output.contains(secret))
            let unreachable = "postgresql://tally:\(secret)@127.0.0.1:1/payments"
            for format in ["text", "json"] {
                let failed = try cli.tally(
                    [
                        "run", "--config", config, "--as-of", "2026-03-12", "--log-level", "trace", "--log-format", format,
                        "--database-url", unreachable,
                    ])
                #expect(failed.status == 69, "\(failed.output)")
                #expect(!failed.output.contains(secret))
                #expect(failed.stderr.contains("127.0.0.1"))
            }
            let report = try String(
                contentsOf: directory.appendingPathComponent("reports/acmepay/2026-03-11_2026-03-11/report.json"), encoding: .utf8
            )
            #expect(!report.contains(secret))
        }
    }

    @Test func configCheckListsEveryProblemAndExits64() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("bad.yml")
        try Data("colour: red\nproviders: { a: { format: stripe, fail_on: loud } }\n".utf8).write(to: bad)
        let result = try cli.tally(["config", "check", "--config", bad.path])
        #expect(result.status == 64)
        #expect(result.stderr.contains("colour: unknown key"))
        #expect(result.stderr.contains("providers.a.fail_on: 'loud' is not one of high, medium, info, never"))
        let samples = try cli.tally([
            "config", "check", "--config", TestCluster.repositoryRoot.appendingPathComponent("samples/tally.yml").path,
        ])
        #expect(samples.status == 0, "\(samples.output)")
        #expect(samples.stdout.contains("acmepay: stripe"))
    }
}
