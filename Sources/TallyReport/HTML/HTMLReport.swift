import TallyCore

/// Renders `report.html`: one self-contained page (inline CSS, no script, no request leaves it)
/// with the headline figures first and the break lines after. Every provider- or ledger-supplied
/// string is escaped, and a Content-Security-Policy forbids scripts in case one ever is not.
public enum HTMLReport {
    /// Rows shown in the page's break table; the rest are in `breaks.csv` and `report.json`.
    public static let maximumRows = 5_000

    public static func render(_ report: RunReport) -> [UInt8] {
        let result = report.result
        let e = HTMLEscaping.escape
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Tally · \(e(report.provider)) · \(report.window.from) to \(report.window.to)</title>
            <style>
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;margin:24px;max-width:1400px}
            h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px}
            .meta{color:#444;font-size:13px} .figures{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
            .figure{border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;min-width:150px}
            .figure b{display:block;font-size:20px} table{border-collapse:collapse;width:100%;font-size:13px}
            th,td{border-bottom:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
            th{background:#f3f5f7} td.num{text-align:right;font-variant-numeric:tabular-nums}
            .high{color:#a40e26;font-weight:600} .medium{color:#8a4b00;font-weight:600} .info{color:#0b5394}
            .ok{color:#116329;font-weight:600} .fail{color:#a40e26;font-weight:600} code{font-size:12px}
            @media print{body{margin:0} .figure{break-inside:avoid} tr{break-inside:avoid}}
            </style></head><body>
            <h1>Reconciliation: \(e(report.provider)), \(report.window.from) to \(report.window.to)</h1>
            <div class="meta">Format \(e(report.format)) · time zone \(e(report.timezone)) · run <code>\(e(report.runID))</code> · started \(report.startedAt.iso8601)\(report.dryRun ? " · <b>dry run</b>" : "")</div>

            """
        html += "<div class=\"meta\">Files: "
        html += report.files.map { "\(e($0.path)) (<code>\($0.sha256.prefix(12))</code>, \($0.records) records, \($0.rejected) rejected)" }.joined(separator: "; ")
        html += "</div>\n<div class=\"figures\">"
        let breakCount = report.breaks.count
        let rate = result.settlementTransactions == 0 ? "n/a" : percent(result.matched, of: result.settlementTransactions)
        html += figure("Settlement transactions", String(result.settlementTransactions))
        html += figure("Ledger rows in window", String(result.ledgerRowsInWindow))
        html += figure("Matched", "\(result.matched) (\(rate))")
        for severity in Severity.allCases.reversed() {
            let count = report.breaks.filter { $0.item.severity == severity }.count
            html += figure("Breaks, \(severity.rawValue)", String(count), cssClass: count > 0 ? severity.rawValue : nil)
        }
        html += figure("Rejected records", String(result.rejects.count), cssClass: result.rejects.isEmpty ? nil : "high")
        html += "</div>\n"

        html += "<h2>Breaks by class</h2><table><tr><th>Class</th><th>Severity</th><th>Count</th><th>Amount by currency</th></tr>"
        let summary = report.summaryByClass
        for breakClass in BreakClass.allCases {
            guard let entry = summary[breakClass] else { continue }
            let amounts = entry.amountMinorByCurrency.sorted { $0.key < $1.key }.map {
                "\(MoneyFormatter.decimal($0.value, exponent: $0.key.exponent)) \($0.key.code)"
            }.joined(separator: ", ")
            html += "<tr><td>\(breakClass.rawValue)</td><td class=\"\(breakClass.severity.rawValue)\">\(breakClass.severity.rawValue)</td><td class=\"num\">\(entry.count)</td><td>\(amounts)</td></tr>"
        }
        if summary.isEmpty { html += "<tr><td colspan=\"4\">No breaks.</td></tr>" }
        html += "</table>\n"

        let totals = result.nonTransactions.sorted
        if !totals.isEmpty {
            html += "<h2>Payouts, fees and other lines</h2><table><tr><th>Category</th><th>Currency</th><th>Lines</th><th>Gross</th><th>Fee</th><th>Net</th></tr>"
            for (key, total) in totals {
                let x = key.currency.exponent
                html += "<tr><td>\(e(key.category))</td><td>\(key.currency.code)</td><td class=\"num\">\(total.count)</td><td class=\"num\">\(MoneyFormatter.decimal(total.gross, exponent: x))</td><td class=\"num\">\(MoneyFormatter.decimal(total.fee, exponent: x))</td><td class=\"num\">\(MoneyFormatter.decimal(total.net, exponent: x))</td></tr>"
            }
            html += "</table>\n"
        }

        if !result.controls.isEmpty {
            html += "<h2>Controls</h2><table><tr><th>Control</th><th>File</th><th>Result</th><th>Expected</th><th>Actual</th></tr>"
            for control in result.controls {
                html += "<tr><td>\(e(control.name))</td><td>\(e(report.path(ofFile: control.file)))</td><td class=\"\(control.ok ? "ok" : "fail")\">\(control.ok ? "ok" : "FAILED")</td><td>\(e(control.expected))</td><td>\(e(control.actual))</td></tr>"
            }
            html += "</table>\n"
        }

        html += "<h2>Breaks (\(breakCount))</h2>"
        if breakCount > maximumRows {
            html += "<p>Showing the first \(maximumRows) of \(breakCount); breaks.csv and report.json hold all of them.</p>"
        }
        html += "<table><tr><th>Class</th><th>Severity</th><th>Reference</th><th>Kind</th><th>Provider amount</th><th>Ledger amount</th><th>Ledger status</th><th>Ledger created</th><th>Differences</th><th>File:line</th><th>Open since</th></tr>"
        for dated in report.breaks.prefix(maximumRows) {
            let item = dated.item
            let providerAmount = item.provider.map { "\($0.amount.decimalString) \($0.amount.currency.code)" } ?? ""
            let ledgerAmount = item.ledger.map { "\($0.amount.decimalString) \($0.amount.currency.code)" } ?? ""
            let place = item.provider.map { "\(e(report.path(ofFile: $0.location.file))):\($0.location.line)" } ?? ""
            html += "<tr><td>\(item.breakClass.rawValue)</td><td class=\"\(item.severity.rawValue)\">\(item.severity.rawValue)</td><td><code>\(e(item.reference))</code></td><td>\(item.kindName ?? "")</td><td class=\"num\">\(providerAmount)</td><td class=\"num\">\(ledgerAmount)</td><td>\(e(item.ledger?.status.text ?? ""))</td><td>\(item.ledger?.createdAt.iso8601 ?? "")</td><td>\(item.differences.map(\.rawValue).joined(separator: ", "))</td><td>\(place)</td><td>\(dated.firstSeen)\(dated.isNew ? " (new)" : " (\(dated.ageDays) d)")</td></tr>\n"
        }
        html += "</table>\n"

        if !result.rejects.isEmpty {
            html += "<h2>Rejected records (\(result.rejects.count))</h2><table><tr><th>File</th><th>Line</th><th>Reason</th></tr>"
            for reject in result.rejects.prefix(maximumRows) {
                html += "<tr><td>\(e(report.path(ofFile: reject.location.file)))</td><td class=\"num\">\(reject.location.line)</td><td>\(e(reject.reason))</td></tr>\n"
            }
            html += "</table>\n"
        }
        html += "<p class=\"meta\">Generated by Tally at \(report.finishedAt.iso8601).</p></body></html>\n"
        return Array(html.utf8)
    }

    static func figure(_ label: String, _ value: String, cssClass: String? = nil) -> String {
        "<div class=\"figure\">\(label)<b\(cssClass.map { " class=\"\($0)\"" } ?? "")>\(value)</b></div>"
    }

    /// `matched / total` as a percentage with one decimal, by integer arithmetic.
    static func percent(_ part: Int, of total: Int) -> String {
        let tenths = (part * 1000 + total / 2) / total
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
