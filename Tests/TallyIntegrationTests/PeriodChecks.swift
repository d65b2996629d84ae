import Foundation
import TallyTestSupport
import Testing

/// `tally report period` over the week of ItemStoryTests: its figures exactly, and period.html
/// in headless Chromium (self-contained: no request, no CSP violation, no console error).
enum PeriodChecks {
    /// Today in UTC (the item events are written now, the runs' windows are in March 2026).
    static var today: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date())
    }

    /// Runs `tally report period` over the story into `folder` and returns period.json.
    static func period(_ story: ItemStory, folder: String = "period") throws -> [String: Any] {
        let out = story.out(folder)
        let result = try story.cli.tally(
            [
                "report", "period", "--from", "2026-03-01", "--to", today, "--provider", "acmepay", "--out", out,
                "--database-url", FreshDatabase.url,
            ])
        try #require(result.status == 0, "\(result.output)")
        let data = try #require(FileManager.default.contents(atPath: out + "/period.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The period's `breaks` of acmepay, the story's provider.
    static func breaks(_ story: ItemStory, folder: String) throws -> [String: Any] {
        let providers = try period(story, folder: folder)["providers"] as? [[String: Any]] ?? []
        return providers.first?["breaks"] as? [String: Any] ?? [:]
    }

    static func expectFigures(_ story: ItemStory) throws {
        let out = story.out("period")
        let period = try Self.period(story)
        let providers = period["providers"] as? [[String: Any]] ?? []
        try #require(providers.count == 1, "\(period)")
        let acmepay = providers[0]
        #expect(acmepay["runs"] as? Int == 2, "the rerun of night 1 and night 2; the run it replaced does not count")
        #expect(acmepay["settlement_transactions"] as? Int == 40)
        #expect(acmepay["matched"] as? Int == 31)
        #expect(acmepay["match_rate_count_basis_points"] as? Int == 7_750)
        let eur = (acmepay["currencies"] as? [String: [String: Any]])?["EUR"] ?? [:]
        let money = eur.compactMapValues { ($0 as? NSNumber)?.int64Value }
        #expect(
            money == [
                "transactions": 40, "settled_minor": 101_501, "matched_minor": 68_000,
                "match_rate_amount_basis_points": 6_699, "fees_minor": 0, "payouts_minor": 0, "opened_minor": 19_199,
                "written_off_minor": 2_503, "explained_minor": 700,
            ], "\(eur)")
        let breaks = acmepay["breaks"] as? [String: Any] ?? [:]
        #expect(breaks["opened"] as? [String: Int] == ["missing_internally": 4, "missing_in_provider": 2], "\(breaks)")
        #expect(breaks["resolved_by_reconciler"] as? [String: Int] == ["timing_difference": 1])
        #expect(breaks["confirmed"] as? Int == 1 && breaks["rejected"] as? Int == 1)
        #expect(breaks["written_off_by_reason"] as? [String: Int] == ["rounding": 1, "provider_fee": 1])
        #expect(breaks["explained_by_reason"] as? [String: Int] == ["known_provider_issue": 1])
        #expect(breaks["open_at_end_by_age"] as? [String: Int] == ["0-7": 0, "8-30": 0, "31-60": 0, "61+": 5])
        // ch_hold's acknowledgement (until 2026-03-20) has lapsed by the period's end (today)
        #expect(breaks["open_at_end_by_state"] as? [String: Int] == ["open": 4, "acknowledged": 1])
        let actions = period["actions"] as? [String: [String: Int]] ?? [:]
        #expect(
            actions == [
                "alice": ["ack": 3, "assign": 1, "resolve": 3, "confirm": 1, "reject": 1], "bob": ["approve": 1],
                "carol": ["comment": 1], "tally": ["reconciled": 1, "reopen": 1],
            ], "\(actions)")

        // period.html in Chromium
        let script = TestCluster.repositoryRoot.appendingPathComponent("scripts/browser.py").path
        let browser = try Subprocess.run("/usr/bin/env", ["python3", script, "inspect", out + "/period.html"])
        try #require(browser.status == 0, "\(browser.output)")
        let page = try #require(try JSONSerialization.jsonObject(with: Data(browser.stdout.utf8)) as? [String: Any])
        #expect((page["requests"] as? [Any])?.isEmpty == true, "\(page)")
        #expect((page["cspViolations"] as? [Any])?.isEmpty == true, "\(page)")
        #expect((page["consoleErrors"] as? [Any])?.isEmpty == true, "\(page)")
        let figures = (page["initial"] as? [String: Any])?["figures"] as? [String: String] ?? [:]
        #expect(figures["fig-acmepay-runs"] == "2", "\(figures)")
        #expect(figures["fig-acmepay-written-off"] == "2", "\(figures)")
        #expect(figures["fig-acmepay-open"] == "5", "\(figures)")
    }
}
