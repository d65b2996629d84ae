import Foundation
import TallyPostgres
import TallyTestFixtures
import TallyTestSupport
import Testing

/// The rule passes end to end (issue 13): `scripts/gen_residue.py` writes a bank statement, its
/// ledger, a config with five passes and the truth of every case (references in text, structured
/// creditor references, no reference at all, ties, one transfer for two orders, a near amount,
/// decoys, empty and `NOTPROVIDED` evidence); `tally run --config` against the real PostgreSQL must
/// report exactly that truth, whichever order the lines and the payments come in.
@Suite(.freshDatabase, .serialized) struct ResidueScenarioTests {
    let cli = CommandLineTests()

    /// A generated scenario in a scratch folder.
    struct Scenario {
        var directory: URL
        var truth: [String: Any]
        var file: String { directory.appendingPathComponent(truth["file"] as! String).path }
        var window: (from: String, to: String) {
            let window = truth["window"] as! [String: String]
            return (window["from"]!, window["to"]!)
        }
    }

    static func generate(_ arguments: [String]) throws -> Scenario {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-residue-\(UUID().uuidString)")
        let script = Checkout.root.appendingPathComponent("scripts/gen_residue.py").path
        let made = try Subprocess.run("/usr/bin/env", ["python3", script, "--out", directory.path] + arguments)
        #expect(made.status == 0, "\(made.output)")
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("truth.json")))
        return Scenario(directory: directory, truth: truth as! [String: Any])
    }

    /// Loads `payments.csv` as written: an empty field is NULL, `""` the empty text (the generator
    /// has both, to prove neither is evidence).
    static func load(_ scenario: Scenario) throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try TestLedger.create(db, unique: true)
        let text = try String(contentsOf: scenario.directory.appendingPathComponent("payments.csv"), encoding: .utf8)
        var columns = [[String]](repeating: [], count: 8)
        var nulls: [String] = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for (column, position) in [0, 1, 2, 3, 4, 5, 6, 8].enumerated() {
                columns[column].append(fields[position] == "\"\"" ? "" : fields[position])
            }
            nulls.append(fields[3].isEmpty ? "t" : "f")
        }
        try db.execute(
            """
            INSERT INTO payments (id, provider, provider_ref, merchant_ref, kind, amount_minor, currency, status, created_at, updated_at)
            SELECT id::bigint, provider, ref, CASE WHEN absent THEN NULL ELSE mref END, kind, amount::bigint, currency, 'succeeded',
                   created::timestamptz, created::timestamptz
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bool[])
              AS t(id, provider, ref, mref, kind, amount, currency, created, absent)
            """,
            columns.map { PostgresArray.textLiteral($0) } + [PostgresArray.textLiteral(nulls)])
    }

    /// Runs the scenario's config and returns report.json's bytes.
    func run(_ scenario: Scenario) throws -> Data {
        let window = scenario.window
        let result = try cli.tally(
            [
                "run", "--config", scenario.directory.appendingPathComponent("tally.yml").path, "--provider", "bank",
                "--from", window.from, "--to", window.to, "--file", scenario.file, "--fail-on", "never",
            ],
            environment: ["DATABASE_URL": FreshDatabase.url])
        #expect(result.status == 0, "\(result.output)")
        let report = scenario.directory.appendingPathComponent("reports/bank/\(window.from)_\(window.to)/report.json")
        try SchemaValidation.validate(report)
        return try Data(contentsOf: report)
    }

    /// The parts of each break the truth names, in report order.
    static func breaks(_ report: [String: Any]) -> [String] {
        (report["breaks"] as! [[String: Any]]).map { item in
            let candidates = (item["candidates"] as? [[String: Any]])?.compactMap { $0["reference"] as? String }
            return Self.line(
                item["class"] as! String, item["reference"] as! String, item["kind"] as? String ?? "",
                item["matched_by"] as? String, candidates ?? [])
        }
    }

    static func truthBreaks(_ truth: [String: Any]) -> [String] {
        (truth["breaks"] as! [[String: Any]]).map { item in
            line(
                item["class"] as! String, item["reference"] as! String, item["kind"] as! String, item["matched_by"] as? String,
                item["candidates"] as? [String] ?? [])
        }
    }

    static func line(_ breakClass: String, _ reference: String, _ kind: String, _ matchedBy: String?, _ candidates: [String])
        -> String
    {
        "\(breakClass) \(reference) \(kind) by \(matchedBy ?? "-")" + (candidates.isEmpty ? "" : " of \(candidates.sorted())")
    }

    /// The run equals the truth: every break, the pairs per pass, the lines read.
    func check(_ scenario: Scenario, _ data: Data) throws {
        let report = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let found = Self.breaks(report)
        let expected = Self.truthBreaks(scenario.truth)
        #expect(found.count > 40, "the scenario is too small to prove anything")
        #expect(found == expected, "\(CollectionDifference(found.difference(from: expected)).map { "\($0)" })")
        let summary = report["summary"] as! [String: Any]
        let matchedBy = (summary["matched_by"] as! [String: Int]).filter { $0.value > 0 }
        #expect(matchedBy == (scenario.truth["matched_by"] as! [String: Int]).filter { $0.value > 0 })
        #expect(summary["settlement_transactions"] as? Int == scenario.truth["settlement_transactions"] as? Int)
        #expect((report["rejects"] as? [Any] ?? []).isEmpty)
    }

    @Test(arguments: ["camt053", "csv"]) func theRunEqualsTheTruth(_ format: String) throws {
        let scenario = try Self.generate(["--format", format])
        defer { try? FileManager.default.removeItem(at: scenario.directory) }
        try Self.load(scenario)
        try check(scenario, try run(scenario))
    }

    /// `tally explain` shows which passes looked at a line, what each saw, and which one decided:
    /// for a row two lines tie over, for a line no pass could pair, for a row a pass matched.
    @Test func explainTracesThePasses() throws {
        let scenario = try Self.generate(["--format", "csv"])
        defer { try? FileManager.default.removeItem(at: scenario.directory) }
        try Self.load(scenario)
        let report = try JSONSerialization.jsonObject(with: try run(scenario)) as! [String: Any]
        func explain(_ reference: String) throws -> [String: Any] {
            let result = try cli.tally(
                ["explain", reference, "--provider", "bank", "--json"], environment: ["DATABASE_URL": FreshDatabase.url])
            #expect(result.status == 0, "\(result.output)")
            return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        }
        func traces(_ explanation: [String: Any]) -> [[String: Any]] { explanation["rule_passes"] as! [[String: Any]] }
        let truth = scenario.truth["breaks"] as! [[String: Any]]

        let tie = try #require(truth.first { $0["class"] as? String == "ambiguous_match" })
        let row = (tie["candidates"] as! [String])[0]
        let tied = traces(try explain(row))
        #expect(tied.count == 2, "both lines that want \(row): \(tied)")
        for trace in tied {
            #expect(trace["outcome"] as? String == "ambiguous_match")
            let steps = trace["passes"] as! [[String: Any]]
            #expect(
                steps.map { $0["pass"] as! String }.prefix(4) == [
                    "remittance-is-order", "order-in-text", "creditor-reference", "same-amount-near-date",
                ])
            #expect(steps[3]["verdict"] as? String == "ambiguous")
            #expect((steps[3]["note"] as? String ?? "").contains(row))
        }

        let lonely = try #require(
            truth.first {
                $0["class"] as? String == "missing_internally" && ($0["reference"] as! String).hasPrefix("(no reference)")
            })
        let missed = traces(try explain(lonely["reference"] as! String))
        let steps = try #require(missed.first?["passes"] as? [[String: Any]])
        #expect(steps.count == 5, "every pass looked at it: \(steps)")
        #expect(steps.allSatisfy { ["no_candidate", "bounded"].contains($0["verdict"] as! String) })

        let matches = try #require(report["rule_matches"] as? [[String: Any]])
        let byText = try #require(matches.first { $0["pass"] as? String == "order-in-text" })
        let paired = ((byText["ledger"] as! [[String: Any]])[0]["reference"] as! String)
        let explanation = try explain(paired)
        let trace = try #require(traces(explanation).first)
        #expect(trace["outcome"] as? String == "matched")
        #expect(trace["matched_by"] as? String == "order-in-text")
        #expect(((trace["passes"] as! [[String: Any]]).last?["verdict"] as? String) == "paired")
        #expect((explanation["notes"] as! [String]).contains { $0.contains("matched by the rule pass order-in-text") })
    }

    /// Shuffled payments give the same report bytes; a shuffled statement gives the same answer
    /// (its lines' numbers move, and the truth moves with them).
    @Test func orderDoesNotMatter() throws {
        let sorted = try Self.generate([])
        let shuffled = try Self.generate(["--shuffle", "7"])
        defer {
            try? FileManager.default.removeItem(at: sorted.directory)
            try? FileManager.default.removeItem(at: shuffled.directory)
        }
        try Self.load(sorted)
        let first = try run(sorted)
        try check(sorted, first)
        try Self.load(shuffled)
        try check(shuffled, try run(shuffled))

        // the same statement against the payments inserted in the shuffled order
        try FileManager.default.removeItem(at: sorted.directory.appendingPathComponent("payments.csv"))
        try FileManager.default.copyItem(
            at: shuffled.directory.appendingPathComponent("payments.csv"),
            to: sorted.directory.appendingPathComponent("payments.csv"))
        try Self.load(sorted)
        let again = try run(sorted)
        #expect(Self.stable(again) == Self.stable(first))
    }

    /// report.json without what differs from run to run by design (the run's id and times).
    static func stable(_ data: Data) -> String {
        var report = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        for key in ["run", "delta", "resolved", "open_items"] { report[key] = nil }
        var breaks = report["breaks"] as! [[String: Any]]
        for index in breaks.indices {
            for key in ["first_seen", "age_days", "new"] { breaks[index][key] = nil }
        }
        report["breaks"] = breaks
        return RerunDeterminismTests.canonical(report)
    }
}
