import Foundation
import TallyCore
import TallyReport

/// Slack incoming-webhook messages: `{"text": fallback, "blocks": [...]}`.
///
/// Every piece of provider or ledger text goes through ``escape(_:)`` (`&`, `<`, `>`), so a
/// reference cannot ping `<!channel>` or smuggle a link; sections stay under Slack's 3,000
/// characters and the message far under its 50 blocks.
enum SlackMessage {
    static let sectionLimit = 2_900

    static func run(_ alert: RunAlert, report: RunReport, reportPath: String?) -> String {
        let title = "Tally: \(report.provider) \(report.window.from)..\(report.window.to)"
        var blocks: [[String: Any]] = [header(title)]
        let fired = alert.fired.map { "• \(escape($0.detail))" }.joined(separator: "\n")
        blocks.append(section("*\(escape(AlertPayload.headline(report)))*\n\(fired)"))
        if !alert.breaks.isEmpty {
            let lines = alert.breaks.prefix(AlertPayload.listLimit).map(line)
            let rest = alert.breaks.count - AlertPayload.listLimit
            blocks += sections(title: "*New breaks*", lines: lines + (rest > 0 ? ["…and \(rest) more in the report"] : []))
        }
        if !alert.escalations.isEmpty {
            let lines = alert.escalations.prefix(AlertPayload.listLimit).map { escalation in
                "`\(escalation.item.breakClass.rawValue)` \(escape(escalation.item.reference)) (\(escalation.item.kind.name)), "
                    + "open since \(escalation.item.firstSeen), \(escalation.ageDays) days"
            }
            let rest = alert.escalations.count - AlertPayload.listLimit
            blocks += sections(title: "*Escalations*", lines: lines + (rest > 0 ? ["…and \(rest) more"] : []))
        }
        if let reportPath { blocks.append(context("Report: \(escape(reportPath))")) }
        var summary = "\(title): \(alert.fired.map(\.detail).joined(separator: "; "))"
        if summary.count > 300 { summary = String(summary.prefix(299)) + "…" }
        return AlertPayload.json(["text": escape(summary), "blocks": blocks])
    }

    static func failure(_ failure: RunFailure) -> String {
        let title = "Tally run failed: \(failure.provider) \(failure.from)..\(failure.to)"
        let detail = "exit status \(failure.exitStatus) (\(escape(failure.meaning)))\n```\(escape(failure.message))```"
        return AlertPayload.json([
            "text": escape("\(title): exit status \(failure.exitStatus)"),
            "blocks": [header(title), section(String(detail.prefix(sectionLimit))), context("Run \(failure.runID)")],
        ])
    }

    static func line(_ dated: DatedBreak) -> String {
        let item = dated.item
        var text = "`\(item.breakClass.rawValue)` \(escape(item.reference))"
        if let kind = item.kindName { text += " (\(kind))" }
        if let risk = item.amountAtRisk { text += ", \(risk) at risk" }
        if !dated.isNew { text += ", open since \(dated.firstSeen)" }
        return text
    }

    /// `&`, `<` and `>` as Slack requires in mrkdwn and fallback text.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func header(_ text: String) -> [String: Any] {
        ["type": "header", "text": ["type": "plain_text", "text": String(text.prefix(150))]]
    }

    static func section(_ markdown: String) -> [String: Any] {
        ["type": "section", "text": ["type": "mrkdwn", "text": markdown]]
    }

    static func context(_ markdown: String) -> [String: Any] {
        ["type": "context", "elements": [["type": "mrkdwn", "text": String(markdown.prefix(sectionLimit))]]]
    }

    /// Lines packed into as few sections as fit the limit, the title on the first.
    static func sections(title: String, lines: [String]) -> [[String: Any]] {
        var blocks: [[String: Any]] = []
        var current = title
        for line in lines {
            let line = String(line.prefix(sectionLimit - title.count - 1))
            if current.count + 1 + line.count > sectionLimit {
                blocks.append(section(current))
                current = line
            } else {
                current += "\n" + line
            }
        }
        blocks.append(section(current))
        return blocks
    }
}
