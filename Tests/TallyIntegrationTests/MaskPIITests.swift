import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// `--mask-pii`: personal data a provider wrote never reaches the reports, stdout or stderr, while
/// references and amounts stay.
@Suite(.freshDatabase, .serialized) struct MaskPIITests {
    let cli = CommandLineTests()

    static let secrets = ["jane.doe@example.com", "Jane Doe", "4242 4242 4242 4242", "Mr SMITH"]

    /// A Stripe file with a clean charge whose reference holds card-like digits, a payout whose
    /// category names a person, and rejects quoting an e-mail address and a card number.
    func withFile<R>(_ body: (_ file: String, _ out: String) throws -> R) throws -> R {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try TestLedger.create(db)
        try TestLedger.insert(
            [PaymentRow(id: 1, reference: "ch_4242424242424242", amountMinor: 1_250, createdAt: "2026-03-10 10:00:00+00")],
            into: db)
        var scenario = StripeScenario()
        scenario.line("ch_4242424242424242", category: "charge", gross: "12.50", currency: "EUR")
        scenario.line("po_1", category: "payout to Jane Doe", gross: "-12.50", currency: "EUR")
        scenario.line("ch_bad_currency", category: "charge", gross: "1.00", currency: "jane.doe@example.com")
        scenario.line("ch_bad_gross", category: "charge", gross: "4242 4242 4242 4242", currency: "EUR")
        scenario.line("ch_bad_name", category: "charge", gross: "Mr SMITH", currency: "EUR")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-pii-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("stripe.csv")
        try scenario.csv().write(to: file)
        return try body(file.path, directory.appendingPathComponent("out").path)
    }

    func everything(_ result: Subprocess.Result, out: String) throws -> String {
        let reports = try ["report.json", "report.html", "breaks.csv"].map {
            try String(contentsOfFile: out + "/" + $0, encoding: .utf8)
        }
        return ([result.stdout, result.stderr] + reports).joined(separator: "\n")
    }

    @Test func runMasksReportsAndConsoleButKeepsReferencesAndAmounts() throws {
        try withFile { file, out in
            let arguments = cli.runArguments(file, out, to: "2026-03-10") + ["--database-url", FreshDatabase.url]
            let plain = try cli.tally(arguments)
            #expect(plain.status == 0, "\(plain.output)")
            let unmasked = try everything(plain, out: out)
            for secret in Self.secrets { #expect(unmasked.contains(secret), "the test file must carry \(secret)") }

            let masked = try cli.tally(arguments + ["--mask-pii"])
            #expect(masked.status == 0, "\(masked.output)")
            let text = try everything(masked, out: out)
            for secret in Self.secrets { #expect(!text.contains(secret), "\(secret) leaked") }
            let json =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/report.json")))
                as! [String: Any]
            let rejects = (json["rejects"] as! [[String: Any]]).map { $0["reason"] as! String }
            #expect(rejects.contains { $0.contains("'[email]'") })
            #expect(rejects.contains { $0.contains("'[card]'") })
            #expect(rejects.contains { $0.contains("'[name]'") })
            let summary = json["summary"] as! [String: Any]
            let categories = (summary["non_transactions"] as! [[String: Any]]).map { $0["category"] as! String }
            #expect(categories == ["payout to [name]"])
            #expect(summary["matched"] as? Int == 1)
            #expect((summary["non_transactions"] as! [[String: Any]]).first?["gross_minor"] as? Int == -1_250)
            // the run's options record that it was masked
            let db = try PostgresConnection(url: FreshDatabase.url)
            let options = try db.query("SELECT options->>'mask_pii' FROM tally.runs ORDER BY started_at DESC LIMIT 1")
            #expect(options.first?.first == "true")
        }
    }

    @Test func tooManyRejectsErrorIsMasked() throws {
        try withFile { file, out in
            let arguments =
                cli.runArguments(file, out, to: "2026-03-10") + [
                    "--database-url", FreshDatabase.url, "--max-rejects", "0", "--mask-pii",
                ]
            let result = try cli.tally(arguments)
            #expect(result.status == 65, "\(result.output)")
            #expect(result.stderr.contains("'[email]'"), "\(result.stderr)")
            for secret in Self.secrets { #expect(!result.output.contains(secret)) }
            let db = try PostgresConnection(url: FreshDatabase.url)
            let stored = try db.query("SELECT error FROM tally.runs WHERE state = 'failed'")
            let error = stored.first?.first ?? nil
            #expect(error?.contains("[email]") == true, "\(stored)")
            for secret in Self.secrets { #expect(error?.contains(secret) == false) }
        }
    }

    @Test func inspectMasksToo() throws {
        try withFile { file, _ in
            for format in [[], ["--json"]] {
                let plain = try cli.tally(["inspect", file] + format)
                #expect(plain.status == 0, "\(plain.output)")
                #expect(plain.stdout.contains("jane.doe@example.com") && plain.stdout.contains("Jane Doe"))
                let masked = try cli.tally(["inspect", file, "--mask-pii"] + format)
                #expect(masked.status == 0, "\(masked.output)")
                for secret in Self.secrets { #expect(!masked.stdout.contains(secret), "\(secret) leaked") }
                #expect(masked.stdout.contains("ch_4242424242424242"))
            }
        }
    }
}
