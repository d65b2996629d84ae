import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// `tally explain` through the built binary, after a real run of StripeScenario.everyClass().
@Suite(.freshDatabase, .serialized) struct ExplainCommandTests {
    let cli = CommandLineTests()

    func explain(_ arguments: [String]) throws -> (Subprocess.Result, [String: Any]) {
        let result = try cli.tally(["explain"] + arguments + ["--database-url", FreshDatabase.url, "--json"])
        let object = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return (result, object)
    }

    func outcomes(_ object: [String: Any]) -> [[String: Any]] { object["outcomes"] as? [[String: Any]] ?? [] }
    func count(_ object: [String: Any], _ key: String) -> Int { (object[key] as? [Any])?.count ?? -1 }

    /// Runs the scenario once and hands over the settlement file.
    func withRun<R>(_ body: (_ file: String) throws -> R) throws -> R {
        try cli.withScenario { file, out in
            let db = try PostgresConnection(url: FreshDatabase.url)
            try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
            let run = try cli.tally(cli.runArguments(file, out) + ["--database-url", FreshDatabase.url])
            #expect(run.status == 0, "\(run.output)")
            return try body(file)
        }
    }

    @Test func everyExpectedBreakIsExplainedWithItsRule() throws {
        let scenario = StripeScenario.everyClass()
        try withRun { file in
            for expected in scenario.expected {
                let (result, object) = try explain([expected.reference, "--kind", expected.kind])
                #expect(result.status == 0, "\(expected): \(result.output)")
                let found = outcomes(object).filter { $0["class"] as? String == expected.breakClass }
                #expect(found.count == 1, "\(expected): \(result.stdout)")
                let rule = found.first?["rule"] as? String ?? ""
                #expect(rule.hasPrefix(expected.breakClass + ":"), "\(expected): \(rule)")
                #expect(found.first?["first_seen"] as? String == "2026-03-11")
                let history = object["history"] as? [String: Any] ?? [:]
                #expect(history["first_seen"] as? String == "2026-03-11", "\(expected)")
                #expect((history["runs"] as? [Any])?.count == 1, "\(expected)")
                let hasLedgerRow = found.first?["ledger"] is [String: Any]
                let hasLine = found.first?["provider"] is [String: Any]
                switch expected.breakClass {
                case "missing_in_provider":
                    #expect(!hasLine && hasLedgerRow && count(object, "settlement_lines") == 0)
                case "missing_internally":
                    #expect(hasLine && !hasLedgerRow && count(object, "ledger_rows") == 0)
                    #expect((object["settlement_lines"] as? [[String: Any]])?.first?["file"] as? String == file)
                default:
                    #expect(hasLine && hasLedgerRow, "\(expected): \(result.stdout)")
                }
                if expected.breakClass != "timing_difference" {
                    #expect((history["open_items"] as? [Any])?.count == 1, "\(expected)")
                }
            }
        }
    }

    @Test func rulesNameTheValuesTheyCompared() throws {
        try withRun { _ in
            let cases: [(String, String)] = [
                (
                    "ch_amount",
                    "amount_mismatch: provider 100.01 EUR ≠ ledger 100.00 EUR, difference 0.01 EUR, tolerance 0.00 EUR"
                ),
                ("ch_currency", "currency_mismatch: provider USD ≠ ledger EUR (provider 100.00 USD, ledger 100.00 EUR)"),
                ("ch_failed", "status_mismatch: ledger status failed; a charge settles only when succeeded or refunded"),
                (
                    "ch_late_ledger",
                    "timing_difference: ledger row created 2026-03-08 23:00 UTC, before the window 2026-03-10..2026-03-11 but within the 3-day lookback"
                ),
                (
                    "ch_old",
                    "timing_difference: ledger row created 2026-02-20 10:00 UTC, before the streamed range 2026-03-07..2026-03-12; found by the lookup outside it"
                ),
                (
                    "ch_ahead",
                    "timing_difference: ledger row created 2026-03-12 00:00 UTC, after the window 2026-03-10..2026-03-11 but within the 1-day lookahead"
                ),
            ]
            for (reference, rule) in cases {
                let text = try cli.tally(["explain", reference, "--database-url", FreshDatabase.url])
                #expect(text.status == 0, "\(text.output)")
                #expect(text.stdout.contains(rule), "\(reference): \(text.stdout)")
            }
            // ch_currency_amount names both fields that differ
            let (_, both) = try explain(["ch_currency_amount"])
            #expect((outcomes(both).first?["rule"] as? String)?.hasSuffix("fields that differ: currency, amount") == true)
            // the repeated line is explained next to the first, which matched
            let (_, twice) = try explain(["ch_twice"])
            #expect(outcomes(twice).map { $0["class"] as? String } == ["matched", "duplicate_in_provider"])
            #expect(count(twice, "settlement_lines") == 2)
        }
    }

    @Test func aMatchedReferenceShowsItsLineAFreshLedgerRowAndNoHistory() throws {
        try withRun { file in
            let (result, object) = try explain(["ch_clean_0"])
            #expect(result.status == 0, "\(result.output)")
            #expect(outcomes(object).map { $0["class"] as? String } == ["matched"])
            let rule = outcomes(object).first?["rule"] as? String ?? ""
            #expect(rule.hasPrefix("matched: provider "), "\(rule)")
            let rows = object["ledger_rows"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["source"] as? String } == ["lookup"])
            let lines = object["settlement_lines"] as? [[String: Any]] ?? []
            #expect(lines.map { $0["source"] as? String } == ["file"])
            #expect(lines.first?["file"] as? String == file)
            #expect((object["run"] as? [String: Any])?["current"] as? Bool == true)
            let history = object["history"] as? [String: Any] ?? [:]
            #expect(history["first_seen"] is NSNull)
            let text = try cli.tally(["explain", "ch_clean_0", "--database-url", FreshDatabase.url])
            #expect(text.stdout.contains("never a break"))
        }
    }

    @Test func helpHasAnExampleAndTheExitCodes() throws {
        let help = try cli.tally(["explain", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("tally explain ch_3PqX2a --provider acmepay"))
        let flowed = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flowed.contains("66 neither the store nor the ledger knows the reference"), "\(help.stdout)")
    }

    @Test func unknownAmbiguousAndWrongRun() throws {
        try withRun { file in
            let (unknown, _) = try explain(["ch_nowhere"])
            #expect(unknown.status == 66, "\(unknown.output)")
            #expect(unknown.stderr.contains("ch_nowhere is unknown"))
            let db = try PostgresConnection(url: FreshDatabase.url)
            try TestLedger.insert(
                [
                    PaymentRow(
                        id: 9_001, provider: "acmepay", reference: "ch_both", amountMinor: 1, createdAt: "2026-04-01 10:00:00+00"),
                    PaymentRow(
                        id: 9_002, provider: "otherpay", reference: "ch_both", amountMinor: 1, createdAt: "2026-04-01 10:00:00+00"
                    ),
                ], into: db)
            let (ambiguous, _) = try explain(["ch_both"])
            #expect(ambiguous.status == 64, "\(ambiguous.output)")
            #expect(ambiguous.stderr.contains("acmepay, otherpay"))
            let (chosen, object) = try explain(["ch_both", "--provider", "otherpay"])
            #expect(chosen.status == 0, "\(chosen.output)")
            #expect(object["run"] is NSNull)
            #expect(count(object, "ledger_rows") == 1)
            let (wrongRun, _) = try explain(["ch_amount", "--run", "ffffffff"])
            #expect(wrongRun.status == 64, "\(wrongRun.output)")
            // --run with a prefix, and a file that is gone: lines come from the store
            let runID = try db.query("SELECT id::text FROM tally.runs").first!.first!!
            try FileManager.default.moveItem(atPath: file, toPath: file + ".moved")
            defer { try? FileManager.default.moveItem(atPath: file + ".moved", toPath: file) }
            let (moved, gone) = try explain(["ch_amount", "--run", String(runID.prefix(8))])
            #expect(moved.status == 0, "\(moved.output)")
            #expect((gone["settlement_lines"] as? [[String: Any]])?.map { $0["source"] as? String } == ["store"])
            #expect((gone["notes"] as? [String])?.contains { $0.contains("cannot be read here") } == true)
        }
    }
}

/// The two classes StripeScenario.everyClass() cannot produce: duplicate_internal (a ledger
/// without a unique key) and control_mismatch (a Stripe line whose gross − fee ≠ net).
@Suite(.freshDatabase, .serialized) struct ExplainLedgerAndControlTests {
    let cli = CommandLineTests()

    @Test func duplicateInternalAndControlMismatch() throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try TestLedger.create(db, unique: false)
        try TestLedger.insert(
            [
                PaymentRow(id: 1, reference: "ch_dup", amountMinor: 100, createdAt: "2026-03-10 10:00:00+00"),
                PaymentRow(id: 2, reference: "ch_dup", amountMinor: 100, createdAt: "2026-03-10 11:00:00+00"),
            ], into: db)
        var scenario = StripeScenario()
        scenario.line("ch_dup", category: "charge", gross: "1.00", currency: "EUR")
        scenario.line("ch_off", category: "payout", gross: "-10.00", currency: "EUR", fee: "1.00", net: "-12.00")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-explain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("stripe.csv").path
        try scenario.csv().write(to: URL(fileURLWithPath: file))
        let run = try cli.tally(
            cli.runArguments(file, directory.appendingPathComponent("out").path, to: "2026-03-10") + [
                "--database-url", FreshDatabase.url,
            ])
        #expect(run.status == 0, "\(run.output)")

        let duplicate = try cli.tally(["explain", "ch_dup", "--database-url", FreshDatabase.url, "--json"])
        #expect(duplicate.status == 0, "\(duplicate.output)")
        let object = try JSONSerialization.jsonObject(with: Data(duplicate.stdout.utf8)) as! [String: Any]
        let outcomes = object["outcomes"] as! [[String: Any]]
        #expect(outcomes.map { $0["class"] as? String } == ["matched", "duplicate_internal"])
        #expect(
            (outcomes.last?["rule"] as? String)?.hasPrefix("duplicate_internal: more than one ledger row has (ch_dup, charge)")
                == true)
        // the duplicate as the run stored it, and the row the first line matched, looked up now
        let rows = object["ledger_rows"] as? [[String: Any]] ?? []
        #expect(rows.map { $0["source"] as? String } == ["store", "lookup"])
        #expect((object["notes"] as? [Any])?.isEmpty == true, "\(object)")

        let control = try cli.tally([
            "explain", "stripe: gross - fee = net on every line", "--provider", "acmepay", "--database-url", FreshDatabase.url,
        ])
        #expect(control.status == 0, "\(control.output)")
        #expect(
            control.stdout.contains("control_mismatch: the file's control 'stripe: gross - fee = net on every line' did not hold")
        )
    }
}
