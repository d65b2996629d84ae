import TallyCore

/// "Money per currency": the file's gross, fees by kind, net and payouts, from every line.
extension HTMLReport {
    static func moneySection(_ figures: ReportFigures) -> String {
        let totals = figures.totalsByCurrency
        guard !totals.isEmpty else { return "" }
        var html = "<section aria-labelledby=\"money-h\"><h2 id=\"money-h\">Money per currency</h2>\n"
        html += "<p class=\"note\">From every line of the file. Net is gross less every fee plus the other lines;"
        html += " payouts are apart. Currencies are never added together.</p>\n"
        html += "<div class=\"table-scroll\"><table id=\"money\"><thead><tr><th scope=\"col\">Currency</th>"
        for heading in [
            "Transactions", "Gross", "Transaction fees", "Dispute fees", "Fee lines", "Fees", "Other lines", "Net", "Payouts",
        ] {
            html += "<th scope=\"col\" class=\"num\">\(heading)</th>"
        }
        html += "</tr></thead><tbody>"
        for total in totals {
            let x = total.currency.exponent
            func cell(_ minor: Int64, _ field: String) -> String {
                "<td class=\"num\" data-field=\"\(field)\">\(HTMLFormat.grouped(MoneyFormatter.decimal(minor, exponent: x)))</td>"
            }
            html += "<tr data-currency=\"\(total.currency.code)\"><td>\(total.currency.code)</td>"
            html += "<td class=\"num\" data-field=\"transactions\">\(HTMLFormat.count(total.transactions))</td>"
            html += cell(total.grossMinor, "gross") + cell(total.transactionFeesMinor, "transaction-fees")
            html += cell(total.disputeFeesMinor, "dispute-fees") + cell(total.feeLinesMinor, "fee-lines")
            html += cell(total.feesMinor, "fees") + cell(total.otherLinesMinor, "other-lines")
            html += cell(total.netMinor, "net") + cell(total.payoutsMinor, "payouts") + "</tr>\n"
        }
        return html + "</tbody></table></div></section>\n"
    }
}
