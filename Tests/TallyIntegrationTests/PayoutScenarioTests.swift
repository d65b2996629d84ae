import Foundation
import TallyPostgres
import TallyTestFixtures
import TallyTestSupport
import Testing

/// Three-way reconciliation end to end (issue 14): `scripts/gen_payouts.py` writes six nights of
/// a Stripe report (itemized lines tied to their payouts), Adyen batches (a payout per currency,
/// a skipped batch number) and camt.053 statements where payouts arrive on time, late, short by a
/// cent, twice the same amount on one day, not at all, on the day they were paid, a STRIPE credit
/// nothing announced, and a payout reversed after it arrived. `tally run --config` through the
/// real PostgreSQL must equal the truth every night, with the providers run before the bank and
/// the bank before the providers.
@Suite(.freshDatabase, .serialized) struct PayoutScenarioTests {
    let cli = CommandLineTests()

    struct Story {
        var directory: URL
        var truth: [String: Any]
        var config: String { directory.appendingPathComponent("tally.yml").path }
    }

    static func generate() throws -> Story {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-payouts-\(UUID().uuidString)")
        let script = Checkout.root.appendingPathComponent("scripts/gen_payouts.py").path
        let made = try Subprocess.run("/usr/bin/env", ["python3", script, "--out", directory.path])
        #expect(made.status == 0, "\(made.output)")
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("truth.json")))
        return Story(directory: directory, truth: truth as! [String: Any])
    }

    /// A fresh ledger of the story's three providers and no tally schema.
    static func load(_ story: Story) throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        defer { db.close() }
        try db.execute("DROP TABLE IF EXISTS payments")
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try TestLedger.create(db, unique: true)
        let text = try String(contentsOf: story.directory.appendingPathComponent("payments.csv"), encoding: .utf8)
        var columns = [[String]](repeating: [], count: 7)
        for line in text.split(separator: "\n").dropFirst() {
            for (column, field) in line.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
                columns[column].append(String(field))
            }
        }
        try db.execute(
            """
            INSERT INTO payments (id, provider, provider_ref, kind, amount_minor, currency, status, created_at, updated_at)
            SELECT id::bigint, provider, ref, kind, amount::bigint, currency, 'succeeded', created::timestamptz,
                   created::timestamptz
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
              AS t(id, provider, ref, kind, amount, currency, created)
            """, columns.map { PostgresArray.textLiteral($0) })
    }

    /// One provider's run of one night; its report.json.
    func run(_ story: Story, _ provider: String, _ day: String, file: String) throws -> [String: Any] {
        let result = try cli.tally(
            [
                "run", "--config", story.config, "--provider", provider, "--from", day, "--to", day, "--file",
                story.directory.appendingPathComponent(file).path, "--fail-on", "never",
            ],
            environment: ["DATABASE_URL": FreshDatabase.url])
        #expect(result.status == 0, "\(provider) \(day): \(result.output)")
        let report = story.directory.appendingPathComponent("reports/\(provider)/\(day)_\(day)/report.json")
        try SchemaValidation.validate(report)
        return try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as! [String: Any]
    }

    static func breaks(_ report: [String: Any]) -> [[String]] {
        (report["breaks"] as! [[String: Any]]).map { [$0["class"] as! String, $0["reference"] as! String] }.sorted {
            $0.lexicographicallyPrecedes($1)
        }
    }

    static func pairs(_ value: Any?) -> [[String]] {
        ((value as? [[String]]) ?? []).sorted { $0.lexicographicallyPrecedes($1) }
    }

    func json(_ arguments: [String]) throws -> Any {
        let result = try cli.tally(arguments + ["--json"], environment: ["DATABASE_URL": FreshDatabase.url])
        #expect(result.status == 0, "\(arguments): \(result.output)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    /// What a provider run resolved among the bank's items (a payout announced after its credit).
    func providerResolutions() throws -> [[String]] {
        let db = try PostgresConnection(url: FreshDatabase.url)
        defer { db.close() }
        return try db.query(
            """
            SELECT r.class, r.reference, r.resolved_as FROM tally.resolutions r JOIN tally.runs u ON u.id = r.run_id
            WHERE r.provider = 'bank' AND u.provider <> 'bank' ORDER BY 1, 2
            """
        ).map { $0.map { $0 ?? "" } }
    }

    @Test(arguments: ["provider_first", "bank_first"]) func theNightsEqualTheTruth(_ order: String) throws {
        let story = try Self.generate()
        defer { try? FileManager.default.removeItem(at: story.directory) }
        try Self.load(story)
        let nights = (story.truth["orders"] as! [String: Any])[order] as! [[String: Any]]
        let adyenNights = Set(story.truth["adyen_nights"] as! [String])
        for night in nights {
            let day = night["date"] as! String
            var providers = ["acmepay"] + (adyenNights.contains(day) ? ["adyenpay"] : [])
            providers = order == "provider_first" ? providers + ["bank"] : ["bank"] + providers
            var reports: [String: [String: Any]] = [:]
            for provider in providers {
                let file = provider == "bank" ? "bank_\(day).xml" : "\(provider)_\(day).csv"
                reports[provider] = try run(story, provider, day, file: file)
            }
            for provider in providers {
                #expect(Self.breaks(reports[provider]!) == Self.pairs(night[provider]), "\(order) \(day) \(provider)")
            }
            let resolved = (reports["bank"]!["resolved"] as! [[String: Any]]).map {
                [$0["class"] as! String, $0["reference"] as! String, $0["resolved_as"] as! String]
            }
            #expect(resolved == Self.pairs(night["bank_resolved"]), "\(order) \(day) bank resolved")
            let open = (try json(["open-items", "--provider", "bank"]) as! [[String: Any]]).map {
                [$0["class"] as! String, $0["reference"] as! String]
            }.sorted { $0.lexicographicallyPrecedes($1) }
            #expect(open == Self.pairs(night["bank_open"]), "\(order) \(day) bank open items")
            #expect(try providerResolutions() == Self.pairs(night["provider_resolved"]), "\(order) \(day) provider resolutions")
            let payouts = try json(["payouts", "list", "--as-of", day]) as! [[String: Any]]
            let states = Dictionary(uniqueKeysWithValues: payouts.map { ($0["reference"] as! String, $0["state"] as! String) })
            #expect(states == night["payouts"] as! [String: String], "\(order) \(day) payout states")
            let payoutSection = reports["bank"]!["payouts"] as? [String: Any]
            #expect(payoutSection?["role"] as? String == "bank")
        }
        // the payout reversed after it arrived is flagged, and open again (missing)
        let payouts = try json(["payouts", "list", "--provider", "acmepay", "--state", "missing"]) as! [[String: Any]]
        let reversed = payouts.filter { $0["reversed"] as? Bool == true }.map { $0["reference"] as! String }
        #expect(reversed == story.truth["reversed"] as! [String])
    }
}
