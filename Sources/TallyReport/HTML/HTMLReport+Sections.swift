import TallyCore

/// The line-level sections: breaks, resolved items, controls, rejects, non-transaction lines.
extension HTMLReport {
    static func breaksSection(_ report: RunReport, _ table: BreakTable) -> String {
        let total = report.breaks.count
        let shown = min(total, BreakTable.staticRows)
        var html = "<section aria-labelledby=\"breaks-h\"><h2 id=\"breaks-h\">Breaks (\(HTMLFormat.count(total)))</h2>\n"
        html += """
            <div class="toolbar" id="breaks-filters" role="search" hidden>
            <label>Class<select id="f-class"><option value="">All classes</option></select></label>
            <label>Severity<select id="f-severity"><option value="">All severities</option></select></label>
            <label>Currency<select id="f-currency"><option value="">All currencies</option></select></label>
            <label>State<select id="f-state"><option value="">All states</option></select></label>
            <label>Search<input id="f-text" type="search" placeholder="Reference, file, status" autocomplete="off"></label>
            <label>Rows per page<select id="f-size"><option>25</option><option selected>50</option><option>100</option><option>500</option></select></label>
            <div class="pager"><button type="button" id="f-clear">Clear filters</button></div>
            </div>

            """
        let status =
            total == 0
            ? "No breaks."
            : total > shown
                ? "The first \(HTMLFormat.count(shown)) of \(HTMLFormat.count(total)) breaks, in report order."
                : "\(HTMLFormat.count(total)) breaks, in report order."
        html +=
            "<p class=\"status\" id=\"breaks-status\" aria-live=\"polite\" data-matching=\"\(total)\" data-shown=\"\(shown)\">\(status)</p>\n"
        html += "<div class=\"table-scroll\"><table id=\"breaks\" data-rendered=\"static\"><thead><tr>"
        for column in BreakTable.columns {
            html += "<th data-key=\"\(column.key)\" scope=\"col\"\(column.numeric ? " class=\"num\"" : "")>\(column.title)</th>"
        }
        html += "</tr></thead><tbody>\n"
        html +=
            total == 0
            ? "<tr><td colspan=\"\(BreakTable.columns.count)\" class=\"empty\">No breaks.</td></tr>" : table.staticBody()
        html += "</tbody></table></div>\n"
        if total > shown {
            html += "<noscript><p class=\"note\">Script is off, so this table shows the first \(HTMLFormat.count(shown)) breaks"
            html += " only, without filters. All \(HTMLFormat.count(total)) are in <code>breaks.csv</code> and"
            html += " <code>report.json</code> beside this file.</p></noscript>\n"
        }
        html += """
            <div class="pager" id="breaks-pager" hidden><button type="button" id="page-first">First</button>\
            <button type="button" id="page-prev">Previous</button><span class="status" id="page-label"></span>\
            <button type="button" id="page-next">Next</button><button type="button" id="page-last">Last</button></div>
            <p class="print-only note" id="breaks-print-note"></p>
            </section>

            """
        return html
    }

    static func resolvedSection(_ report: RunReport) -> String {
        let resolved = report.history.resolved
        let e = HTMLEscaping.escape
        var html = "<section aria-labelledby=\"resolved-h\"><h2 id=\"resolved-h\">Resolved since the previous window"
        html += " (\(HTMLFormat.count(resolved.count)))</h2>\n"
        guard !resolved.isEmpty else { return html + "<p class=\"empty\">Nothing was resolved by this run.</p></section>\n" }
        html += "<table id=\"resolved\"><thead><tr><th scope=\"col\">Reference</th><th scope=\"col\">Kind</th>"
        html +=
            "<th scope=\"col\">Was</th><th scope=\"col\">First seen</th><th scope=\"col\">Resolved as</th><th scope=\"col\">By</th></tr></thead><tbody>"
        for item in resolved.prefix(maximumSectionRows) {
            html += "<tr><td class=\"ref\"><code>\(e(item.reference))</code></td><td>\(item.kind.name)</td>"
            html += "<td>\(item.breakClass.rawValue)</td><td>\(item.firstSeen)</td><td>\(item.resolvedAs.rawValue)</td>"
            let mark = item.resolvedAs.isByPerson ? report.resolvedMarks[item.key] : nil
            let by =
                item.resolvedAs.isByPerson ? e(mark?.resolvedBy ?? "?") + (mark?.reason.map { " (\(e($0)))" } ?? "") : "the run"
            html += "<td>\(by)</td></tr>\n"
        }
        html += "</tbody></table>\n" + overflowNote(resolved.count, "resolved items")
        return html + "</section>\n"
    }

    static func controlsSection(_ report: RunReport) -> String {
        let controls = report.result.controls
        let e = HTMLEscaping.escape
        var html = "<section aria-labelledby=\"controls-h\"><h2 id=\"controls-h\">Controls (\(controls.count))</h2>\n"
        guard !controls.isEmpty else {
            return html + "<p class=\"empty\">The files carry no control totals Tally checks.</p></section>\n"
        }
        html += "<table id=\"controls\"><thead><tr><th scope=\"col\">Control</th><th scope=\"col\">File</th>"
        html += "<th scope=\"col\">Result</th><th scope=\"col\">Expected</th><th scope=\"col\">Actual</th></tr></thead><tbody>"
        for control in controls {
            html += "<tr><td>\(e(control.name))</td><td class=\"ref\">\(e(report.path(ofFile: control.file)))</td>"
            html += control.ok ? "<td class=\"ok\">passed</td>" : "<td class=\"fail\">FAILED</td>"
            html += "<td>\(e(control.expected))</td><td>\(e(control.actual))"
            if !control.lines.isEmpty {
                let file = report.path(ofFile: control.file)
                html += "<ul class=\"control-lines\">"
                for line in control.lines {
                    html += "<li><code>\(e(file)):\(line.line)</code> expected \(e(line.expected)), actual \(e(line.actual))</li>"
                }
                if control.moreLines > 0 { html += "<li>… and \(HTMLFormat.count(control.moreLines)) more</li>" }
                html += "</ul>"
            }
            html += "</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    static func rejectsSection(_ report: RunReport) -> String {
        let rejects = report.result.rejects
        let e = HTMLEscaping.escape
        var html = "<section aria-labelledby=\"rejects-h\"><h2 id=\"rejects-h\">Rejected records"
        html += " (\(HTMLFormat.count(rejects.count)))</h2>\n"
        guard !rejects.isEmpty else { return html + "<p class=\"empty\">Every record could be read.</p></section>\n" }
        html += "<table id=\"rejects\"><thead><tr><th scope=\"col\">File</th><th scope=\"col\" class=\"num\">Line</th>"
        html += "<th scope=\"col\">Reason</th></tr></thead><tbody>"
        for reject in rejects.prefix(maximumSectionRows) {
            html += "<tr><td class=\"ref\">\(e(report.path(ofFile: reject.location.file)))</td>"
            html += "<td class=\"num\">\(reject.location.line)</td><td>\(e(reject.reason))</td></tr>\n"
        }
        html += "</tbody></table>\n" + overflowNote(rejects.count, "rejects")
        return html + "</section>\n"
    }

    static func nonTransactionsSection(_ report: RunReport) -> String {
        let totals = report.result.nonTransactions.sorted
        guard !totals.isEmpty else { return "" }
        var html = "<section aria-labelledby=\"lines-h\"><h2 id=\"lines-h\">Payouts, fees and other lines</h2>\n"
        html += "<table id=\"non-transactions\"><thead><tr><th scope=\"col\">Category</th><th scope=\"col\">Currency</th>"
        html += "<th scope=\"col\" class=\"num\">Lines</th><th scope=\"col\" class=\"num\">Gross</th>"
        html += "<th scope=\"col\" class=\"num\">Fee</th><th scope=\"col\" class=\"num\">Net</th></tr></thead><tbody>"
        for (key, total) in totals {
            let x = key.currency.exponent
            func amount(_ minor: Int64) -> String { HTMLFormat.grouped(MoneyFormatter.decimal(minor, exponent: x)) }
            html += "<tr><td>\(HTMLEscaping.escape(key.category))</td><td>\(key.currency.code)</td>"
            html += "<td class=\"num\">\(HTMLFormat.count(total.count))</td><td class=\"num\">\(amount(total.gross))</td>"
            html += "<td class=\"num\">\(amount(total.fee))</td><td class=\"num\">\(amount(total.net))</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    static func overflowNote(_ count: Int, _ what: String) -> String {
        guard count > maximumSectionRows else { return "" }
        return "<p class=\"note\">The first \(HTMLFormat.count(maximumSectionRows)) of \(HTMLFormat.count(count)) \(what)"
            + " are shown; all are in <code>report.json</code>.</p>\n"
    }
}
