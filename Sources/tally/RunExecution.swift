import Foundation
import Logging
import TallyAlerts
import TallyCore
import TallyEngine
import TallyIngest
import TallyReport

/// Carries out the runs ``RunPlanner`` planned: runs the engine with the command's logger and
/// progress line, prints the summaries, records the metrics, and maps each outcome to its exit status.
struct RunExecution: Sendable {
    var logger: Logger
    var metrics: SharedMetrics?
    var dryRun: Bool
    /// `--fail-on-acknowledged`: breaks of items people acknowledged or closed count for `--fail-on` too.
    var failOnAcknowledged = false

    /// One provider's runs.
    ///
    /// - Returns: the exit status, or nil when the nightly default skipped the provider (no file).
    func perform(_ run: ProviderRun) -> ExitStatus? {
        switch run.step {
        case .run(let options):
            return execute(options, failOn: run.failOn).status
        case .perDay(let range):
            return perDay(range, failOn: run.failOn)
        case .skipped(let warning):
            logger.warning("\(warning)")
            return nil
        case .failed(let error):
            logger.error("\(error.message)")
            return ExitStatus(for: error)
        case .filesMissing(let error, let options):
            var logger = logger
            let runID = UUID().uuidString.lowercased()
            logger[metadataKey: "provider"] = "\(run.provider)"
            logger[metadataKey: "run_id"] = "\(runID)"
            logger.error("\(run.provider): \(error.message)", metadata: ["phase": "failed", "exit_status": "66"])
            alertFailure(options, status: .noInput, message: error.message, runID: runID, logger: logger)
            return .noInput
        }
    }

    /// `--per-day`: one run per day in date order, a range summary, the worst exit status.
    func perDay(_ range: DayRange, failOn: FailLevel) -> ExitStatus {
        var worst = ExitStatus.ok
        var done = 0
        var totals: [String: Int] = [:]
        for day in range.days {
            guard case .run(_, let options) = day else {
                if case .missing(let date, let path) = day { logger.warning("\(date): no settlement file (\(path))") }
                continue
            }
            let (status, outcome) = execute(options, failOn: failOn)
            if let outcome {
                done += 1
                for (breakClass, entry) in outcome.report.summaryByClass {
                    totals[breakClass.rawValue, default: 0] += entry.count
                }
            }
            if status.severityRank > worst.severityRank { worst = status }
            if [.unavailable, .software, .locked, .usage].contains(status) { break }
        }
        let missing = range.missing
        let breaks = totals.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        Console.out(
            "range \(range.from)..\(range.to): \(done) of \(range.days.count) days done, \(missing.count) missing\(missing.isEmpty ? "" : " (\(missing.map(\.description).joined(separator: ", ")))"); breaks: \(breaks.isEmpty ? "none" : breaks)"
        )
        if !missing.isEmpty && !range.allowMissing && ExitStatus.noInput.severityRank > worst.severityRank { worst = .noInput }
        return worst
    }

    /// One run; prints its summary, or logs and alerts its failure (never thrown).
    func execute(_ options: RunOptions, failOn: FailLevel) -> (status: ExitStatus, outcome: ReconciliationRun.Outcome?) {
        let started = Date()
        var logger = logger
        logger[metadataKey: "provider"] = "\(options.provider)"
        var engine = ReconciliationRun(options: options, logger: logger)
        // the run's own lines carry it already; the failure line and the alert notices below too
        logger[metadataKey: "run_id"] = "\(engine.runID)"
        let provider = options.provider
        engine.progress = { ProgressLine.shared.show(RunProgressView(provider: provider, $0)) }
        do {
            let outcome = try engine.run()
            ProgressLine.shared.clear()
            Console.out(RunSummaryText.render(outcome))
            var status = ExitStatus.ok
            if let level = failOn.severity,
                let highest = outcome.report.highestSeverity(countingAcknowledged: failOnAcknowledged),
                highest >= level
            {
                status = .breaks
            }
            metrics?.with {
                $0.record(
                    provider: provider, report: outcome.report, durationSeconds: Date().timeIntervalSince(started),
                    exitStatus: status.rawValue)
            }
            return (status, outcome)
        } catch {
            ProgressLine.shared.clear()
            let status = ExitStatus(for: error)
            let message = options.maskPII ? PIIMasker().maskMessage("\(error)") : "\(error)"
            logger.error(
                "\(options.from == options.to ? "\(options.from)" : "\(options.from)..\(options.to)"): \(message)",
                metadata: ["phase": "failed", "exit_status": "\(status.rawValue)"])
            // what the file says (a header, a namespace) goes to the terminal and the log, not to a webhook
            let quoted: any Error = (error as? IngestError)?.withoutExcerpt ?? error
            let alertMessage = options.maskPII ? PIIMasker().maskMessage("\(quoted)") : "\(quoted)"
            alertFailure(options, status: status, message: alertMessage, runID: engine.runID, logger: logger)
            metrics?.with {
                $0.recordFailure(
                    provider: provider, durationSeconds: Date().timeIntervalSince(started), exitStatus: status.rawValue)
            }
            return (status, nil)
        }
    }

    /// Sends the alert of a run that ends with `status` (never in a dry run, which sends nothing).
    func alertFailure(_ options: RunOptions, status: ExitStatus, message: String, runID: String, logger: Logger) {
        guard let alerts = options.alerts, !dryRun else { return }
        let failure = RunFailure(
            runID: runID, provider: options.provider, format: options.format.rawValue, from: options.from.description,
            to: options.to.description, exitStatus: status.rawValue, meaning: status.meaning, message: message,
            failedAt: Timestamp(microseconds: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())))
        FailureAlerts.send(
            failure, settings: alerts, storeURL: options.resultsURL ?? options.databaseURL,
            password: options.resultsURL == nil ? options.databasePassword : options.resultsPassword,
            log: { logger.notice("\($0)", metadata: ["phase": "alerts"]) })
    }
}
