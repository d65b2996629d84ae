import TallyCore
import TallyEngine
import TallyPostgres

extension ExplanationDocument {
    /// The document of an explanation.
    init(_ explanation: Explanation) {
        let run = explanation.run.map { run in
            Run(
                id: run.id, format: run.format, window: Window(run.window.from, run.window.to), timezone: run.timezone,
                state: run.state, current: run.current, lookbackDays: run.lookbackDays, lookaheadDays: run.lookaheadDays,
                amountToleranceMinor: run.toleranceMinor,
                files: run.files.map { File(path: $0.path, sha256: $0.sha256, readable: $0.readable, changed: $0.changed) })
        }
        let settlementLines = explanation.lines.map {
            SettlementLine(
                file: $0.file, line: $0.line, kind: $0.kind.name, amountMinor: $0.amount.minor,
                currency: $0.amount.currency.code, source: $0.source.rawValue)
        }
        let ledgerRows = explanation.ledgerRows.map { Ledger($0.record, source: $0.source) }
        let outcomes = explanation.outcomes.map { outcome in
            Outcome(
                kind: outcome.kind?.name, class: outcome.breakClass?.rawValue ?? "matched",
                severity: outcome.breakClass?.severity.rawValue, rule: outcome.rule,
                differences: outcome.differences.map(\.rawValue),
                provider: outcome.line.map {
                    ProviderSide(amountMinor: $0.amount.minor, currency: $0.amount.currency.code, file: $0.file, line: $0.line)
                },
                ledger: outcome.ledger.map { Ledger($0, source: nil) }, firstSeen: outcome.firstSeen?.description,
                ageDays: outcome.ageDays, new: outcome.isNew)
        }
        let history = History(
            firstSeen: explanation.firstSeen?.description,
            runs: explanation.sightings.map {
                Sighting(
                    runID: $0.runID, window: Window($0.from, $0.to), current: $0.current, class: $0.breakClass.rawValue,
                    kind: $0.kind?.name, firstSeen: $0.firstSeen.description, ageDays: $0.ageDays, new: $0.isNew)
            },
            openItems: explanation.openItems.map {
                OpenItem(
                    kind: $0.kind.name, class: $0.breakClass.rawValue, firstSeen: $0.firstSeen.description,
                    lastSeen: $0.lastSeen.description, ageDays: $0.age(on: $0.lastSeen), firstRun: $0.firstRun,
                    lastRun: $0.lastRun)
            },
            resolutions: explanation.resolutions.map {
                Resolution(
                    runID: $0.runID, window: Window($0.from, $0.to), kind: $0.item.kind.name,
                    class: $0.item.breakClass.rawValue, firstSeen: $0.item.firstSeen.description,
                    resolvedAs: $0.item.resolvedAs.rawValue)
            })
        self.init(
            reference: explanation.reference, provider: explanation.provider, run: run, settlementLines: settlementLines,
            ledgerRows: ledgerRows, outcomes: outcomes, history: history, notes: explanation.notes,
            rulePasses: explanation.rulePasses.map { trace in
                RuleTrace(
                    place: trace.place, reference: trace.lineReference, outcome: trace.outcome, matchedBy: trace.decidedBy,
                    passes: trace.steps.map { RuleTrace.Step(pass: $0.pass, verdict: $0.verdict.rawValue, note: $0.note) })
            })
    }
}
