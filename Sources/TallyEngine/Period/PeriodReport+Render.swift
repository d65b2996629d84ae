import Foundation
import TallyCore
import TallyReport

extension PeriodReport {
    /// `period.json`: the figures as one object, keys sorted (docs/reports.md, "The period report").
    public func json() throws -> [UInt8] {
        let object: [String: Any] = [
            "period": ["from": from.description, "to": to.description, "provider": provider ?? NSNull()] as [String: Any],
            "providers": providers.map(Self.object),
            "actions": actions,
        ]
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]))
    }

    static func object(_ figures: ProviderFigures) -> [String: Any] {
        [
            "provider": figures.provider, "runs": figures.runs.count,
            "settlement_transactions": figures.settlementTransactions, "matched": figures.matched,
            "match_rate_count_basis_points": figures.matchRateCountBasisPoints,
            "currencies": figures.currencies.mapValues { money -> [String: Any] in
                [
                    "transactions": money.transactions, "settled_minor": money.settledMinor,
                    "matched_minor": money.matchedMinor,
                    "match_rate_amount_basis_points": money.matchRateAmountBasisPoints, "fees_minor": money.feesMinor,
                    "payouts_minor": money.payoutsMinor, "opened_minor": money.openedMinor,
                    "written_off_minor": money.writtenOffMinor, "explained_minor": money.explainedMinor,
                ]
            },
            "breaks": [
                "opened": figures.opened, "resolved_by_reconciler": figures.resolvedByReconciler,
                "confirmed": figures.confirmed, "rejected": figures.rejected,
                "written_off_by_reason": figures.writtenOffByReason, "explained_by_reason": figures.explainedByReason,
                "open_at_end_by_age": Dictionary(
                    uniqueKeysWithValues: buckets.map { ($0.name, figures.openAtEnd[$0.name] ?? 0) }),
                "open_at_end_by_state": figures.openAtEndByState,
            ] as [String: Any],
        ]
    }

    static let style = """
        body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;color:#1b1f24}
        h1{font-size:22px}h2{font-size:17px;margin-top:28px}table{border-collapse:collapse;width:100%;margin:8px 0}
        th,td{border-bottom:1px solid #d8dee4;padding:4px 8px;text-align:left}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        .figures{display:flex;flex-wrap:wrap;gap:12px}.figure{border:1px solid #d8dee4;border-radius:6px;padding:8px 12px;min-width:150px}
        .figure .value{display:block;font-size:20px;font-weight:700}.muted{color:#57606a}
        @media print{body{margin:0;max-width:none}}
        """

    /// `period.html`: self-contained (no script, every fetch forbidden by its CSP), figures first.
    public func html() -> String {
        let e = HTMLEscaping.escape
        let policy = ContentSecurityPolicy(scripts: [], styles: [Self.style])
        let title = "Tally period \(from) to \(to)" + (provider.map { " — \($0)" } ?? "")
        var html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\(policy.metaElement)"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>\(e(title))</title>"
        html += "<style>\(Self.style)</style></head><body>\n<h1>\(e(title))</h1>\n"
        if providers.isEmpty { html += "<p class=\"muted\" id=\"verdict\">No stored run lies inside this period.</p>\n" }
        for figures in providers { html += Self.section(figures) }
        html += "<h2 id=\"actions-h\">Who did what</h2>\n"
        html += "<table id=\"actions\"><thead><tr><th scope=\"col\">Actor</th><th scope=\"col\">Action</th>"
        html += "<th scope=\"col\" class=\"num\">Events</th></tr></thead><tbody>"
        for actor in actions.keys.sorted() {
            for (action, count) in actions[actor]!.sorted(by: { $0.key < $1.key }) {
                html += "<tr><td>\(e(actor))</td><td>\(e(action))</td><td class=\"num\">\(count)</td></tr>"
            }
        }
        if actions.isEmpty { html += "<tr><td colspan=\"3\" class=\"muted\">No item events in this period.</td></tr>" }
        return html + "</tbody></table>\n</body></html>\n"
    }

    static func section(_ figures: ProviderFigures) -> String {
        let e = HTMLEscaping.escape
        let name = e(figures.provider)
        var html = "<h2>\(name)</h2>\n<div class=\"figures\">"
        func figure(_ id: String, _ label: String, _ value: String) {
            html += "<div class=\"figure\" id=\"fig-\(name)-\(id)\"><span class=\"value\">\(value)</span>\(label)</div>"
        }
        figure("runs", "runs", String(figures.runs.count))
        figure("match-count", "matched by count", "\(percent(figures.matchRateCountBasisPoints)) %")
        figure("opened", "breaks opened", String(figures.opened.values.reduce(0, +)))
        figure("written-off", "written off", String(figures.writtenOffByReason.values.reduce(0, +)))
        figure("open", "still open at the end", String(figures.openAtEnd.values.reduce(0, +)))
        html += "</div>\n<table><thead><tr><th scope=\"col\">Currency</th>"
        for heading in [
            "Transactions", "Settled", "Matched", "By amount", "Fees", "Payouts", "Opened", "Written off", "Explained",
        ] {
            html += "<th scope=\"col\" class=\"num\">\(heading)</th>"
        }
        html += "</tr></thead><tbody>"
        for (code, money) in figures.currencies.sorted(by: { $0.key < $1.key }) {
            let currency = Currency(code: code)
            func amount(_ minor: Int64) -> String {
                currency.map { Money(minor: minor, currency: $0).decimalString } ?? String(minor)
            }
            html += "<tr><td>\(e(code))</td><td class=\"num\">\(money.transactions)</td>"
            for minor in [money.settledMinor, money.matchedMinor] { html += "<td class=\"num\">\(amount(minor))</td>" }
            html += "<td class=\"num\">\(percent(money.matchRateAmountBasisPoints)) %</td>"
            for minor in [money.feesMinor, money.payoutsMinor, money.openedMinor, money.writtenOffMinor, money.explainedMinor] {
                html += "<td class=\"num\">\(amount(minor))</td>"
            }
            html += "</tr>"
        }
        html +=
            "</tbody></table>\n<table><thead><tr><th scope=\"col\">Breaks</th><th scope=\"col\">Detail</th></tr></thead><tbody>"
        func row(_ label: String, _ counts: [String: Int]) {
            let detail = counts.sorted(by: { $0.key < $1.key }).map { "\(e($0.key)) \($0.value)" }.joined(separator: ", ")
            html += "<tr><td>\(label)</td><td>\(detail.isEmpty ? "none" : detail)</td></tr>"
        }
        row("opened, by class", figures.opened)
        row("resolved by the reconciler", figures.resolvedByReconciler)
        row("confirmed / rejected proposals", ["confirmed": figures.confirmed, "rejected": figures.rejected])
        row("written off, by reason", figures.writtenOffByReason)
        row("explained, by reason", figures.explainedByReason)
        row("still open at the end, by age (days)", figures.openAtEnd)
        row("still open at the end, by state", figures.openAtEndByState)
        return html + "</tbody></table>\n"
    }

    /// `9950` → `"99.50"`.
    static func percent(_ basisPoints: Int) -> String {
        "\(basisPoints / 100).\(String(basisPoints % 100).leftPadded(to: 2))"
    }
}
