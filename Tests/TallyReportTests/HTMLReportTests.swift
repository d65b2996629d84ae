import Foundation
import TallyCore
import TallyDigest
import TallyTestFixtures
import Testing

@testable import TallyReport

/// Splits a rendered page the way an HTML parser does for the parts that matter here: a script
/// element ends at the first `</script`, whatever is inside.
struct Page {
    let html: String

    init(_ bytes: [UInt8]) { html = String(decoding: bytes, as: UTF8.self) }

    /// Every `<script …>` element: its attribute text and its body up to the first `</script`.
    var scripts: [(attributes: String, body: String)] {
        var found: [(String, String)] = []
        var rest = html[...]
        while let open = rest.range(of: "<script") {
            let afterTag = rest[open.upperBound...]
            guard let close = afterTag.firstIndex(of: ">") else { break }
            let body = afterTag[afterTag.index(after: close)...]
            guard let end = body.range(of: "</script") else { break }
            found.append((String(afterTag[..<close]), String(body[..<end.lowerBound])))
            rest = body[end.upperBound...]
        }
        return found
    }

    /// The text of the one `<style>` element.
    var style: String? {
        guard let open = html.range(of: "<style>"), let close = html.range(of: "</style>") else { return nil }
        return String(html[open.upperBound..<close.lowerBound])
    }

    /// The policy of the CSP `<meta>` element.
    var policy: String? {
        let marker = "<meta http-equiv=\"Content-Security-Policy\" content=\""
        guard let open = html.range(of: marker) else { return nil }
        let rest = html[open.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// The breaks payload, parsed.
    var payload: [String: Any]? {
        guard let data = scripts.first(where: { $0.attributes.contains("application/json") })?.body else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]
    }

    func occurrences(of needle: String) -> Int { html.components(separatedBy: needle).count - 1 }

    /// The page without the bodies of its script elements: what the HTML parser reads as markup.
    var markup: String {
        var out = html
        for script in scripts where !script.body.isEmpty {
            out = out.replacingOccurrences(of: script.body, with: "")
        }
        return out
    }

    static func sha256(_ text: String) -> String {
        "'sha256-\(Data(SHA256.hash(Array(text.utf8))).base64EncodedString())'"
    }
}

@Suite struct HTMLReportTests {
    static let probes = [
        "<img src=x onerror=alert(1)>", "</script><script>window.__tallyProbe=true</script>",
        "\"><svg onload=alert(1)>", "<!--<script>", "'; alert(1); '", "a&amp;b\u{2028}c",
    ]

    @Test(arguments: probes)
    func providerTextIsEscapedEverywhere(_ probe: String) throws {
        let page = Page(HTMLReport.render(ReportFixture.everyShape(hostile: probe)))
        let markup = page.markup
        #expect(!markup.contains(probe), "the probe appears unescaped")
        // Handlers may appear as escaped text, never inside a tag.
        for injected in ["<img", "<svg onload", "<!--"] { #expect(!markup.contains(injected)) }
        // Exactly the two scripts Tally writes: the data and the code. A `</script>` in a
        // reference must not end the data element early (that would make a third).
        let scripts = page.scripts
        #expect(scripts.count == 2)
        #expect(scripts[0].attributes == " type=\"application/json\" id=\"tally-breaks\"")
        #expect(scripts[1].attributes.isEmpty)
        #expect(scripts[1].body == ReportScript.source)
        // …and the data still reads back as the provider's exact text.
        let rows = try #require(page.payload?["rows"] as? [[Any]])
        #expect(rows.contains { $0[1] as? String == probe })
        #expect((page.payload?["files"] as? [String]) == ["inbox/\(probe).csv"])
        // The static rows show it as text.
        #expect(page.html.contains(HTMLEscaping.escape(probe)))
    }

    @Test func dataNeverContainsMarkupCharacters() {
        let page = Page(HTMLReport.render(ReportFixture.everyShape(hostile: "</SCRIPT><!-- & > \u{2029}")))
        let data = page.scripts[0].body
        for forbidden in ["<", ">", "&", "\u{2028}", "\u{2029}"] { #expect(!data.contains(forbidden)) }
        #expect(data.contains(#"\u003c/SCRIPT\u003e\u003c!-- \u0026 \u003e \u2029"#))
    }

    @Test func policyAllowsExactlyTheInlineScriptAndStyleAndNoFetch() throws {
        let page = Page(HTMLReport.render(ReportFixture.everyShape()))
        let policy = try #require(page.policy)
        let code = try #require(page.scripts.last?.body)
        let style = try #require(page.style)
        #expect(
            policy
                == "default-src 'none'; base-uri 'none'; form-action 'none'; style-src \(Page.sha256(style)); "
                + "script-src \(Page.sha256(code)); require-trusted-types-for 'script'")
        #expect(!policy.contains("unsafe"))
        // Nothing in the page points outside it.
        for reference in ["src=", "href=", "http:", "https:", "url(", "@import"] {
            #expect(!page.html.contains(reference), "found \(reference)")
        }
    }

    @Test func scriptAndStyleCannotEndTheirOwnElements() {
        #expect(!ReportScript.source.contains("</"))
        #expect(!ReportScript.source.contains("innerHTML"))
        #expect(!ReportStyle.css.contains("</"))
    }

    @Test func headerFiguresAndSections() {
        let page = Page(HTMLReport.render(ReportFixture.everyShape(dryRun: true)))
        #expect(page.html.contains("<span class=\"mark dry\""))
        #expect(page.html.contains("supersedes run 3f2a9c1e"))
        #expect(page.html.contains("sha256 <code title=\"\(String(repeating: "ab", count: 32))\">abababababab</code>"))
        #expect(page.html.contains("id=\"fig-risk\""))
        #expect(page.html.contains("<table id=\"resolved\">"))
        #expect(page.html.contains("<code>ch_was_missing</code></td><td>charge</td><td>missing_in_provider</td>"))
        #expect(page.html.contains("<td class=\"fail\">FAILED</td><td>10.00 EUR</td>"))
        #expect(page.html.contains("<table id=\"rejects\">"))
        // what is still open from earlier windows is listed, with both amounts and its age
        let report = ReportFixture.everyShape(dryRun: true)
        #expect(!report.openFromEarlier.isEmpty)
        #expect(page.html.contains("Still open from earlier windows (\(report.openFromEarlier.count))"))
        #expect(!report.openFromEarlier.isEmpty, "the fixture has open items from earlier windows")
        for item in report.openFromEarlier {
            #expect(page.html.contains("<td class=\"ref\"><code>\(item.reference)</code></td><td>\(item.kind.name)</td>"))
        }
        #expect(page.occurrences(of: "<svg ") == 4)  // classes, risk, ages, windows
        #expect(page.html.contains("@media print"))
    }

    /// Amounts at risk list the largest number first (as written, without exchange rates), high and
    /// medium apart; a timing difference whose amounts agree counts as agreeing money.
    @Test func figuresThatCannotMislead() {
        let sorted = ReportFigures.largestFirst([
            Currency(code: "KWD")!: 1_500, Currency(code: "EUR")!: 10_000, Currency(code: "JPY")!: 1_000,
            Currency(code: "USD")!: 10_000,
        ])
        #expect(sorted.map { "\($0.decimal) \($0.currency.code)" } == ["1000 JPY", "100.00 EUR", "100.00 USD", "1.500 KWD"])
        let report = ReportFixture.everyShape()
        let figures = ReportFigures(report)
        #expect(!figures.amountPending.isEmpty)
        var pending: Int64 = 0
        for dated in report.breaks where dated.item.severity == .medium {
            pending += Int64(dated.item.amountAtRisk?.minor.magnitude ?? 0)
        }
        let shown: Int64 = figures.amountPending.reduce(0) { $0 + $1.minor }
        #expect(shown == pending)
        let timing = report.breaks.filter {
            $0.item.breakClass == .timingDifference && $0.item.provider?.amount == $0.item.ledger?.amount
        }
        #expect(!timing.isEmpty)
        for rate in figures.matchRateByAmount {
            var late: Int64 = 0
            for dated in timing where dated.item.provider?.amount.currency == rate.currency {
                late += dated.item.provider?.amount.minor ?? 0
            }
            let matched: Int64 = report.result.matchedAmountMinorByCurrency[rate.currency] ?? 0
            #expect(rate.matchedMinor == matched + late)
        }
        let html = String(decoding: HTMLReport.render(report), as: UTF8.self)
        #expect(html.contains("id=\"fig-pending\""))
    }

    @Test func withoutEarlierWindowsThereIsNoHistoryChart() {
        let page = Page(HTMLReport.render(ReportFixture.many(20)))
        #expect(!page.html.contains("chart-nights"))
        #expect(page.occurrences(of: "<svg ") == 3)  // classes, risk, ages
    }

    @Test func sameReportSameBytes() {
        let report = ReportFixture.everyShape()
        #expect(HTMLReport.render(report) == HTMLReport.render(report))
    }

    /// 100,000 breaks: the data is embedded once, the static table holds 100 rows, and the file
    /// stays far below the issue's 25 MB. Structure only; the time is measured in the browser.
    @Test func hundredThousandBreaks() throws {
        let report = ReportFixture.many(100_000)
        #expect(report.breaks.count == 100_000)
        let bytes = HTMLReport.render(report)
        #expect(bytes.count < 25_000_000)
        let page = Page(bytes)
        let rows = try #require(page.payload?["rows"] as? [[Any]])
        #expect(rows.count == 100_000)
        #expect(rows.allSatisfy { $0.count == 16 })
        #expect(page.occurrences(of: "<tr><td>") == BreakTable.staticRows)
        // The last break by report order is only in the data, once.
        let last = try #require(report.breaks.last?.item.reference)
        #expect(page.occurrences(of: "\"\(last)\"") == 1)
        #expect(page.scripts.count == 2)
    }

    @Test func payloadRowsCarryBothSidesExactly() throws {
        let page = Page(HTMLReport.render(ReportFixture.everyShape()))
        let payload = try #require(page.payload)
        let classes = try #require(payload["classes"] as? [[String]])
        let rows = try #require(payload["rows"] as? [[Any]])
        let amount = try #require(rows.first { $0[1] as? String == "ch_amount" })
        #expect(classes[amount[0] as! Int] == ["amount_mismatch", "high"])
        #expect(amount[3] as? String == "10.01")
        #expect(amount[4] as? String == "10.00")
        #expect(amount[5] as? String == "0.01")
        #expect(amount[6] as? String == "EUR")
        let currency = try #require(rows.first { $0[1] as? String == "ch_currency" })
        #expect(currency[5] as? String == "")
        #expect(currency[6] as? String == "GBP")
        #expect(currency[7] as? String == "USD")
        let control = try #require(rows.first { classes[$0[0] as! Int][0] == "control_mismatch" })
        #expect(control[2] as? Int == -1)
        #expect(control[13] as? String == "expected 10.00 EUR, actual ch_plain")
        #expect(control[14] as? String == "", "a control opens no item")
        #expect((amount[14] as? String)?.hasPrefix("it_") == true, "the item id is the row's cell 14")
        #expect(amount[15] as? String == "open", "and its state the last")
        #expect(control[15] as? String == "")
        let persisting = try #require(rows.first { $0[1] as? String == "ch_old_amount" })
        #expect(persisting[9] as? Int == 6)
        #expect(persisting[10] as? Int == 0)
    }
}
