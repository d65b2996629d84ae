import TallyCore

/// The charts of the page, each an inline SVG (``SVGChart``).
extension HTMLReport {
    static func chartsSection(_ report: RunReport, _ figures: ReportFigures) -> String {
        var html = "<section aria-labelledby=\"charts-h\"><h2 id=\"charts-h\">At a glance</h2><div class=\"charts\">"
        html += "<div class=\"chart\" id=\"chart-classes\"><h3>Breaks by class</h3>"
        if figures.byClass.isEmpty {
            html += "<p class=\"empty\">No breaks.</p>"
        } else {
            html += SVGChart.bars(
                figures.byClass.map {
                    SVGChart.Bar(
                        label: $0.breakClass.rawValue, value: Int64($0.count), text: HTMLFormat.count($0.count),
                        tone: $0.breakClass.severity.rawValue)
                }, id: "svg-classes", title: "Breaks by class")
        }
        html += "</div>"

        html += "<div class=\"chart\" id=\"chart-risk\"><h3>Amount at risk by currency</h3>"
        if figures.amountAtRisk.isEmpty {
            html += "<p class=\"empty\">No high-severity break puts money at risk.</p>"
        } else {
            // Currencies are never added or converted: each bar is the share of that currency's
            // settled amount at risk, so bars of different currencies compare fairly.
            let settled = Dictionary(
                uniqueKeysWithValues: figures.matchRateByAmount.map { ($0.currency, $0.settledMinor) })
            html += SVGChart.bars(
                figures.amountAtRisk.map { amount in
                    let share = settled[amount.currency].flatMap { ReportFigures.tenthsOfPercent(amount.minor, of: $0) }
                    return SVGChart.Bar(
                        label: amount.currency.code, value: min(1000, share ?? 1000),
                        text: HTMLFormat.money(amount.minor, amount.currency)
                            + (share.map { " (\($0 / 10).\($0 % 10)% of settled)" } ?? ""),
                        tone: "high")
                }, id: "svg-risk", title: "Amount at risk by currency, as a share of the amount settled", textWidth: 230)
            html += "<p class=\"note\">Bar length: share of the currency's settled amount.</p>"
        }
        html += "</div>"

        html += "<div class=\"chart\" id=\"chart-ages\"><h3>Open items by age (days)</h3>"
        if report.history.visibleOpen.isEmpty {
            html += "<p class=\"empty\">No open items.</p>"
        } else {
            html += SVGChart.columns(
                figures.openItemsByAge.map {
                    SVGChart.Column(
                        label: $0.label, segments: [($0.count, "neutral")],
                        title: "\($0.label) days: \(plural($0.count, "open item"))")
                }, id: "svg-ages", title: "Open items by age in days", height: 200)
        }
        html += "</div>"

        if !report.earlierWindows.isEmpty {
            let windows = report.earlierWindows + [report.windowBreaks]
            html += "<div class=\"chart\" id=\"chart-nights\"><h3>Breaks per window, last \(windows.count)</h3>"
            html += SVGChart.columns(
                windows.map { window in
                    let name = window.from == window.to ? "\(window.to)" : "\(window.from) to \(window.to)"
                    return SVGChart.Column(
                        label: String(window.to.description.dropFirst(5)),
                        segments: [(window.high, "high"), (window.medium, "medium"), (window.info, "info")],
                        title: "\(name): \(window.high) high, \(window.medium) medium, \(window.info) info")
                }, id: "svg-nights", title: "Breaks per window of this provider, by severity")
            html += "<p class=\"note\">Stacked: high (red), medium (amber), info (blue). The last column is this run.</p>"
            html += "</div>"
        }
        html += "</div></section>\n"
        return html
    }
}
