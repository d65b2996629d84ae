import ArgumentParser
import Foundation
import TallyAlerts
import TallyCore
import TallyEngine
import TallyIngest
import TallyReport

extension SettlementFormat: ExpressibleByArgument {}

extension Tally {
    /// `tally run`: one reconciliation of one provider over one window.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reconcile one provider's settlement files against the ledger for a date window.",
            discussion: """
                The window [--from, --to] is inclusive calendar dates in --timezone. The ledger is read \
                from the provider's rows created in [from - lookback, to + 1 day + lookahead); references \
                still unmatched are looked up outside that range in one query.

                Exit status: 0 completed; 1 completed with breaks at or above --fail-on; 64 usage error; \
                65 unreadable input or too many rejects; 66 a file is missing; 69 database unavailable; \
                70 internal error; 73 reports cannot be written; 75 another run holds the provider's lock.

                Examples:
                  tally run --provider acmepay --format stripe \\
                      --file stripe-2026-03-10.csv --from 2026-03-10 --to 2026-03-10
                  DATABASE_URL=postgresql://tally@db/payments tally run \\
                      --provider acmepay --format stripe --file a.csv --file b.csv \\
                      --from 2026-03-01 --to 2026-03-07 --fail-on high
                """
        )

        @Option(help: "Provider name as stored in payments.provider (letters, digits, _ - .).")
        var provider: String

        @Option(help: "Settlement file format.")
        var format: SettlementFormat

        @Option(name: .customLong("file"), help: "A settlement file; repeat for several.")
        var files: [String] = []

        @Option(
            help: ArgumentHelp(
                "Settlement file path per day, with {date} (YYYY-MM-DD), {yyyy}, {mm}, {dd}.", valueName: "pattern"))
        var filePattern: String?

        @Flag(help: "Run each day of [--from, --to] as its own run (needs --file-pattern).")
        var perDay = false

        @Flag(help: "With --per-day or --file-pattern: skip days whose file is missing instead of exiting 66.")
        var allowMissing = false

        @Option(help: "First day of the window, YYYY-MM-DD (inclusive).")
        var from: String

        @Option(help: "Last day of the window, YYYY-MM-DD (inclusive).")
        var to: String

        @Option(help: "libpq URL of the payments database (default: DATABASE_URL, then PG* variables).")
        var databaseURL: String?

        @Option(help: "Directory for report.json, report.html and breaks.csv (default: reports/<provider>/<from>_<to>).")
        var out: String?

        @Option(help: "IANA time zone of the window's dates.")
        var timezone: String = "UTC"

        @Option(help: "Days before --from whose ledger rows are streamed too.")
        var lookbackDays: Int = 3

        @Option(help: "Days after --to (beyond the next day) whose ledger rows are streamed too.")
        var lookaheadDays: Int = 1

        @Option(help: "Largest amount difference, in minor units, still counted as equal.")
        var amountTolerance: Int64 = 0

        @Option(help: "Column holding the reference, instead of the format's default.")
        var referenceColumn: String?

        @Option(help: "YAML mapping of a generic CSV (--format csv); see samples/mappings/.")
        var mapping: String?

        @Option(help: "Stop with exit 65 when more records than this are rejected.")
        var maxRejects: Int = 1000

        @Option(help: "Exit 1 when a break of this severity or higher is found: high, medium, info or never.")
        var failOn: FailLevel = .never

        @Flag(help: "Read everything and write the reports, but store nothing and send nothing.")
        var dryRun = false

        @Option(help: "libpq URL of the database holding the tally schema (default: the payments database).")
        var resultsURL: String?

        @Option(
            name: .customLong("wait"),
            help: ArgumentHelp(
                "Wait up to this many seconds for another run of the provider to finish (bare --wait: 3600).",
                valueName: "seconds"))
        var waitSeconds: Int?

        @Option(help: ArgumentHelp("Alert rules: a YAML file with endpoints: [...] (README \"Alerts\").", valueName: "file"))
        var alerts: String?

        @Option(
            help: ArgumentHelp(
                "Also alert this URL (Standard Webhooks, signed with TALLY_WEBHOOK_SECRET, default triggers).",
                valueName: "url"))
        var webhook: String?

        @Option(help: "Directory for state kept between invocations (failure alerts spooled while the store is down).")
        var stateDir: String = AlertSettings.defaultStateDirectory

        @Option(help: "Seconds the run keeps retrying its alerts before leaving them to `tally alerts deliver`.")
        var alertBudget: Double = 60

        func validate() throws {
            guard CivilDate(iso: from) != nil else {
                throw ValidationError("--from '\(from)' is not a date; write it as YYYY-MM-DD.")
            }
            guard CivilDate(iso: to) != nil else {
                throw ValidationError("--to '\(to)' is not a date; write it as YYYY-MM-DD.")
            }
            guard !files.isEmpty || filePattern != nil else {
                throw ValidationError("Give at least one settlement file with --file PATH, or --file-pattern.")
            }
            if perDay && filePattern == nil {
                throw ValidationError("--per-day needs --file-pattern, e.g. --file-pattern 'inbox/stripe/{date}.csv'.")
            }
            if let filePattern, !FilePattern(filePattern).hasPlaceholder {
                throw ValidationError("--file-pattern '\(filePattern)' has no {date}, {yyyy}, {mm} or {dd}.")
            }
            guard maxRejects >= 0 else { throw ValidationError("--max-rejects must be 0 or more.") }
            guard amountTolerance >= 0 else { throw ValidationError("--amount-tolerance must be 0 or more.") }
            if let waitSeconds, waitSeconds < 0 { throw ValidationError("--wait must be 0 or more seconds.") }
            guard alertBudget >= 0 else { throw ValidationError("--alert-budget must be 0 or more seconds.") }
        }

        /// The `--mapping` file, read and validated once (exit 64 with every problem).
        var loadedMapping: CSVMapping? {
            mapping.flatMap { try? CSVMapping.load(path: $0) }
        }

        func run() throws {
            let alerts: AlertSettings?
            do {
                alerts = try AlertOptions.settings(
                    file: self.alerts, webhook: webhook, stateDirectory: stateDir, budgetSeconds: alertBudget)
            } catch {
                Console.error("tally: error: \(error)")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            if let mapping {
                do throws(MappingError) { _ = try CSVMapping.load(path: mapping) } catch {
                    Console.error("tally: error: \(error)")
                    throw ExitCode(ExitStatus.usage.rawValue)
                }
            }
            if perDay {
                try runPerDay(alerts: alerts)
                return
            }
            var files = self.files
            if let filePattern {
                let (present, missing) = expand(FilePattern(filePattern), days: dayRange)
                if !missing.isEmpty && !allowMissing {
                    let message = "no settlement file for \(missing.map(\.description).joined(separator: ", ")) (\(filePattern)); pass --allow-missing to run without them"
                    Console.error("tally: error: \(message)")
                    alertFailure(alerts, status: .noInput, message: message, from: from, to: to, runID: UUID().uuidString.lowercased())
                    throw ExitCode(ExitStatus.noInput.rawValue)
                }
                files += present.map(\.path)
                guard !files.isEmpty else {
                    let message = "no settlement file matches \(filePattern) in \(from)..\(to)"
                    Console.error("tally: error: \(message)")
                    alertFailure(alerts, status: .noInput, message: message, from: from, to: to, runID: UUID().uuidString.lowercased())
                    throw ExitCode(ExitStatus.noInput.rawValue)
                }
            }
            let status = try reconcile(
                files: files, from: CivilDate(iso: from)!, to: CivilDate(iso: to)!, out: out, alerts: alerts)
            if status != .ok { throw ExitCode(status.rawValue) }
        }

        var dayRange: [CivilDate] { FilePattern.days(from: CivilDate(iso: from)!, to: CivilDate(iso: to)!) }

        /// The days of the range split into those whose file exists and those whose file does not.
        func expand(_ pattern: FilePattern, days: [CivilDate]) -> (present: [(day: CivilDate, path: String)], missing: [CivilDate]) {
            var present: [(CivilDate, String)] = []
            var missing: [CivilDate] = []
            for day in days {
                let path = pattern.path(for: day)
                if FileManager.default.fileExists(atPath: path) { present.append((day, path)) } else { missing.append(day) }
            }
            return (present, missing)
        }

        /// `--per-day`: one run per day in date order, a range summary, the worst exit status.
        func runPerDay(alerts: AlertSettings?) throws {
            guard CivilDate(iso: from)! <= CivilDate(iso: to)! else {
                Console.error("tally: error: --from \(from) is after --to \(to); swap them.")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            let (present, missing) = expand(FilePattern(filePattern!), days: dayRange)
            var worst = ExitStatus.ok
            var done = 0
            var totals: [String: Int] = [:]
            let presentDays = Dictionary(uniqueKeysWithValues: present.map { ($0.day, $0.path) })
            for day in dayRange {
                guard let path = presentDays[day] else {
                    Console.error("tally: \(day): no settlement file (\(FilePattern(filePattern!).path(for: day)))")
                    continue
                }
                let dayOut = out.map { "\($0)/\(day)" }
                let (status, outcome) = try reconcileDay(files: [path], day: day, out: dayOut, alerts: alerts)
                if let outcome {
                    done += 1
                    for (breakClass, entry) in outcome.report.summaryByClass { totals[breakClass.rawValue, default: 0] += entry.count }
                }
                if status.severityRank > worst.severityRank { worst = status }
                if [.unavailable, .software, .locked, .usage].contains(status) { break }
            }
            let breaks = totals.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            Console.out(
                "range \(from)..\(to): \(done) of \(dayRange.count) days done, \(missing.count) missing\(missing.isEmpty ? "" : " (\(missing.map(\.description).joined(separator: ", ")))"); breaks: \(breaks.isEmpty ? "none" : breaks)"
            )
            if !missing.isEmpty && !allowMissing && ExitStatus.noInput.severityRank > worst.severityRank { worst = .noInput }
            if worst != .ok { throw ExitCode(worst.rawValue) }
        }

        func reconcileDay(files: [String], day: CivilDate, out: String?, alerts: AlertSettings?) throws -> (
            ExitStatus, ReconciliationRun.Outcome?
        ) {
            let run = ReconciliationRun(
                options: options(files: files, from: day, to: day, out: out, alerts: alerts),
                log: { Console.error("tally: \($0)") })
            do {
                let outcome = try run.run()
                Console.out(RunSummaryText.render(outcome))
                return (failStatus(outcome), outcome)
            } catch {
                Console.error("tally: \(day): error: \(error)")
                let status = ExitStatus(for: error)
                alertFailure(alerts, status: status, message: "\(error)", from: day.description, to: day.description, runID: run.runID)
                return (status, nil)
            }
        }

        /// One run over `files`; prints its summary and returns its exit status.
        func reconcile(files: [String], from: CivilDate, to: CivilDate, out: String?, alerts: AlertSettings?) throws
            -> ExitStatus
        {
            let outcome: ReconciliationRun.Outcome
            let run = ReconciliationRun(
                options: options(files: files, from: from, to: to, out: out, alerts: alerts),
                log: { Console.error("tally: \($0)") })
            do {
                outcome = try run.run()
            } catch {
                Console.error("tally: error: \(error)")
                let status = ExitStatus(for: error)
                alertFailure(alerts, status: status, message: "\(error)", from: from.description, to: to.description, runID: run.runID)
                throw ExitCode(status.rawValue)
            }
            Console.out(RunSummaryText.render(outcome))
            return failStatus(outcome)
        }

        func failStatus(_ outcome: ReconciliationRun.Outcome) -> ExitStatus {
            if let level = failOn.severity, let highest = outcome.report.highestSeverity, highest >= level { return .breaks }
            return .ok
        }

        /// Sends the alert of a run that ends with `status` (never in a dry run, which sends nothing).
        func alertFailure(_ alerts: AlertSettings?, status: ExitStatus, message: String, from: String, to: String, runID: String) {
            guard let alerts, !dryRun else { return }
            let failure = RunFailure(
                runID: runID, provider: provider, format: format.rawValue, from: from, to: to, exitStatus: status.rawValue,
                meaning: status.meaning, message: message, failedAt: Timestamp(microseconds: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())))
            FailureAlerts.send(
                failure, settings: alerts,
                storeURL: resultsURL ?? ProcessInfo.processInfo.environment["TALLY_RESULTS_URL"] ?? databaseURL
                    ?? ProcessInfo.processInfo.environment["DATABASE_URL"],
                log: { Console.error("tally: \($0)") })
        }

        func options(files: [String], from: CivilDate, to: CivilDate, out: String?, alerts: AlertSettings?) -> RunOptions {
            RunOptions(
                provider: provider, format: format, files: files, from: from, to: to, timezone: timezone, lookbackDays: lookbackDays, lookaheadDays: lookaheadDays,
                databaseURL: databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"],
                outDirectory: out, dryRun: dryRun, amountToleranceMinor: amountTolerance,
                readerOptions: ReaderOptions(referenceColumn: referenceColumn, mapping: loadedMapping), maxRejects: maxRejects,
                resultsURL: resultsURL ?? ProcessInfo.processInfo.environment["TALLY_RESULTS_URL"], waitSeconds: waitSeconds,
                alerts: alerts)
        }
    }
}
