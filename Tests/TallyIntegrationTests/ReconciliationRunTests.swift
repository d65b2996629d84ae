import Foundation
import TallyCore
import TallyEngine
import TallyIngest
import TallyPostgres
import TallyReport
import TallyTestSupport
import Testing

/// End to end through the engine against the real PostgreSQL: files in, report.json out.
@Suite(.freshDatabase, .serialized) struct ReconciliationRunTests {
    let window = (from: CivilDate(iso: "2026-03-10")!, to: CivilDate(iso: "2026-03-11")!)

    func withScratch<R>(_ body: (URL) throws -> R) throws -> R {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    func prepare(_ rows: [PaymentRow], unique: Bool = true) throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try TestLedger.create(db, unique: unique)
        try TestLedger.insert(rows, into: db)
    }

    func run(_ files: [URL], out: URL, timezone: String = "UTC", allowEmptyLedger: Bool = false) throws
        -> (ReconciliationRun.Outcome, [String: Any])
    {
        var options = RunOptions(
            provider: "acmepay", format: .stripe, files: files.map(\.path), from: window.from, to: window.to,
            timezone: timezone, databaseURL: FreshDatabase.url, outDirectory: out.path)
        options.allowEmptyLedger = allowEmptyLedger
        let outcome = try ReconciliationRun(options: options).run()
        let data = try Data(contentsOf: out.appendingPathComponent("report.json"))
        return (outcome, try JSONSerialization.jsonObject(with: data) as! [String: Any])
    }

    static func breakKeys(_ report: [String: Any]) -> [StripeScenario.Expected] {
        (report["breaks"] as! [[String: Any]]).map {
            StripeScenario.Expected(
                breakClass: $0["class"] as! String, reference: $0["reference"] as! String, kind: $0["kind"] as! String)
        }
    }

    @Test func everyBreakClassComesOutExactly() throws {
        let scenario = StripeScenario.everyClass()
        try prepare(scenario.rows)
        try withScratch { scratch in
            let file = scratch.appendingPathComponent("stripe.csv")
            try scenario.csv().write(to: file)
            let (outcome, report) = try run([file], out: scratch.appendingPathComponent("out"))
            #expect(Self.breakKeys(report) == scenario.expected)
            let summary = report["summary"] as! [String: Any]
            let transactions = scenario.lines.filter { ["charge", "refund", "dispute"].contains($0[7]) }.count
            #expect(summary["settlement_transactions"] as? Int == transactions)
            #expect(
                summary["matched"] as? Int == transactions
                    - scenario.expected.filter { $0.breakClass != "missing_in_provider" }.count)
            #expect(outcome.report.result.rejects.isEmpty)
            let classes = summary["breaks"] as! [String: [String: Any]]
            #expect(classes["amount_mismatch"]?["count"] as? Int == 2)
            #expect(classes["amount_mismatch"]?["amount_minor_by_currency"] as? [String: Int] == ["EUR": 1, "JPY": 1])
            #expect(classes["duplicate_internal"]?["count"] as? Int == 0)
            let nonTransactions = summary["non_transactions"] as! [[String: Any]]
            #expect(nonTransactions.count == 3)
            #expect(nonTransactions.first { $0["currency"] as? String == "JPY" }?["gross_minor"] as? Int == -50_000)
            // both sides of a break, with the provider file and line
            let breaks = report["breaks"] as! [[String: Any]]
            let currency = breaks.first { $0["reference"] as? String == "ch_currency_amount" }!
            #expect(currency["differences"] as? [String] == ["currency", "amount"])
            #expect((currency["provider"] as? [String: Any])?["currency"] as? String == "GBP")
            #expect((currency["ledger"] as? [String: Any])?["amount_minor"] as? Int == 10_000)
            let ghost = breaks.first { $0["reference"] as? String == "ch_ghost" }!
            #expect(ghost["ledger"] is NSNull)
            #expect((ghost["provider"] as? [String: Any])?["file"] as? String == file.path)
            let unsettled = breaks.first { $0["reference"] as? String == "ch_unsettled" }!
            #expect(unsettled["provider"] is NSNull)
            #expect(unsettled["severity"] as? String == "medium")
            let files = (report["run"] as! [String: Any])["files"] as! [[String: Any]]
            #expect((files[0]["sha256"] as? String)?.count == 64)
            #expect(files[0]["records"] as? Int == scenario.lines.count)
            try SchemaValidation.validate(scratch.appendingPathComponent("out/report.json"))
        }
    }

    @Test func rerunningAWindowSupersedesAndGivesTheSameBreaks() throws {
        let scenario = StripeScenario.everyClass()
        try prepare(scenario.rows)
        try withScratch { scratch in
            let file = scratch.appendingPathComponent("stripe.csv")
            try scenario.csv().write(to: file)
            let (first, reportA) = try run([file], out: scratch.appendingPathComponent("a"))
            let (second, reportB) = try run([file], out: scratch.appendingPathComponent("b"))
            func facts(_ report: [String: Any]) -> [NSDictionary] {
                (report["breaks"] as! [[String: Any]]).map { $0 as NSDictionary }
            }
            // the rerun gives the first run's answer, new flags and delta included
            #expect(facts(reportA) == facts(reportB))
            #expect((reportA["run"] as! [String: Any])["supersedes"] is NSNull)
            #expect((reportB["run"] as! [String: Any])["supersedes"] as? String == first.report.runID)
            #expect((reportA["delta"] as? [String: Int]) == ["new": 12, "persisting": 0, "resolved": 0])
            #expect((reportB["delta"] as? [String: Int]) == ["new": 12, "persisting": 0, "resolved": 0])
            // breaks.csv: the same bytes but for the run_id column
            let csvA = try String(contentsOf: scratch.appendingPathComponent("a/breaks.csv"), encoding: .utf8)
            let csvB = try String(contentsOf: scratch.appendingPathComponent("b/breaks.csv"), encoding: .utf8)
            #expect(
                csvA.replacingOccurrences(of: first.report.runID, with: "RUN")
                    == csvB.replacingOccurrences(of: second.report.runID, with: "RUN"))
            #expect(csvB.contains(second.report.runID))
            // history: two runs of the window, the first superseded by the second
            let db = try PostgresConnection(url: FreshDatabase.url)
            let runs = try db.query("SELECT id::text, superseded_by::text, state FROM tally.runs ORDER BY started_at")
            #expect(runs.map { $0[0] } == [first.report.runID, second.report.runID])
            #expect(runs[0][1] == second.report.runID)
            #expect(runs.map { $0[2] } == ["succeeded", "succeeded"])
            let stored = try db.query("SELECT count(*) FROM tally.breaks WHERE run_id = $1::uuid", [second.report.runID])
            #expect(stored.first?.first == String(scenario.expected.count))
        }
    }

    @Test func emptyLedger() throws {
        try prepare([])
        try withScratch { scratch in
            var scenario = StripeScenario()
            scenario.line("ch_a", category: "charge", gross: "1.00", currency: "EUR")
            let file = scratch.appendingPathComponent("stripe.csv")
            try scenario.csv().write(to: file)
            // without the flag the run stops: an empty ledger is usually a mistyped provider
            #expect(throws: RunError.self) { try run([file], out: scratch.appendingPathComponent("refused")) }
            let (outcome, report) = try run([file], out: scratch.appendingPathComponent("out"), allowEmptyLedger: true)
            #expect(outcome.report.result.ledgerRowsStreamed == 0)
            #expect(Self.breakKeys(report).map(\.breakClass) == ["missing_internally"])
        }
    }

    @Test func fileWithoutTransactions() throws {
        try prepare([
            PaymentRow(id: 1, reference: "ch_x", amountMinor: 100, createdAt: "2026-03-10 10:00:00+00"),
            PaymentRow(id: 2, reference: "ch_y", amountMinor: 100, status: "failed", createdAt: "2026-03-10 10:00:00+00"),
        ])
        try withScratch { scratch in
            var scenario = StripeScenario()
            scenario.line("po_1", category: "payout", gross: "-10.00", currency: "EUR")
            let file = scratch.appendingPathComponent("stripe.csv")
            try scenario.csv().write(to: file)
            let (outcome, report) = try run([file], out: scratch.appendingPathComponent("out"))
            #expect(outcome.report.result.settlementTransactions == 0)
            #expect(Self.breakKeys(report) == [.init(breakClass: "missing_in_provider", reference: "ch_x", kind: "charge")])
            try SchemaValidation.validate(scratch.appendingPathComponent("out/report.json"))
        }
    }

    @Test func duplicateLedgerRowsInATableWithoutAUniqueKey() throws {
        try prepare(
            [
                PaymentRow(id: 1, reference: "ch_dup", amountMinor: 100, createdAt: "2026-03-10 10:00:00+00"),
                PaymentRow(id: 2, reference: "ch_dup", amountMinor: 100, createdAt: "2026-03-10 11:00:00+00"),
                PaymentRow(id: 3, reference: "ch_dup_alone", amountMinor: 5, createdAt: "2026-03-10 10:00:00+00"),
                PaymentRow(id: 4, reference: "ch_dup_alone", amountMinor: 5, createdAt: "2026-03-11 10:00:00+00"),
            ], unique: false)
        try withScratch { scratch in
            var scenario = StripeScenario()
            scenario.line("ch_dup", category: "charge", gross: "1.00", currency: "EUR")
            let file = scratch.appendingPathComponent("stripe.csv")
            try scenario.csv().write(to: file)
            let (_, report) = try run([file], out: scratch.appendingPathComponent("out"))
            #expect(
                Self.breakKeys(report) == [
                    .init(breakClass: "duplicate_internal", reference: "ch_dup", kind: "charge"),
                    .init(breakClass: "duplicate_internal", reference: "ch_dup_alone", kind: "charge"),
                    .init(breakClass: "missing_in_provider", reference: "ch_dup_alone", kind: "charge"),
                ])
        }
    }

    @Test func windowInATimeZoneEastOfUTC() throws {
        // In Asia/Tokyo the window 2026-03-10..11 is [03-09T15:00Z, 03-11T15:00Z).
        try prepare([
            PaymentRow(id: 1, reference: "ch_tokyo_first", amountMinor: 100, createdAt: "2026-03-09 15:00:00+00"),
            PaymentRow(id: 2, reference: "ch_tokyo_after", amountMinor: 100, createdAt: "2026-03-11 15:00:00+00"),
        ])
        try withScratch { scratch in
            var scenario = StripeScenario()
            scenario.line("ch_tokyo_first", category: "charge", gross: "1.00", currency: "EUR")
            scenario.line("ch_tokyo_after", category: "charge", gross: "1.00", currency: "EUR")
            let file = scratch.appendingPathComponent("stripe.csv")
            try scenario.csv().write(to: file)
            let (outcome, report) = try run([file], out: scratch.appendingPathComponent("out"), timezone: "Asia/Tokyo")
            #expect(outcome.report.result.matched == 1)
            #expect(
                Self.breakKeys(report) == [.init(breakClass: "timing_difference", reference: "ch_tokyo_after", kind: "charge")])
        }
    }
}

/// The shipped samples (what `make run` reconciles) give exactly `samples/expected-breaks.json`.
@Suite(.freshDatabase) struct SampleTests {
    @Test func samplesGiveTheExpectedBreaks() throws {
        let root = TestCluster.repositoryRoot.appendingPathComponent("samples")
        let db = try PostgresConnection(url: FreshDatabase.url)
        try SampleLedger.load(into: db)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tally-samples-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let options = RunOptions(
            provider: "acmepay", format: .stripe,
            files: [root.appendingPathComponent("stripe/acmepay_2026-03-10_2026-03-11.csv").path],
            from: CivilDate(iso: "2026-03-10")!, to: CivilDate(iso: "2026-03-11")!, databaseURL: FreshDatabase.url,
            outDirectory: out.path)
        let outcome = try ReconciliationRun(options: options).run()
        let expected =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: root.appendingPathComponent("expected-breaks.json"))) as! [[String: String]]
        #expect(
            outcome.report.result.breaks.map {
                ["class": $0.breakClass.rawValue, "reference": $0.reference, "kind": $0.kind.name]
            } == expected)
        #expect(outcome.report.result.rejects.isEmpty)
        #expect(outcome.report.result.nonTransactions.sorted.map(\.key.category) == ["fee", "fee", "payout", "payout"])
        try SchemaValidation.validate(out.appendingPathComponent("report.json"))

        // The second night, after the overnight corrections: some items resolve, the rest age.
        try SampleLedger.applyNightTwoCorrections(to: db)
        let nightTwo = RunOptions(
            provider: "acmepay", format: .stripe, files: [root.appendingPathComponent("stripe/acmepay_2026-03-12.csv").path],
            from: CivilDate(iso: "2026-03-12")!, to: CivilDate(iso: "2026-03-12")!, databaseURL: FreshDatabase.url,
            outDirectory: out.appendingPathComponent("night2").path)
        let second = try ReconciliationRun(options: nightTwo).run()
        let expectedTwo =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: root.appendingPathComponent("expected-night2.json"))) as! [String: Any]
        #expect(
            second.report.breaks.map {
                ["class": $0.item.breakClass.rawValue, "reference": $0.item.reference, "kind": $0.item.kind.name]
            }
                == expectedTwo["breaks"] as! [[String: String]])
        #expect(
            second.report.history.resolved.map {
                [
                    "reference": $0.reference, "kind": $0.kind.name, "class": $0.breakClass.rawValue,
                    "resolved_as": $0.resolvedAs.rawValue,
                ]
            } == expectedTwo["resolved"] as! [[String: String]])
        let delta = expectedTwo["delta"] as! [String: Int]
        #expect(second.report.history.newCount == delta["new"])
        #expect(second.report.history.persistingCount == delta["persisting"])
        #expect(!second.report.history.visibleOpen.isEmpty, "nothing to check: the assertion below would hold vacuously")
        #expect(second.report.history.visibleOpen.allSatisfy { $0.age(on: CivilDate(iso: "2026-03-12")!) == 1 })
        try SchemaValidation.validate(out.appendingPathComponent("night2/report.json"))
        // The store's earlier windows feed the breaks-per-window chart of the second night only.
        #expect(outcome.report.earlierWindows.isEmpty)
        #expect(second.report.earlierWindows == [outcome.report.windowBreaks])
        #expect(outcome.report.windowBreaks.high == outcome.report.breaks.filter { $0.item.severity == .high }.count)
        let page = try String(contentsOf: out.appendingPathComponent("night2/report.html"), encoding: .utf8)
        #expect(page.contains("id=\"chart-nights\""))
    }
}
