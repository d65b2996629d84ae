import Foundation
import TallyCore
import TallyReport

/// The bodies of alerts: Standard Webhooks JSON (`standard`) or a Slack message (`slack`).
///
/// A body is a pure function of the run and the alert, so the same run and endpoint always give
/// the same bytes and the same `webhook-id`. Only what a person needs to act is sent: references,
/// classes, amounts at risk, dates; never merchant references or other ledger text.
///
/// The standard body:
/// ```json
/// {"type": "tally.run.alert", "timestamp": "2026-03-12T02:31:07.000000Z",
///  "data": {"run": {"id": "…", "provider": "acmepay", "window": {"from": "…", "to": "…"}, "report": "…/report.html"},
///           "summary": {…}, "fired": [{"trigger": "min_severity", "detail": "…"}],
///           "breaks": [{"class": "amount_mismatch", "reference": "ch_…", …}], "breaks_not_listed": 0,
///           "escalations": […], "escalations_not_listed": 0, "controls_failed": […]}}
/// ```
public enum AlertPayload {
    /// Breaks and escalations listed in one alert; the rest are counted.
    public static let listLimit = 50

    /// The body for the alert's endpoint style.
    public static func body(for alert: RunAlert, report: RunReport, reportPath: String?) -> String {
        switch alert.endpoint.style {
        case .standard: standard(alert, report: report, reportPath: reportPath)
        case .slack: SlackMessage.run(alert, report: report, reportPath: reportPath)
        }
    }

    static func standard(_ alert: RunAlert, report: RunReport, reportPath: String?) -> String {
        let result = report.result
        var byClass: [String: Any] = [:]
        for (breakClass, entry) in report.summaryByClass {
            var amounts: [String: Any] = [:]
            for (currency, minor) in entry.amountMinorByCurrency { amounts[currency.code] = minor }
            byClass[breakClass.rawValue] = ["count": entry.count, "amount_minor_by_currency": amounts]
        }
        let run: [String: Any] = [
            "id": report.runID, "provider": report.provider, "format": report.format,
            "window": ["from": report.window.from.description, "to": report.window.to.description],
            "timezone": report.timezone, "supersedes": report.supersedes ?? NSNull(), "report": reportPath ?? NSNull(),
        ]
        let summary: [String: Any] = [
            "settlement_transactions": result.settlementTransactions, "ledger_rows": result.ledgerRowsInWindow,
            "matched": result.matched,
            "match_rate_percent": AlertEvaluator.percent(
                AlertEvaluator.matchRateBasisPoints(matched: result.matched, of: result.settlementTransactions)),
            "breaks": report.breaks.count, "new": report.history.newCount, "persisting": report.history.persistingCount,
            "resolved": report.history.resolved.count, "by_class": byClass,
        ]
        let data: [String: Any] = [
            "run": run, "summary": summary,
            "fired": alert.fired.map { ["trigger": $0.trigger, "detail": $0.detail] },
            "breaks": alert.breaks.prefix(listLimit).map(breakObject),
            "breaks_not_listed": max(0, alert.breaks.count - listLimit),
            "escalations": alert.escalations.prefix(listLimit).map(escalationObject),
            "escalations_not_listed": max(0, alert.escalations.count - listLimit),
            "controls_failed": result.controls.filter { !$0.ok }.map {
                ["name": $0.name, "expected": $0.expected, "actual": $0.actual]
            },
        ]
        return json(["type": "tally.run.alert", "timestamp": report.finishedAt.iso8601, "data": data])
    }

    static func breakObject(_ dated: DatedBreak) -> [String: Any] {
        let item = dated.item
        return [
            "class": item.breakClass.rawValue, "severity": item.severity.rawValue, "reference": item.reference,
            "kind": item.kindName ?? NSNull(), "amount_at_risk_minor": item.amountAtRisk?.minor ?? NSNull(),
            "currency": item.amountAtRisk?.currency.code ?? NSNull(), "differences": item.differences.map(\.rawValue),
            "first_seen": dated.firstSeen.description, "age_days": dated.ageDays, "new": dated.isNew,
        ]
    }

    static func escalationObject(_ escalation: RunAlert.Escalation) -> [String: Any] {
        let item = escalation.item
        return [
            "class": item.breakClass.rawValue, "reference": item.reference, "kind": item.kind.name,
            "first_seen": item.firstSeen.description, "age_days": escalation.ageDays,
            "provider_amount_minor": item.providerAmount?.minor ?? NSNull(),
            "ledger_amount_minor": item.ledgerAmount?.minor ?? NSNull(),
            "currency": (item.providerAmount ?? item.ledgerAmount)?.currency.code ?? NSNull(),
        ]
    }

    /// Compact JSON with sorted keys: deterministic bytes for a deterministic `webhook-id`.
    static func json(_ object: [String: Any]) -> String {
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// "acmepay 2026-03-10..2026-03-11: 120 settlement transactions, 118 matched (98.33 %), 4 breaks (2 new)".
    static func headline(_ report: RunReport) -> String {
        let result = report.result
        let rate = AlertEvaluator.matchRateBasisPoints(matched: result.matched, of: result.settlementTransactions)
        return "\(report.provider) \(report.window.from)..\(report.window.to): "
            + "\(result.settlementTransactions) settlement transactions, \(result.matched) matched (\(AlertEvaluator.percent(rate)) %), "
            + "\(AlertEvaluator.count(report.breaks.count, "break")) (\(report.history.newCount) new, "
            + "\(report.history.persistingCount) persisting, \(report.history.resolved.count) resolved)"
    }
}
