import TallyAlerts
import TallyCore
import TallyEngine
import TallyReport

/// The few lines `tally run` prints on stdout when it finishes.
enum RunSummaryText {
    static func render(_ outcome: ReconciliationRun.Outcome) -> String {
        let report = outcome.report
        let result = report.result
        var lines: [String] = []
        lines.append(
            "\(report.provider) \(report.window.from)..\(report.window.to) (\(report.timezone)): "
                + "\(result.settlementTransactions) settlement transactions, \(result.ledgerRowsInWindow) ledger rows, "
                + "\(result.matched) matched, \(report.breaks.count) breaks, \(result.rejects.count) rejects")
        let summary = report.summaryByClass
        for breakClass in BreakClass.allCases {
            guard let entry = summary[breakClass] else { continue }
            let amounts = entry.amountMinorByCurrency.sorted { $0.key < $1.key }.map {
                "\(MoneyFormatter.decimal($0.value, exponent: $0.key.exponent)) \($0.key.code)"
            }
            // a control break has no amount: no empty brackets after it
            let money = amounts.isEmpty ? "" : "  [\(amounts.joined(separator: ", "))]"
            lines.append("  \(breakClass.rawValue) (\(breakClass.severity.rawValue)): \(entry.count)\(money)")
        }
        for control in result.controls where !control.ok {
            lines.append("  control failed: \(control.name): expected \(control.expected), got \(control.actual)")
        }
        if outcome.alertsQueued > 0 || outcome.delivery != nil {
            var text = "alerts: \(outcome.alertsQueued) queued"
            if let delivery = outcome.delivery {
                text += ", \(delivery.delivered) delivered, \(delivery.retried) to retry, \(delivery.dead) dead"
            }
            lines.append(text)
        }
        lines.append("reports: \(outcome.reportPaths.joined(separator: " "))")
        if let index = outcome.indexPath { lines.append("index: \(index)") }
        return lines.joined(separator: "\n")
    }
}
