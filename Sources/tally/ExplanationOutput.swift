import Foundation
import TallyCore
import TallyEngine
import TallyPostgres

/// `tally explain` as text or as a JSON object.
enum ExplanationOutput {
    static func text(_ explanation: Explanation) -> String {
        var lines = ["\(explanation.reference) (\(explanation.provider))"]
        if let run = explanation.run {
            let state = run.current ? "current" : run.state == "succeeded" ? "superseded" : run.state
            lines.append(
                "run \(run.id): \(run.window.from)..\(run.window.to) (\(run.timezone)), \(state); tolerance \(run.toleranceMinor) minor units, lookback \(run.lookbackDays) d, lookahead \(run.lookaheadDays) d"
            )
        }
        lines.append("settlement lines:")
        if explanation.lines.isEmpty { lines.append("  none") }
        for line in explanation.lines {
            lines.append("  \(line.file):\(line.line)  \(line.kind.name)  \(line.amount)  (\(describe(line.source)))")
        }
        lines.append("ledger rows:")
        if explanation.ledgerRows.isEmpty { lines.append("  none") }
        for row in explanation.ledgerRows {
            let record = row.record
            let merchant = record.merchantReference.map { ", merchant_ref \($0)" } ?? ""
            lines.append(
                "  \(record.kind.name)  \(record.amount)  \(record.status.text)  created \(record.createdAt.iso8601)\(merchant)  (\(describe(row.source)))"
            )
        }
        lines.append("outcome:")
        if explanation.outcomes.isEmpty { lines.append("  not examined by a stored run") }
        for outcome in explanation.outcomes {
            var head = "  \(outcome.breakClass?.rawValue ?? "matched")"
            if let breakClass = outcome.breakClass { head += " (\(breakClass.severity.rawValue))" }
            if let kind = outcome.kind { head += ", \(kind.name)" }
            if let firstSeen = outcome.firstSeen, let age = outcome.ageDays {
                head += (outcome.isNew ?? false) ? ", new" : ", open since \(firstSeen), \(age) d"
            }
            lines.append(head)
            lines.append("    \(outcome.rule)")
        }
        if !explanation.rulePasses.isEmpty { lines.append("rule passes:") }
        for trace in explanation.rulePasses {
            let decided = trace.decidedBy.map { " by \($0)" } ?? ""
            lines.append("  \(trace.place) \(trace.lineReference): \(trace.outcome)\(decided)")
            for step in trace.steps {
                lines.append("    \(step.pass): \(step.verdict.rawValue.replacingOccurrences(of: "_", with: " ")): \(step.note)")
            }
        }
        lines.append("history:")
        if let firstSeen = explanation.firstSeen {
            lines.append("  first seen \(firstSeen)")
        } else {
            lines.append("  never a break")
        }
        for item in explanation.openItems {
            let silent = item.breakClass == .timingDifference ? " (remembered silently until its ledger row's window)" : ""
            lines.append(
                "  open: \(item.breakClass.rawValue) \(item.kind.name) since \(item.firstSeen), last seen \(item.lastSeen), \(item.age(on: item.lastSeen)) d\(silent)"
            )
        }
        for resolution in explanation.resolutions {
            let item = resolution.item
            lines.append(
                "  resolved: \(item.breakClass.rawValue) \(item.kind.name) (since \(item.firstSeen)) as \(item.resolvedAs.rawValue) by run \(resolution.runID.prefix(8)) of \(resolution.from)..\(resolution.to)"
            )
        }
        for sighting in explanation.sightings {
            let status = sighting.current ? "" : " (superseded)"
            lines.append(
                "  reported by run \(sighting.runID.prefix(8)) of \(sighting.from)..\(sighting.to)\(status): \(sighting.breakClass.rawValue) \(sighting.kind?.name ?? "control"), \(sighting.isNew ? "new" : "\(sighting.ageDays) d")"
            )
        }
        if !explanation.notes.isEmpty {
            lines.append("notes:")
            lines += explanation.notes.map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ source: Explanation.Source) -> String {
        switch source {
        case .file: "read from the file now"
        case .store: "as the run stored it"
        case .lookup: "looked up now"
        }
    }
}
