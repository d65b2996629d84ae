import Foundation
import TallyAlerts
import TallyCore
import TallyReport

/// Builds finished runs (reports with history) from a few lines, without files or a database.
enum Night {
    static func window(_ day: CivilDate) -> ReconciliationWindow {
        ReconciliationWindow(
            from: day, to: day, start: Timestamp(date: day), end: Timestamp(date: day.adding(days: 1)),
            streamStart: Timestamp(date: day.adding(days: -3)), streamEnd: Timestamp(date: day.adding(days: 2)))
    }

    /// - Parameters:
    ///   - settled: settlement transactions as (reference, kind, minor units EUR).
    ///   - ledger: ledger rows as (reference, kind, minor units EUR), created at noon of `day`.
    static func report(
        _ day: String, settled: [(String, TransactionKind, Int64)] = [], ledger: [(String, TransactionKind, Int64)] = [],
        previous: [OpenItem] = [], controls: [ControlResult] = [], runID: String = UUID().uuidString.lowercased()
    ) -> RunReport {
        let date = CivilDate(iso: day)!
        let window = window(date)
        var reconciler = Reconciler(window: window)
        for (line, (reference, kind, minor)) in settled.enumerated() {
            reconciler.addTransaction(
                SettlementTransaction(
                    reference: reference, kind: kind, amount: Money(minor: minor, currency: .eur),
                    location: SourceLocation(file: 0, line: line + 2)))
        }
        for control in controls { reconciler.addControl(control) }
        var ledgerPhase = reconciler.ledgerPhase()
        for (reference, kind, minor) in ledger {
            ledgerPhase.addLedgerRow(
                LedgerRecord(
                    reference: reference, kind: kind, amount: Money(minor: minor, currency: .eur), status: .succeeded,
                    createdAt: Timestamp(date: date, hour: 12)))
        }
        let result = ledgerPhase.finish()
        let history = History(runID: runID, window: window, supersedes: nil).advance(
            breaks: result.breaks, previous: previous, settledKeys: { _ in false }, ledger: [:])
        return RunReport(
            runID: runID, provider: "acmepay", format: "stripe", window: window, timezone: "UTC", dryRun: false,
            startedAt: Timestamp(date: date.adding(days: 1), hour: 2),
            finishedAt: Timestamp(date: date.adding(days: 1), hour: 2, minute: 1),
            files: [], lookbackDays: 3, lookaheadDays: 1, amountToleranceMinor: 0, result: result, history: history)
    }

    static func endpoint(
        _ name: String = "ops", style: AlertEndpoint.Style = .standard, triggers: AlertTriggers = AlertTriggers()
    )
        -> AlertEndpoint
    {
        AlertEndpoint(
            name: name, url: try! WebhookURL.parse("https://\(name).example.com/hook").get(),
            secret: try! WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").get(), style: style, triggers: triggers)
    }
}
