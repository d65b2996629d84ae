import TallyCore

extension HTMLReport {
    /// "Still open from earlier windows": the items tonight's data did not touch, which a finance
    /// person still has to act on (breaks.csv lists them too, as `open_from_earlier`).
    static func openFromEarlierSection(_ report: RunReport) -> String {
        let items = report.openFromEarlier
        let e = HTMLEscaping.escape
        var html = "<section aria-labelledby=\"open-earlier-h\"><h2 id=\"open-earlier-h\">Still open from earlier windows"
        html += " (\(HTMLFormat.count(items.count)))</h2>\n"
        guard !items.isEmpty else {
            return html + "<p class=\"empty\">Nothing is open from earlier windows.</p></section>\n"
        }
        html += "<table id=\"open-earlier\"><thead><tr><th scope=\"col\">Class</th><th scope=\"col\">Severity</th>"
        html += "<th scope=\"col\">Reference</th><th scope=\"col\">Kind</th><th scope=\"col\" class=\"num\">Provider</th>"
        html += "<th scope=\"col\" class=\"num\">Ledger</th><th scope=\"col\" class=\"num\">Age (days)</th>"
        html += "<th scope=\"col\">First seen</th><th scope=\"col\">Item</th><th scope=\"col\">State</th></tr></thead><tbody>"
        func amount(_ money: Money?) -> String {
            money.map { "\(HTMLFormat.grouped($0.decimalString)) \($0.currency.code)" } ?? "—"
        }
        for item in items.prefix(maximumSectionRows) {
            let severity = item.breakClass.severity.rawValue
            html += "<tr><td>\(item.breakClass.rawValue)</td><td class=\"sev \(severity)\">\(severity)</td>"
            html += "<td class=\"ref\"><code>\(e(item.reference))</code></td><td>\(item.kind.name)</td>"
            html += "<td class=\"num\">\(amount(item.providerAmount))</td><td class=\"num\">\(amount(item.ledgerAmount))</td>"
            html += "<td class=\"num\">\(item.age(on: report.window.to))</td><td>\(item.firstSeen)</td>"
            html += "<td><code>\(item.id(provider: report.provider).rawValue)</code></td>"
            html += "<td>\(Self.itemState(report.mark(of: item)))</td></tr>\n"
        }
        html += "</tbody></table>\n" + overflowNote(items.count, "open items")
        return html + "</section>\n"
    }
}

extension HTMLReport {
    /// An item's state, assignee and last note as one table cell's text.
    static func itemState(_ mark: ItemMark) -> String {
        var text = HTMLEscaping.escape(mark.state.split(separator: "_").joined(separator: " "))
        if let assignee = mark.assignee { text += ", assigned to \(HTMLEscaping.escape(assignee))" }
        if let note = mark.lastNote { text += "<span class=\"detail\">\(HTMLEscaping.escape(note))</span>" }
        return text
    }
}
