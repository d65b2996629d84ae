import Foundation
import TallyCore
import TallyEngine
import TallyIngest
import TallyPostgres
import TallyTestSupport
import Testing

/// The sample's second night in a real browser: tonight brings two timing differences only, but
/// nine items from the first night are still open, eight of them high. The page must say so in
/// its verdict and list them, and the index must not call the night clean.
@Suite(.freshDatabase, .serialized) struct SampleNightsBrowserTests {
    @Test func theSecondNightShowsWhatIsStillOpen() throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try SampleLedger.load(into: db)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tally-nights-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        func night(_ file: String, _ from: String, _ to: String) throws -> String {
            let out = root.appendingPathComponent("acmepay/\(from)_\(to)").path
            let options = RunOptions(
                provider: "acmepay", format: .stripe, files: [SampleLedger.root.appendingPathComponent(file).path],
                from: CivilDate(iso: from)!, to: CivilDate(iso: to)!, databaseURL: FreshDatabase.url, outDirectory: out)
            _ = try ReconciliationRun(options: options).run()
            return out
        }
        let first = try night("stripe/acmepay_2026-03-10_2026-03-11.csv", "2026-03-10", "2026-03-11")
        try checkFirstNightFigures(first + "/report.html")
        try SampleLedger.applyNightTwoCorrections(to: db)
        let second = try night("stripe/acmepay_2026-03-12.csv", "2026-03-12", "2026-03-12")

        let inspection = try ReportBrowserTests().inspect(page: second + "/report.html")
        let page = inspection.initial
        let verdict = try #require(page["verdict"] as? String)
        #expect(verdict.hasPrefix("Action needed: 8 high open items from earlier windows with "), "\(verdict)")
        #expect(verdict.contains("124.34 EUR"), "\(verdict)")
        let open = try #require(page["openEarlier"] as? [String: Any])
        #expect(open["heading"] as? String == "Still open from earlier windows (9)")
        #expect(open["rows"] as? Int == 9)
        #expect((open["references"] as? [String])?.contains("ch_mOwneeOTHIjSry_amount") == false)  // corrected overnight
        #expect((open["references"] as? [String])?.contains("ch_KYl237hGRWcc8d_status") == true)

        let csv = try String(contentsOfFile: second + "/breaks.csv", encoding: .utf8)
        #expect(csv.components(separatedBy: ",open_from_earlier,").count - 1 == 9)
        let index = try String(contentsOf: root.appendingPathComponent("index.html"), encoding: .utf8)
        let row = try #require(
            index.components(separatedBy: "<tr>").first { $0.contains("acmepay/2026-03-12_2026-03-12/report.html") })
        #expect(row.contains("<td class=\"fail\">action needed</td>"), "\(row)")
    }

    /// The first night's money, as the sample file's own columns add up (checked by hand with a
    /// spreadsheet over samples/stripe/acmepay_2026-03-10_2026-03-11.csv): EUR 94 charges with
    /// 337.00 of fees, 2 disputes with 30.00 of dispute fees, one 2.50 fee line, a 2,500.00 payout.
    func checkFirstNightFigures(_ path: String) throws {
        let html = try String(contentsOfFile: path, encoding: .utf8)
        let eur = try #require(ProviderFormatRunTests.tableRow(html, currency: "EUR"))
        for (field, value) in [
            ("transactions", "105"), ("gross", "9,482.27"), ("transaction-fees", "337.00"), ("dispute-fees", "30.00"),
            ("fee-lines", "2.50"), ("fees", "369.50"), ("net", "9,112.77"), ("payouts", "-2,500.00"),
        ] {
            #expect(eur.contains("data-field=\"\(field)\">\(value)</td>"), "EUR \(field) \(value) in \(eur)")
        }
        let kwd = try #require(ProviderFormatRunTests.tableRow(html, currency: "KWD"))
        #expect(kwd.contains("data-field=\"dispute-fees\">10.000</td>"), "\(kwd)")
        // every fee of the file, not only the fee lines; the biggest number first
        #expect(ProviderFormatRunTests.figureAmounts(html, id: "fig-fees").first == "725,224.88 USD")
        #expect(ProviderFormatRunTests.figureAmounts(html, id: "fig-fees").contains("369.50 EUR"))
        // the match-rate headline names its currency and every currency is beside it
        let rate = ProviderFormatRunTests.figureAmounts(html, id: "fig-match-amount")
        #expect(rate.first == "89.7% JPY", "\(rate)")
        let start = try #require(html.range(of: "id=\"fig-match-amount\""))
        let figure = html[start.upperBound...].prefix { $0 != "\n" }.components(separatedBy: "</div>")[0]
        for code in ["CHF", "EUR", "GBP", "JPY", "KWD", "USD"] {
            #expect(figure.contains(" settled\">\(code) "), "\(code) in \(figure)")
        }
    }
}
