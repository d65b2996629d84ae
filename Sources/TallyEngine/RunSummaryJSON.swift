import Foundation
import TallyCore
import TallyReport

/// The compact summary and file list stored with each run in `tally.runs`.
enum RunSummaryJSON {
    static func summary(_ report: RunReport) throws -> String {
        let byClass = report.summaryByClass
        var breaks: [String: Int] = [:]
        for (breakClass, entry) in byClass { breaks[breakClass.rawValue] = entry.count }
        var severities: [String: Int] = ["high": 0, "medium": 0, "info": 0]
        for dated in report.breaks { severities[dated.item.severity.rawValue, default: 0] += 1 }
        let object: [String: Any] = [
            "settlement_transactions": report.result.settlementTransactions,
            "ledger_rows": report.result.ledgerRowsInWindow, "matched": report.result.matched,
            "rejects": report.result.rejects.count, "breaks": breaks, "severities": severities,
            "delta": [
                "new": report.history.newCount, "persisting": report.history.persistingCount,
                "resolved": report.history.resolved.count,
            ],
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func files(_ report: RunReport) throws -> String {
        let object = report.files.map {
            ["path": $0.path, "sha256": $0.sha256, "records": $0.records, "rejected": $0.rejected] as [String: Any]
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
