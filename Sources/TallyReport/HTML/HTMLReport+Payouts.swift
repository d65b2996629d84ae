import TallyCore

/// "Payouts": what the provider announced, or the bank received, and where each payout stands
/// (docs/payouts.md). Absent for a provider without payouts.
extension HTMLReport {
    static func payoutsSection(_ report: RunReport) -> String {
        guard let payouts = report.payouts else { return "" }
        let e = HTMLEscaping.escape
        var html = "<section aria-labelledby=\"payouts-h\"><h2 id=\"payouts-h\">Payouts</h2>\n"
        html +=
            payouts.role == .bank
            ? "<p class=\"note\">The payouts the providers announced into this account, as this run leaves them.</p>\n"
            : "<p class=\"note\">The payouts this provider announced, and whether the bank has received them.</p>\n"
        html +=
            "<table id=\"payout-figures\"><thead><tr><th scope=\"col\">Currency</th><th scope=\"col\" class=\"num\">Payouts</th>"
        html += "<th scope=\"col\" class=\"num\">Announced</th><th scope=\"col\" class=\"num\">Arrived</th>"
        html += "<th scope=\"col\" class=\"num\">Outstanding</th><th scope=\"col\" class=\"num\">Missing</th></tr></thead><tbody>"
        for figures in payouts.figures {
            let c = figures.currency
            html += "<tr><td>\(e(c.code))</td><td class=\"num\">\(HTMLFormat.count(figures.count))</td>"
            html += "<td class=\"num\">\(HTMLFormat.money(figures.announced, c))</td>"
            html += "<td class=\"num\">\(HTMLFormat.money(figures.arrived, c))</td>"
            html += "<td class=\"num\">\(HTMLFormat.money(figures.outstanding, c))</td>"
            html += "<td class=\"num\">\(HTMLFormat.money(figures.missing, c))</td></tr>\n"
        }
        html += "</tbody></table>\n"
        html += "<table id=\"payouts\"><thead><tr><th scope=\"col\">Provider</th><th scope=\"col\">Payout</th>"
        html += "<th scope=\"col\" class=\"num\">Amount</th><th scope=\"col\">Paid out</th><th scope=\"col\">Due</th>"
        html += "<th scope=\"col\">State</th><th scope=\"col\">Bank line</th></tr></thead><tbody>"
        for payout in payouts.payouts {
            let state: String
            switch payout.state {
            case .arrived: state = "arrived"
            case .outstanding: state = "outstanding, \(payout.age(on: payouts.asOf)) d"
            case .missing: state = "missing"
            }
            let line =
                payout.arrival.map {
                    "\(e($0.file)):\($0.line) \($0.date?.description ?? "") \(HTMLFormat.money($0.amount.minor, $0.amount.currency))"
                } ?? ""
            html +=
                "<tr data-state=\"\(payout.state.rawValue)\"><td>\(e(payout.provider))</td><td><code>\(e(payout.reference))</code></td>"
            html += "<td class=\"num\">\(HTMLFormat.money(payout.amount.minor, payout.amount.currency))</td>"
            html +=
                "<td>\(payout.payoutDate)</td><td>\(payout.dueDate)</td><td>\(e(state))\(payout.reversedRun == nil ? "" : ", reversed")</td>"
            html += "<td>\(line)</td></tr>\n"
        }
        return html + "</tbody></table>\n</section>\n"
    }
}
