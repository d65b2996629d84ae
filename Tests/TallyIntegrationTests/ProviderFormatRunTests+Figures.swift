import Foundation
import Testing

/// The figures a finance person reads first, on an Adyen run with five currencies: the money per
/// currency from every line, the amount at risk per currency (high and medium apart, largest
/// first) and the match rate by amount, each against what the scenario says.
extension ProviderFormatRunTests {
    /// What the scenario's Adyen file holds per currency, worked out from the scenario's lines and
    /// the rules of ``ProviderScenario/adyenCSV(payoutOffIn:)``, not from the report.
    struct ExpectedMoney: Equatable, CustomStringConvertible {
        var transactions = 0
        var gross: Int64 = 0
        var transactionFees: Int64 = 0
        var disputeFees: Int64 = 0
        var feeLines: Int64 = 0
        var other: Int64 = 0
        var payouts: Int64 = 0
        var net: Int64 { gross - transactionFees - disputeFees - feeLines + other }
        var description: String {
            "n \(transactions) gross \(gross) fees \(transactionFees)/\(disputeFees)/\(feeLines) other \(other) net \(net) payouts \(payouts)"
        }
    }

    static func expectedMoney(_ scenario: ProviderScenario) -> [String: ExpectedMoney] {
        var money: [String: ExpectedMoney] = [:]
        // what each currency's batch nets, as the file's Net columns say (the payout pays it out)
        var fileNet: [String: Int64] = [:]
        for line in scenario.lines {
            var entry = money[line.currency, default: ExpectedMoney()]
            entry.transactions += 1
            entry.gross += line.kind == "charge" ? line.minor : -line.minor
            switch line.kind {
            case "charge" where line.reference == "pay_yen":
                fileNet["USD", default: 0] += 3_320  // settled in USD: no fee in the gross currency
            case "charge":
                entry.transactionFees += line.minor / 100
                fileNet[line.currency, default: 0] += line.minor - line.minor / 100
            case "refund":
                fileNet[line.currency, default: 0] -= line.minor
            default:
                let fee = 10 * ProviderScenario.unit(line.currency)
                entry.disputeFees += fee
                fileNet[line.currency, default: 0] -= line.minor + fee
            }
            money[line.currency] = entry
        }
        money["USD", default: ExpectedMoney()].other += 1_000  // the ChargebackReversed line
        fileNet["USD", default: 0] += 1_000
        for (currency, net) in fileNet {
            let unit = ProviderScenario.unit(currency)
            money[currency, default: ExpectedMoney()].feeLines += unit
            money[currency, default: ExpectedMoney()].payouts = -(net - unit)
        }
        return money
    }

    @Test func adyenFiguresPerCurrency() throws {
        let scenario = ProviderScenario.everyClass(provider: "adyen")
        let (status, output, report, html) = try run(scenario, format: "adyen", file: scenario.adyenCSV())
        try #require(status == 0, "\(output)")
        let expected = Self.expectedMoney(scenario)
        try #require(expected.count >= 3, "the story needs at least three currencies")

        // report.json: gross, fees by kind, net and payouts per currency, from every line
        let rows = (report["summary"] as! [String: Any])["totals_by_currency"] as! [[String: Any]]
        var found: [String: ExpectedMoney] = [:]
        for row in rows {
            let fees = row["fees"] as! [String: Any]
            let entry = ExpectedMoney(
                transactions: row["transactions"] as! Int, gross: Int64(row["gross_minor"] as! Int),
                transactionFees: Int64(fees["transaction_minor"] as! Int), disputeFees: Int64(fees["dispute_minor"] as! Int),
                feeLines: Int64(fees["fee_lines_minor"] as! Int), other: Int64(row["other_lines_minor"] as! Int),
                payouts: Int64(row["payouts_minor"] as! Int))
            #expect(Int64(row["net_minor"] as! Int) == entry.net, "\(row)")
            #expect(Int64(fees["total_minor"] as! Int) == entry.transactionFees + entry.disputeFees + entry.feeLines)
            found[row["currency"] as! String] = entry
        }
        #expect(found == expected)
        #expect(rows.map { $0["currency"] as! String } == expected.keys.sorted())
        // a batch pays out what it nets: in a currency with no line settled elsewhere, net + payout = 0
        for currency in ["EUR", "GBP", "KWD"] {
            #expect(found[currency].map { $0.net + $0.payouts } == 0, "\(currency): \(String(describing: found[currency]))")
        }

        // report.html: the same table, every currency's row
        for (currency, money) in expected {
            let row = try #require(Self.tableRow(html, currency: currency), "no Money per currency row for \(currency)")
            #expect(row.contains(">\(Self.grouped(money.net, currency))</td>"), "\(currency) net in \(row)")
            #expect(row.contains(">\(Self.grouped(money.disputeFees, currency))</td>"), "\(currency) dispute fees in \(row)")
        }

        // amount at risk: every currency with a high break, largest first; medium apart
        let classes = (report["summary"] as! [String: Any])["breaks"] as! [String: [String: Any]]
        var high: [String: Int64] = [:]
        for (name, entry) in classes where !["missing_in_provider", "timing_difference"].contains(name) {
            for (currency, minor) in entry["amount_minor_by_currency"] as! [String: Int] {
                high[currency, default: 0] += Int64(abs(minor))
            }
        }
        let risk = Self.figureAmounts(html, id: "fig-risk")
        #expect(Set(risk) == Set(high.filter { $0.value != 0 }.map { Self.grouped($0.value, $0.key) + " " + $0.key }))
        #expect(risk == risk.sorted { Self.major($0) > Self.major($1) }, "largest first: \(risk)")
        #expect(Self.figureAmounts(html, id: "fig-pending") == ["42.00 EUR", "9.90 GBP"])

        // match rate by amount: agreeing money (matched, and timing differences with equal amounts)
        // of settled money; in EUR the lines of high breaks are the only money not agreeing
        let eurLines = scenario.lines.filter { $0.currency == "EUR" }
        let settled = eurLines.reduce(0) { $0 + $1.minor }
        let disagreeing: Int64 = 1_999 + 700 + 10_001 + 3_000 + 3_000 + 1_234
        #expect(
            html.contains(
                "title=\"\(Self.grouped(settled - disagreeing, "EUR")) EUR agreeing of \(Self.grouped(settled, "EUR")) EUR settled\""
            ))
    }

    /// The `<tr>` of the Money per currency table for `currency`.
    static func tableRow(_ html: String, currency: String) -> String? {
        guard let start = html.range(of: "<tr data-currency=\"\(currency)\">") else { return nil }
        guard let end = html.range(of: "</tr>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }

    /// The amounts of a headline figure: its value, then its sub-lines.
    static func figureAmounts(_ html: String, id: String) -> [String] {
        guard let start = html.range(of: "id=\"\(id)\">"),
            let end = html.range(of: "</div>", range: start.upperBound..<html.endIndex)
        else { return [] }
        let figure = html[start.upperBound..<end.lowerBound]
        var amounts: [String] = []
        for marker in ["<span class=\"value\">", "<span class=\"sub\">"] {
            var rest = figure[...]
            while let open = rest.range(of: marker), let close = rest.range(of: "</span>", range: open.upperBound..<rest.endIndex)
            {
                amounts.append(String(rest[open.upperBound..<close.lowerBound]))
                rest = rest[close.upperBound...]
            }
        }
        return amounts
    }

    /// `1,234.56` for 123456 EUR: thousands separators, the currency's exponent.
    static func grouped(_ minor: Int64, _ currency: String) -> String {
        let exponent = ProviderScenario.exponents[currency]!
        let digits = String(minor.magnitude)
        let padded = String(repeating: "0", count: max(0, exponent + 1 - digits.count)) + digits
        let integer = padded.dropLast(exponent)
        var grouped = ""
        for (offset, character) in integer.enumerated() {
            if offset > 0 && (integer.count - offset) % 3 == 0 { grouped += "," }
            grouped.append(character)
        }
        return (minor < 0 ? "-" : "") + grouped + (exponent > 0 ? "." + padded.suffix(exponent) : "")
    }

    /// `"1,234.56 EUR"` in thousandths of a major unit, to compare sizes across currencies.
    static func major(_ amount: String) -> Int64 {
        let parts = amount.split(separator: " ")
        let currency = String(parts[1])
        let exponent = ProviderScenario.exponents[currency]!
        let minor = Int64(parts[0].filter { $0.isNumber })!
        var scale: Int64 = 1
        for _ in 0..<(3 - exponent) { scale *= 10 }
        return exponent <= 3 ? minor * scale : minor
    }
}
