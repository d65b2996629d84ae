import ArgumentParser
import Foundation
import Logging
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

                With a config file (--config, TALLY_CONFIG or ./tally.yml) and no window, `tally run` is \
                the nightly job: yesterday in each provider's time zone, for every configured provider \
                whose file (file_pattern) is present, each as its own run; the exit status is the worst.

                Exit status: 0 completed; 1 completed with breaks at or above --fail-on; 64 usage or \
                config error; 65 unreadable input or too many rejects; 66 a file is missing; 69 database \
                unavailable; 70 internal error; 73 reports or spill files cannot be written; 75 another run \
                holds the provider's lock.

                Examples:
                  tally run --provider acmepay --format stripe \\
                      --file stripe-2026-03-10.csv --from 2026-03-10 --to 2026-03-10
                  DATABASE_URL=postgresql://tally@db/payments tally run \\
                      --provider acmepay --format stripe --file a.csv --file b.csv \\
                      --from 2026-03-01 --to 2026-03-07 --fail-on high
                  tally run --config /etc/tally/tally.yml          # the nightly job
                  tally run --config tally.yml --provider acmepay --from 2026-03-01 --to 2026-03-07 --per-day
                """
        )

        @Option(help: "Config file (default: TALLY_CONFIG, then ./tally.yml when present). Flags override it.")
        var config: String?

        @Option(help: "Provider name as stored in payments.provider (default with a config: every configured provider).")
        var provider: String?

        @Option(help: "Settlement file format (default with a config: the provider's).")
        var format: SettlementFormat?

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

        @Option(help: "First day of the window, YYYY-MM-DD (inclusive; default with a config: yesterday).")
        var from: String?

        @Option(help: "Last day of the window, YYYY-MM-DD (inclusive; default: --from).")
        var to: String?

        @Option(help: "With a config and no window: the date taken as today, YYYY-MM-DD (the run is for the day before).")
        var asOf: String?

        @Option(help: "libpq URL of the payments database (default: the config, then DATABASE_URL, then PG* variables).")
        var databaseURL: String?

        @Option(help: "Directory for report.json, report.html and breaks.csv (default: <reports_dir>/<provider>/<from>_<to>).")
        var out: String?

        @Option(help: "IANA time zone of the window's dates (default: the config, then UTC).")
        var timezone: String?

        @Option(help: "Days before --from whose ledger rows are streamed too (default 3).")
        var lookbackDays: Int?

        @Option(help: "Days after --to (beyond the next day) whose ledger rows are streamed too (default 1).")
        var lookaheadDays: Int?

        @Option(help: "Largest amount difference, in minor units, still counted as equal (default 0).")
        var amountTolerance: Int64?

        @Option(help: "Column holding the reference, instead of the format's default.")
        var referenceColumn: String?

        @Option(help: "YAML mapping of a generic CSV (--format csv); see samples/mappings/.")
        var mapping: String?

        @Option(help: "Stop with exit 65 when more records than this are rejected (default 1000).")
        var maxRejects: Int?

        @Option(help: "Exit 1 when a break of this severity or higher is found: high, medium, info or never (default never).")
        var failOn: FailLevel?

        @Flag(help: "Read everything and write the reports, but store nothing and send nothing.")
        var dryRun = false

        @Option(help: "libpq URL of the database holding the tally schema (default: the config, TALLY_RESULTS_URL, the payments database).")
        var resultsURL: String?

        @Option(help: "Bytes the settlement index may use (512MiB, 2GiB, …); past it the run spills to disk partitions.")
        var memoryLimit: String?

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default: the config, then info).")
        var logLevel: String?

        @Option(help: "Log format on stderr: text or json (one object per line; default: the config, then text).")
        var logFormat: String?

        @Option(help: "Write Prometheus text-format metrics here after the runs, atomically (default: the config's metrics_file).")
        var metricsFile: String?

        @Flag(
            help: """
                Mask e-mail addresses, card numbers and personal names in provider text (rejects, \
                categories, controls) before it reaches the store, reports, stdout or stderr. \
                References and amounts stay.
                """)
        var maskPII = false

        @Flag(
            help: """
                Run even when the ledger has no row of the provider in the streamed range while the \
                files have transactions (without it, that stops the run with exit 64: usually a \
                mistyped --provider).
                """)
        var allowEmptyLedger = false

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

        @Option(help: "Directory for state kept between invocations (failure alerts spooled while the store is down, and <dir>/spill for --memory-limit's disk partitions; default: the config's state_dir, then .tally/state, and $TMPDIR for the partitions).")
        var stateDir: String?

        @Option(help: "Seconds the run keeps retrying its alerts before leaving them to `tally alerts deliver`.")
        var alertBudget: Double = 60

        func validate() throws {
            for (flag, value) in [("--from", from), ("--to", to), ("--as-of", asOf)] {
                if let value, CivilDate(iso: value) == nil {
                    throw ValidationError("\(flag) '\(value)' is not a date; write it as YYYY-MM-DD.")
                }
            }
            if to != nil && from == nil { throw ValidationError("--to needs --from.") }
            if asOf != nil && from != nil { throw ValidationError("--as-of picks the nightly window; give it or --from, not both.") }
            if perDay && filePattern == nil && config == nil && ProcessInfo.processInfo.environment["TALLY_CONFIG"] == nil {
                throw ValidationError("--per-day needs --file-pattern, e.g. --file-pattern 'inbox/stripe/{date}.csv'.")
            }
            if let filePattern, !FilePattern(filePattern).hasPlaceholder {
                throw ValidationError("--file-pattern '\(filePattern)' has no {date}, {yyyy}, {mm} or {dd}.")
            }
            if let maxRejects, maxRejects < 0 { throw ValidationError("--max-rejects must be 0 or more.") }
            if let amountTolerance, amountTolerance < 0 { throw ValidationError("--amount-tolerance must be 0 or more.") }
            if let waitSeconds, waitSeconds < 0 { throw ValidationError("--wait must be 0 or more seconds.") }
            if let memoryLimit, (ByteSize.parse(memoryLimit) ?? 0) <= 0 {
                throw ValidationError("--memory-limit '\(memoryLimit)' is not a size such as 512MiB, 2GiB or 1000000.")
            }
            if let logLevel, Logger.Level(rawValue: logLevel) == nil {
                throw ValidationError("--log-level '\(logLevel)' is not one of trace, debug, info, notice, warning, error, critical.")
            }
            if let logFormat, TallyLogHandler.Format(rawValue: logFormat) == nil {
                throw ValidationError("--log-format '\(logFormat)' is not text or json.")
            }
            guard alertBudget >= 0 else { throw ValidationError("--alert-budget must be 0 or more seconds.") }
        }

        /// Installs the log handler and the progress line (a terminal and text logs only).
        func setUpOutput(_ config: TallyConfig?) {
            let format = TallyLogHandler.Format(rawValue: logFormat ?? config?.logFormat ?? "text") ?? .text
            let level = Logger.Level(rawValue: logLevel ?? config?.logLevel ?? "info") ?? .info
            TallyLogHandler.bootstrap(format: format, level: level, maskPII: maskPII || config?.maskPII == true)
            ProgressLine.shared.enable(format == .text && isatty(STDERR_FILENO) == 1)
        }

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            var loaded: TallyConfig?
            if let path = TallyConfig.locate(flag: config) {
                do throws(ConfigError) { loaded = try TallyConfig.load(path: path) } catch {
                    Console.error("tally: error: \(error)")
                    throw ExitCode(ExitStatus.usage.rawValue)
                }
            }
            setUpOutput(loaded)
            let alertSettings: AlertSettings?
            do {
                alertSettings = try AlertOptions.settings(
                    file: alerts, webhook: webhook, configured: loaded?.alerts,
                    stateDirectory: stateDir ?? loaded?.stateDirectory ?? AlertSettings.defaultStateDirectory,
                    budgetSeconds: alertBudget)
            } catch {
                Logger(label: "tally").error("\(error)")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            if let mapping {
                do throws(MappingError) { _ = try CSVMapping.load(path: mapping) } catch {
                    Logger(label: "tally").error("\(error)")
                    throw ExitCode(ExitStatus.usage.rawValue)
                }
            }
            // a dry run is a rehearsal: it leaves the metrics (the last success above all) as they were
            let metrics = dryRun ? nil : (metricsFile ?? loaded?.metricsFile).map { (path: $0, recorder: RunMetrics()) }
            let plans: [RunPlan]
            do {
                plans = try self.plans(config: loaded, environment: environment).map { plan in
                    var plan = plan
                    plan.alerts = alertSettings
                    return plan
                }
            } catch {
                Logger(label: "tally").error("\(error)")
                throw ExitCode(ExitStatus(for: error).rawValue)
            }
            // No window given: the nightly default, yesterday in each provider's time zone, for every
            // provider whose file is there.
            let nightly = from == nil
            let skipMissing = nightly && provider == nil
            var worst = ExitStatus.ok
            var skipped = 0
            for plan in plans {
                let status: ExitStatus?
                do {
                    status = try run(plan, nightly: nightly, skipMissing: skipMissing, metrics: metrics?.recorder)
                } catch let exit as ExitCode {
                    status = ExitStatus(rawValue: exit.rawValue) ?? .software
                }
                guard let status else {
                    skipped += 1
                    continue
                }
                if status.severityRank > worst.severityRank { worst = status }
            }
            if skipped > 0 && skipped == plans.count {
                Logger(label: "tally").error("no configured provider has its settlement file for the night; nothing was run")
                worst = .noInput
            }
            if let metrics {
                do {
                    try metrics.recorder.write(to: metrics.path)
                } catch {
                    Logger(label: "tally").error("cannot write the metrics file \(metrics.path): \(error.localizedDescription)")
                    if ExitStatus.cannotCreate.severityRank > worst.severityRank { worst = .cannotCreate }
                }
            }
            if worst != .ok { throw ExitCode(worst.rawValue) }
        }

        /// The providers to run and their merged settings.
        func plans(config: TallyConfig?, environment: [String: String]) throws -> [RunPlan] {
            guard let config else {
                guard let provider, let format else {
                    throw RunError(
                        code: .usage,
                        message: "give --provider and --format (or a config file: --config, TALLY_CONFIG or ./tally.yml)")
                }
                guard from != nil else {
                    throw RunError(code: .usage, message: "give the window with --from (and --to), or use a config file for the nightly default")
                }
                guard !files.isEmpty || filePattern != nil else {
                    throw RunError(code: .usage, message: "give at least one settlement file with --file PATH, or --file-pattern")
                }
                return [try plan(provider: provider, format: format, configured: nil, config: nil, environment: environment)]
            }
            let chosen: [TallyConfig.Provider?]
            if let provider {
                if let configured = config.provider(named: provider) {
                    chosen = [configured]
                } else if format != nil {
                    chosen = [nil]
                } else {
                    throw RunError(
                        code: .usage,
                        message: "provider '\(provider)' is not in \(config.path) (it has \(config.providers.map(\.name).joined(separator: ", "))); add it or pass --format")
                }
            } else {
                guard files.isEmpty && filePattern == nil && format == nil else {
                    throw RunError(code: .usage, message: "--file, --file-pattern and --format apply to one provider; add --provider")
                }
                chosen = config.providers
            }
            var plans: [RunPlan] = []
            for configured in chosen {
                let name = configured?.name ?? provider!
                plans.append(
                    try plan(
                        provider: name, format: format ?? configured!.format, configured: configured, config: config,
                        environment: environment))
            }
            return plans
        }

        func plan(
            provider: String, format: SettlementFormat, configured: TallyConfig.Provider?, config: TallyConfig?,
            environment: [String: String]
        ) throws -> RunPlan {
            let databases = try StoreOptions.Databases.resolve(
                databaseFlag: databaseURL, resultsFlag: resultsURL, config: config, environment: environment)
            var plan = RunPlan(
                provider: provider, format: format, files: files, filePattern: filePattern ?? configured?.filePattern,
                mapping: mapping ?? configured?.mapping,
                timezone: timezone ?? configured?.timezone ?? config?.timezone ?? "UTC",
                lookbackDays: lookbackDays ?? configured?.lookbackDays ?? 3,
                lookaheadDays: lookaheadDays ?? configured?.lookaheadDays ?? 1,
                amountTolerance: amountTolerance ?? configured?.amountTolerance ?? 0,
                referenceColumn: referenceColumn ?? configured?.referenceColumn,
                maxRejects: maxRejects ?? configured?.maxRejects ?? 1000,
                failOn: failOn ?? configured?.failOn.flatMap(FailLevel.init(rawValue:)) ?? .never,
                ledgerQuery: configured?.ledgerQuery,
                databaseURL: databases.databaseURL, databasePassword: databases.databasePassword,
                resultsURL: databases.resultsURL, resultsPassword: databases.resultsPassword,
                out: out, reportsDirectory: config?.reportsDirectory,
                memoryLimit: memoryLimit.flatMap(ByteSize.parse) ?? configured?.memoryLimit ?? config?.memoryLimit,
                maskPII: maskPII || (configured?.maskPII ?? config?.maskPII ?? false),
                // --state-dir, then the config's state_dir, then the system's temporary folder
                spillDirectory: (stateDir ?? config?.stateDirectory).map { "\($0)/spill" })
            plan.allowEmptyLedger = allowEmptyLedger
            return plan
        }

        /// One provider: the nightly day, a window, or a range per day.
        ///
        /// - Returns: the exit status, or nil when the nightly default skipped the provider (no file).
        func run(_ plan: RunPlan, nightly: Bool, skipMissing: Bool, metrics: RunMetrics?) throws -> ExitStatus? {
            let first: CivilDate
            let last: CivilDate
            if nightly {
                if let asOf {
                    first = CivilDate(iso: asOf)!.adding(days: -1)
                } else {
                    do { first = try NightlyWindow.yesterday(in: plan.timezone) } catch {
                        Logger(label: "tally").error("\(plan.provider): \(error)")
                        return .usage
                    }
                }
                last = first
            } else {
                first = CivilDate(iso: from!)!
                last = to.flatMap(CivilDate.init(iso:)) ?? first
            }
            if perDay {
                guard plan.filePattern != nil else {
                    Logger(label: "tally").error("\(plan.provider): --per-day needs --file-pattern or the provider's file_pattern")
                    return .usage
                }
                return try runPerDay(plan, from: first, to: last, metrics: metrics)
            }
            var files = plan.files
            if let pattern = plan.filePattern, files.isEmpty || filePattern != nil {
                let days = FilePattern.days(from: first, to: last)
                let (present, missing) = expand(FilePattern(pattern), days: days)
                if skipMissing && present.isEmpty {
                    // the nightly default runs only the providers whose file arrived
                    Logger(label: "tally").warning("\(plan.provider): no settlement file for \(first) (\(FilePattern(pattern).path(for: first))); skipped")
                    return nil
                }
                if !missing.isEmpty && !allowMissing {
                    let message = "no settlement file for \(missing.map(\.description).joined(separator: ", ")) (\(pattern)); pass --allow-missing to run without them"
                    var logger = Logger(label: "tally")
                    let runID = UUID().uuidString.lowercased()
                    logger[metadataKey: "provider"] = "\(plan.provider)"
                    logger[metadataKey: "run_id"] = "\(runID)"
                    logger.error("\(plan.provider): \(message)", metadata: ["phase": "failed", "exit_status": "66"])
                    alertFailure(plan, status: .noInput, message: message, from: first, to: last, runID: runID, logger: logger)
                    return .noInput
                }
                files += present.map(\.path)
            }
            guard !files.isEmpty else {
                if skipMissing {
                    Logger(label: "tally").warning("\(plan.provider): no file_pattern in the config; skipped by the nightly default")
                    return nil
                }
                Logger(label: "tally").error("\(plan.provider): no settlement file: give --file, --file-pattern or the provider's file_pattern")
                return plan.filePattern == nil ? .usage : .noInput
            }
            return reconcile(plan, files: files, from: first, to: last, out: plan.outDirectory(from: first, to: last, dryRun: dryRun), metrics: metrics)
        }

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
        func runPerDay(_ plan: RunPlan, from: CivilDate, to: CivilDate, metrics: RunMetrics?) throws -> ExitStatus {
            guard from <= to else {
                Logger(label: "tally").error("--from \(from) is after --to \(to); swap them.")
                return .usage
            }
            let pattern = FilePattern(plan.filePattern!)
            let dayRange = FilePattern.days(from: from, to: to)
            let (present, missing) = expand(pattern, days: dayRange)
            var worst = ExitStatus.ok
            var done = 0
            var totals: [String: Int] = [:]
            let presentDays = Dictionary(uniqueKeysWithValues: present.map { ($0.day, $0.path) })
            for day in dayRange {
                guard let path = presentDays[day] else {
                    Logger(label: "tally").warning("\(day): no settlement file (\(pattern.path(for: day)))")
                    continue
                }
                let dayOut = plan.out.map { "\($0)/\(day)" } ?? plan.outDirectory(from: day, to: day, dryRun: dryRun)
                let (status, outcome) = execute(plan, files: [path], from: day, to: day, out: dayOut, metrics: metrics)
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
            return worst
        }

        /// One run over `files`; prints its summary and returns its exit status.
        func reconcile(
            _ plan: RunPlan, files: [String], from: CivilDate, to: CivilDate, out: String?, metrics: RunMetrics?
        ) -> ExitStatus {
            execute(plan, files: files, from: from, to: to, out: out, metrics: metrics).0
        }

        /// Runs the engine with the process's logger and progress line, records the metrics, and
        /// maps a failure to its exit status (logged, never thrown).
        func execute(
            _ plan: RunPlan, files: [String], from: CivilDate, to: CivilDate, out: String?, metrics: RunMetrics?
        ) -> (ExitStatus, ReconciliationRun.Outcome?) {
            let started = Date()
            var logger = Logger(label: "tally")
            logger[metadataKey: "provider"] = "\(plan.provider)"
            var engine = ReconciliationRun(options: options(plan, files: files, from: from, to: to, out: out), logger: logger)
            // the run's own lines carry it already; the failure line and the alert notices below too
            logger[metadataKey: "run_id"] = "\(engine.runID)"
            let provider = plan.provider
            engine.progress = { ProgressLine.shared.show(RunProgressView(provider: provider, $0)) }
            do {
                let outcome = try engine.run()
                ProgressLine.shared.clear()
                Console.out(RunSummaryText.render(outcome))
                let status = failStatus(plan, outcome)
                metrics?.record(
                    provider: plan.provider, report: outcome.report, durationSeconds: Date().timeIntervalSince(started),
                    exitStatus: status.rawValue)
                return (status, outcome)
            } catch {
                ProgressLine.shared.clear()
                let status = ExitStatus(for: error)
                let message = plan.maskPII ? PIIMasker().maskMessage("\(error)") : "\(error)"
                logger.error(
                    "\(from == to ? "\(from)" : "\(from)..\(to)"): \(message)",
                    metadata: ["phase": "failed", "exit_status": "\(status.rawValue)"])
                // what the file says (a header, a namespace) goes to the terminal and the log, not to a webhook
                let quoted: any Error = (error as? IngestError)?.withoutExcerpt ?? error
                let alertMessage = plan.maskPII ? PIIMasker().maskMessage("\(quoted)") : "\(quoted)"
                alertFailure(
                    plan, status: status, message: alertMessage, from: from, to: to, runID: engine.runID, logger: logger)
                metrics?.recordFailure(
                    provider: plan.provider, durationSeconds: Date().timeIntervalSince(started), exitStatus: status.rawValue)
                return (status, nil)
            }
        }

        /// Sends the alert of a run that ends with `status` (never in a dry run, which sends nothing).
        func alertFailure(
            _ plan: RunPlan, status: ExitStatus, message: String, from: CivilDate, to: CivilDate, runID: String, logger: Logger
        ) {
            guard let alerts = plan.alerts, !dryRun else { return }
            let failure = RunFailure(
                runID: runID, provider: plan.provider, format: plan.format.rawValue, from: from.description, to: to.description,
                exitStatus: status.rawValue, meaning: status.meaning, message: message,
                failedAt: Timestamp(microseconds: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())))
            FailureAlerts.send(
                failure, settings: alerts, storeURL: plan.resultsURL ?? plan.databaseURL,
                password: plan.resultsURL == nil ? plan.databasePassword : plan.resultsPassword,
                log: { logger.notice("\($0)", metadata: ["phase": "alerts"]) })
        }

        func failStatus(_ plan: RunPlan, _ outcome: ReconciliationRun.Outcome) -> ExitStatus {
            if let level = plan.failOn.severity, let highest = outcome.report.highestSeverity, highest >= level { return .breaks }
            return .ok
        }

        func options(_ plan: RunPlan, files: [String], from: CivilDate, to: CivilDate, out: String?) -> RunOptions {
            plan.options(files: files, from: from, to: to, out: out, dryRun: dryRun, waitSeconds: waitSeconds)
        }
    }
}
