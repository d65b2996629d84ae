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

    static func object(_ explanation: Explanation) -> [String: Any] {
        let null = NSNull()
        return [
            "reference": explanation.reference, "provider": explanation.provider,
            "run": explanation.run.map { run in
                [
                    "id": run.id, "format": run.format,
                    "window": ["from": run.window.from.description, "to": run.window.to.description],
                    "timezone": run.timezone, "state": run.state, "current": run.current,
                    "lookback_days": run.lookbackDays, "lookahead_days": run.lookaheadDays,
                    "amount_tolerance_minor": run.toleranceMinor,
                    "files": run.files.map {
                        ["path": $0.path, "sha256": $0.sha256, "readable": $0.readable, "changed": $0.changed ?? null] as [String: Any]
                    },
                ] as [String: Any]
            } ?? null,
            "settlement_lines": explanation.lines.map {
                [
                    "file": $0.file, "line": $0.line, "kind": $0.kind.name, "amount_minor": $0.amount.minor,
                    "currency": $0.amount.currency.code, "source": $0.source.rawValue,
                ] as [String: Any]
            },
            "ledger_rows": explanation.ledgerRows.map { ledger($0.record, source: $0.source) },
            "outcomes": explanation.outcomes.map { outcome in
                [
                    "kind": outcome.kind?.name ?? null, "class": outcome.breakClass?.rawValue ?? "matched",
                    "severity": outcome.breakClass?.severity.rawValue ?? null, "rule": outcome.rule,
                    "differences": outcome.differences.map(\.rawValue),
                    "provider": outcome.line.map {
                        [
                            "amount_minor": $0.amount.minor, "currency": $0.amount.currency.code, "file": $0.file,
                            "line": $0.line,
                        ] as [String: Any]
                    } ?? null,
                    "ledger": outcome.ledger.map { ledger($0, source: nil) } ?? null,
                    "first_seen": outcome.firstSeen?.description ?? null, "age_days": outcome.ageDays ?? null,
                    "new": outcome.isNew ?? null,
                ] as [String: Any]
            },
            "history": [
                "first_seen": explanation.firstSeen?.description ?? null,
                "runs": explanation.sightings.map {
                    [
                        "run_id": $0.runID, "window": ["from": $0.from.description, "to": $0.to.description],
                        "current": $0.current, "class": $0.breakClass.rawValue, "kind": $0.kind?.name ?? null,
                        "first_seen": $0.firstSeen.description, "age_days": $0.ageDays, "new": $0.isNew,
                    ] as [String: Any]
                },
                "open_items": explanation.openItems.map {
                    [
                        "kind": $0.kind.name, "class": $0.breakClass.rawValue, "first_seen": $0.firstSeen.description,
                        "last_seen": $0.lastSeen.description, "age_days": $0.age(on: $0.lastSeen), "first_run": $0.firstRun,
                        "last_run": $0.lastRun,
                    ] as [String: Any]
                },
                "resolutions": explanation.resolutions.map {
                    [
                        "run_id": $0.runID, "window": ["from": $0.from.description, "to": $0.to.description],
                        "kind": $0.item.kind.name, "class": $0.item.breakClass.rawValue,
                        "first_seen": $0.item.firstSeen.description, "resolved_as": $0.item.resolvedAs.rawValue,
                    ] as [String: Any]
                },
            ] as [String: Any],
            "notes": explanation.notes,
        ]
    }

    static func ledger(_ record: LedgerRecord, source: Explanation.Source?) -> [String: Any] {
        var object: [String: Any] = [
            "kind": record.kind.name, "amount_minor": record.amount.minor, "currency": record.amount.currency.code,
            "status": record.status.text, "created_at": record.createdAt.iso8601,
            "merchant_ref": record.merchantReference ?? NSNull(),
        ]
        if let source { object["source"] = source.rawValue }
        return object
    }
}
