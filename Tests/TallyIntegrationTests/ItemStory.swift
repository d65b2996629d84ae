import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// The week of ItemStoryTests: two nights of a provider whose breaks people work, with a rule
/// pass that proposes matches, write-off limits and an alert endpoint (docs/items.md).
struct ItemStory {
    let cli = CommandLineTests()
    let directory: URL

    /// Night 1 (2026-03-10..11) and night 2 (2026-03-12): files and ledger.
    static func nights() -> (one: StripeScenario, two: StripeScenario) {
        var one = StripeScenario()
        for number in 0..<20 {
            one.ledger("ch_clean_\(number)", minor: Int64(1_000 + 100 * number), currency: "EUR")
            one.line("ch_clean_\(number)", category: "charge", gross: major(1_000 + 100 * number), currency: "EUR")
        }
        one.ledger("ch_round", minor: 5_000, currency: "EUR")
        one.line("ch_round", category: "charge", gross: "50.03", currency: "EUR")  // 0.03 EUR: under the limit
        one.ledger("ch_big", minor: 10_000, currency: "EUR")
        one.line("ch_big", category: "charge", gross: "125.00", currency: "EUR")  // 25.00 EUR: over it
        one.line("ch_known", category: "charge", gross: "19.99", currency: "EUR")  // acknowledged; its amount changes
        one.line("ch_hold", category: "charge", gross: "12.00", currency: "EUR")  // acknowledged until 2026-03-20
        one.ledger("ch_late", minor: 3_000, currency: "EUR", created: "2026-03-11 10:00:00+00")  // settles on night 2
        one.ledger("ch_pa", minor: 4_500, currency: "EUR")  // proposed by the pass, confirmed
        one.line("ch_pa_bank", category: "charge", gross: "45.00", currency: "EUR")
        one.ledger("ch_pb", minor: 6_100, currency: "EUR")  // proposed by the pass, rejected
        one.line("ch_pb_bank", category: "charge", gross: "61.00", currency: "EUR")
        one.line("ch_s1", category: "charge", gross: "7.00", currency: "EUR")  // explained through the sheet
        one.line("ch_s2", category: "charge", gross: "8.00", currency: "EUR")  // a bad row first, then acknowledged
        var two = StripeScenario()
        for number in 0..<10 {
            two.ledger(
                "ch_next_\(number)", minor: Int64(2_000 + 100 * number), currency: "EUR", created: "2026-03-12 09:00:00+00")
            two.line(
                "ch_next_\(number)", category: "charge", gross: major(2_000 + 100 * number), currency: "EUR",
                created: "2026-03-12 09:00:00")
        }
        two.line("ch_late", category: "charge", gross: "30.00", currency: "EUR", created: "2026-03-12 08:00:00")
        two.line("ch_known", category: "charge", gross: "21.99", currency: "EUR", created: "2026-03-12 08:00:00")
        return (one, two)
    }

    static func major(_ minor: Int) -> String { "\(minor / 100).\(String(format: "%02d", minor % 100))" }

    static let config = """
        timezone: UTC
        items:
          reason_codes: [rounding, provider_fee, known_provider_issue, other]
          write_off_limit: { EUR: 1.00 }
        alerts:
          endpoints:
            - name: ops
              url: http://127.0.0.1:9/hook
              secret_env: TALLY_STORY_SECRET
              triggers: { min_severity: high, escalate_after_days: 1 }
        providers:
          acmepay:
            format: stripe
            matching:
              - name: same-amount
                pass: amount_date
                days_before: 3
                days_after: 3
        """

    var configPath: String { directory.appendingPathComponent("tally.yml").path }
    func file(_ night: Int) -> String { directory.appendingPathComponent("night\(night).csv").path }
    func out(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Loads the ledger of night 1 and writes both files and the config.
    static func begin() throws -> ItemStory {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try db.execute("DROP TABLE IF EXISTS payments")
        try TestLedger.create(db)
        let (one, two) = nights()
        try TestLedger.insert(one.rows, into: db)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-story-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let story = ItemStory(directory: directory)
        try one.csv().write(to: URL(fileURLWithPath: story.file(1)))
        try two.csv().write(to: URL(fileURLWithPath: story.file(2)))
        try Data(config.utf8).write(to: URL(fileURLWithPath: story.configPath))
        return story
    }

    /// Night 2's ledger rows (ids after night 1's).
    func loadNightTwo() throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        var rows = Self.nights().two.rows
        for index in rows.indices { rows[index].id += 1_000 }
        try TestLedger.insert(rows, into: db)
    }

    func end() { try? FileManager.default.removeItem(at: directory) }

    var environment: [String: String] { ["TALLY_STORY_SECRET": "story-secret-of-the-week"] }

    /// `tally run` of one night into `out`, with extra flags; returns the result and report.json.
    func run(night: Int, out name: String, _ extra: [String] = []) throws -> (Subprocess.Result, [String: Any]) {
        let window =
            night == 1 ? ["--from", "2026-03-10", "--to", "2026-03-11"] : ["--from", "2026-03-12", "--to", "2026-03-12"]
        let result = try cli.tally(
            ["run", "--config", configPath, "--provider", "acmepay", "--file", file(night), "--out", out(name)] + window
                + ["--database-url", FreshDatabase.url] + extra, environment: environment)
        let data = FileManager.default.contents(atPath: out(name) + "/report.json") ?? Data("{}".utf8)
        return (result, (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    /// `tally items …` with the story's config; the actions as `actor`.
    func items(_ arguments: [String], actor: String = "alice") throws -> Subprocess.Result {
        let reads: Set = ["list", "show", "export", "verify"]
        let who = reads.contains(arguments[0]) ? [] : ["--actor", actor]
        return try cli.tally(
            ["items"] + arguments + ["--database-url", FreshDatabase.url, "--config", configPath] + who,
            environment: environment)
    }

    /// "reference kind" → entry of a report's array.
    static func byKey(_ report: [String: Any], _ key: String) -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for entry in report[key] as? [[String: Any]] ?? [] {
            out["\(entry["reference"] ?? "") \(entry["kind"] ?? "")"] = entry
        }
        return out
    }

    /// The references each alert of the outbox listed, by run, in the order the runs happened.
    func alerts() throws -> [(breaks: [String], escalations: [String])] {
        let db = try PostgresConnection(url: FreshDatabase.url)
        return try db.query(
            """
            SELECT o.body FROM tally.alert_outbox o JOIN tally.runs r ON r.id = o.run_id
            WHERE o.event = 'tally.run.alert' ORDER BY r.started_at
            """
        ).map { row in
            let body = try JSONSerialization.jsonObject(with: Data((row[0] ?? "{}").utf8)) as? [String: Any] ?? [:]
            let data = body["data"] as? [String: Any] ?? [:]
            let references = { (key: String) in
                (data[key] as? [[String: Any]] ?? []).compactMap { $0["reference"] as? String }.sorted()
            }
            return (references("breaks"), references("escalations"))
        }
    }
}
