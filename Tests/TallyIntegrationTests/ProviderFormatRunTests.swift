import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// `tally run --format adyen` and `--format paypal` through the built binary against the real
/// PostgreSQL: a generated file with breaks of every class, including a broken control total, must
/// give exactly those breaks.
@Suite(.freshDatabase, .serialized) struct ProviderFormatRunTests {
    let cli = CommandLineTests()

    struct Found: Hashable, Comparable, CustomStringConvertible {
        var breakClass: String
        var reference: String
        var kind: String?
        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.breakClass, lhs.reference, lhs.kind ?? "") < (rhs.breakClass, rhs.reference, rhs.kind ?? "")
        }
        var description: String { "\(breakClass) \(reference) \(kind ?? "-")" }
    }

    /// Loads the scenario's ledger (without the unique key, so a duplicate can be stored), writes the
    /// file, runs `tally run` and returns the exit status, stdout, report.json and report.html.
    func run(_ scenario: ProviderScenario, format: String, file data: Data) throws -> (Int32, String, [String: Any], String) {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try TestLedger.create(db, unique: false)
        try TestLedger.insert(scenario.rows, into: db)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-\(format)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("settlement.csv")
        try data.write(to: file)
        let out = directory.appendingPathComponent("out")
        let result = try cli.tally([
            "run", "--provider", scenario.provider, "--format", format, "--file", file.path, "--from", "2026-03-10",
            "--to", "2026-03-11", "--out", out.path, "--database-url", FreshDatabase.url,
        ])
        guard result.status == 0 else { return (result.status, result.output, [:], "") }
        try SchemaValidation.validate(out.appendingPathComponent("report.json"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json")))
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        return (result.status, result.stdout, report as! [String: Any], html)
    }

    static func found(_ report: [String: Any]) -> [Found] {
        (report["breaks"] as! [[String: Any]]).map {
            Found(breakClass: $0["class"] as! String, reference: $0["reference"] as! String, kind: $0["kind"] as? String)
        }.sorted()
    }

    static func expected(_ scenario: ProviderScenario, controls: [String]) -> [Found] {
        (scenario.expected.map { Found(breakClass: $0.breakClass, reference: $0.reference, kind: $0.kind) }
            + controls.map { Found(breakClass: "control_mismatch", reference: $0, kind: nil) }).sorted()
    }

    func checkSummary(_ report: [String: Any], _ scenario: ProviderScenario, categories: [String]) {
        let summary = report["summary"] as! [String: Any]
        #expect(summary["settlement_transactions"] as? Int == scenario.lines.count)
        let unmatched = scenario.expected.filter { !["missing_in_provider", "duplicate_internal"].contains($0.breakClass) }.count
        #expect(summary["matched"] as? Int == scenario.lines.count - unmatched)
        #expect((report["rejects"] as? [Any])?.isEmpty == true)
        let listed = Set((summary["non_transactions"] as! [[String: Any]]).map { $0["category"] as! String })
        for category in categories { #expect(listed.contains(category), "\(category) in \(listed.sorted())") }
    }

    @Test func adyenFindsExactlyTheInjectedBreaks() throws {
        let scenario = ProviderScenario.everyClass(provider: "adyen")
        let (status, output, report, _) = try run(scenario, format: "adyen", file: scenario.adyenCSV(payoutOffIn: "EUR"))
        try #require(status == 0, "\(output)")
        #expect(Self.found(report) == Self.expected(scenario, controls: [ProviderScenario.adyenControl("EUR")]))
        checkSummary(report, scenario, categories: ["MerchantPayout", "Fee", "ChargebackReversed"])
        let controls = report["controls"] as! [[String: Any]]
        #expect(controls.count == 5)
        let eur = controls.first { $0["name"] as? String == ProviderScenario.adyenControl("EUR") }
        #expect(eur?["ok"] as? Bool == false)
        #expect((eur?["expected"] as? String)?.hasSuffix(" EUR") == true)
        // the refund is matched by its own reference, not by the payment's
        let breaks = report["breaks"] as! [[String: Any]]
        #expect(!breaks.contains { $0["reference"] as? String == "refund_1" })
    }

    @Test func adyenWithAllControlsHolding() throws {
        let scenario = ProviderScenario.everyClass(provider: "adyen")
        let (status, output, report, _) = try run(scenario, format: "adyen", file: scenario.adyenCSV())
        try #require(status == 0, "\(output)")
        #expect(Self.found(report) == Self.expected(scenario, controls: []))
        #expect(!(report["controls"] as! [[String: Any]]).isEmpty, "nothing to check: the assertion below would hold vacuously")
        #expect((report["controls"] as! [[String: Any]]).allSatisfy { $0["ok"] as? Bool == true })
    }

    @Test func payPalFindsExactlyTheInjectedBreaks() throws {
        let scenario = ProviderScenario.everyClass(provider: "paypal")
        let (status, output, report, _) = try run(scenario, format: "paypal", file: scenario.payPalSTL(footerOffIn: "EUR"))
        try #require(status == 0, "\(output)")
        #expect(
            Self.found(report)
                == Self.expected(scenario, controls: ["paypal section 1 EUR: SF = SB totals", "paypal report EUR: RF = Σ SF"]))
        checkSummary(
            report, scenario,
            categories: [
                "T0400 bank withdrawal", "T0106 chargeback fee", "T1202 chargeback reversal", "T0200 currency conversion",
            ])
        let controls = report["controls"] as! [[String: Any]]
        #expect(controls.filter { $0["ok"] as? Bool == false }.count == 2)
        #expect(controls.contains { $0["name"] as? String == "paypal file: FF = SB records" && $0["ok"] as? Bool == true })
    }

    @Test func payPalWithAllControlsHolding() throws {
        let scenario = ProviderScenario.everyClass(provider: "paypal")
        let (status, output, report, _) = try run(scenario, format: "paypal", file: scenario.payPalSTL())
        try #require(status == 0, "\(output)")
        #expect(Self.found(report) == Self.expected(scenario, controls: []))
        #expect(!(report["controls"] as! [[String: Any]]).isEmpty, "nothing to check: the assertion below would hold vacuously")
        #expect((report["controls"] as! [[String: Any]]).allSatisfy { $0["ok"] as? Bool == true })
    }
}
