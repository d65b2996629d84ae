import ArgumentParser
import Foundation
import Logging
import TallyAlerts
import TallyCore
import TallyEngine
import TallyIngest
import TallyReport

extension SettlementFormat: ExpressibleByArgument {}
extension FailLevel: ExpressibleByArgument {}

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

        @Flag(help: "Let --fail-on count the breaks of acknowledged items too (by default they do not).")
        var failOnAcknowledged = false

        @Flag(help: "Read everything and write the reports, but store nothing and send nothing.")
        var dryRun = false

        @Option(
            help:
                "libpq URL of the database holding the tally schema (default: the config, TALLY_RESULTS_URL, the payments database)."
        )
        var resultsURL: String?

        @Option(help: "Bytes the settlement index may use (512MiB, 2GiB, …); past it the run spills to disk partitions.")
        var memoryLimit: String?

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default: the config, then info).")
        var logLevel: String?

        @Option(help: "Log format on stderr: text or json (one object per line; default: the config, then text).")
        var logFormat: String?

        @Option(
            help: "Write Prometheus text-format metrics here after the runs, atomically (default: the config's metrics_file).")
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

        @Flag(
            help: """
                Run and store even when the breaks cover more than max_break_ratio (default 0.5) of \
                the window's ledger rows or of the file's transactions (without it, that stops the \
                run unstored with exit 65: usually an empty file or the file of another day).
                """)
        var allowMassBreaks = false

        @Option(
            name: .customLong("wait"),
            help: ArgumentHelp(
                "Wait up to this many seconds for another run of the provider to finish (bare --wait: 3600).",
                valueName: "seconds"))
        var waitSeconds: Int?

        @Option(help: ArgumentHelp("Alert rules: a YAML file with endpoints: [...] (docs/alerts.md).", valueName: "file"))
        var alerts: String?

        @Option(
            help: ArgumentHelp(
                "Also alert this URL (Standard Webhooks, signed with TALLY_WEBHOOK_SECRET, default triggers).",
                valueName: "url"))
        var webhook: String?

        @Option(
            help:
                "Directory for state kept between invocations (failure alerts spooled while the store is down, and <dir>/spill for --memory-limit's disk partitions; default: the config's state_dir, then .tally/state, and $TMPDIR for the partitions)."
        )
        var stateDir: String?

        @Option(
            help: """
                With a config and no --provider: run this many providers at once (default 1, one after \
                another). Each run has its own connections and its provider's lock.
                """)
        var jobs = 1

        @Option(help: "Seconds the run keeps retrying its alerts before leaving them to `tally alerts deliver`.")
        var alertBudget: Double = 60

        func validate() throws {
            for (flag, value) in [("--from", from), ("--to", to), ("--as-of", asOf)] {
                if let value, CivilDate(iso: value) == nil {
                    throw ValidationError("\(flag) '\(value)' is not a date; write it as YYYY-MM-DD.")
                }
            }
            if to != nil && from == nil { throw ValidationError("--to needs --from.") }
            if asOf != nil && from != nil {
                throw ValidationError("--as-of picks the nightly window; give it or --from, not both.")
            }
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
                throw ValidationError(
                    "--log-level '\(logLevel)' is not one of trace, debug, info, notice, warning, error, critical.")
            }
            if let logFormat, TallyLogHandler.Format(rawValue: logFormat) == nil {
                throw ValidationError("--log-format '\(logFormat)' is not text or json.")
            }
            guard jobs >= 1 else { throw ValidationError("--jobs must be 1 or more.") }
            guard alertBudget >= 0 else { throw ValidationError("--alert-budget must be 0 or more seconds.") }
        }

        /// Installs the log handler and the progress line (a terminal and text logs only), and
        /// returns the one logger of the command.
        func setUpOutput(_ config: TallyConfig?) -> Logger {
            let format = TallyLogHandler.Format(rawValue: logFormat ?? config?.logFormat ?? "text") ?? .text
            let level = Logger.Level(rawValue: logLevel ?? config?.logLevel ?? "info") ?? .info
            TallyLogHandler.bootstrap(format: format, level: level, maskPII: maskPII || config?.maskPII == true)
            ProgressLine.shared.enable(format == .text && isatty(STDERR_FILENO) == 1)
            return Logger(label: "tally")
        }

        /// The flags as the planner takes them (validated by ``validate()``).
        var flags: RunFlags {
            var flags = RunFlags()
            flags.provider = provider
            flags.format = format
            flags.files = files
            flags.filePattern = filePattern
            flags.perDay = perDay
            flags.allowMissing = allowMissing
            flags.from = from.flatMap(CivilDate.init(iso:))
            flags.to = to.flatMap(CivilDate.init(iso:))
            flags.asOf = asOf.flatMap(CivilDate.init(iso:))
            flags.databaseURL = databaseURL
            flags.resultsURL = resultsURL
            flags.out = out
            flags.timezone = timezone
            flags.lookbackDays = lookbackDays
            flags.lookaheadDays = lookaheadDays
            flags.amountTolerance = amountTolerance
            flags.referenceColumn = referenceColumn
            flags.mapping = mapping
            flags.maxRejects = maxRejects
            flags.failOn = failOn
            flags.dryRun = dryRun
            flags.memoryLimit = memoryLimit.flatMap(ByteSize.parse)
            flags.maskPII = maskPII
            flags.allowEmptyLedger = allowEmptyLedger
            flags.allowMassBreaks = allowMassBreaks
            flags.waitSeconds = waitSeconds
            flags.stateDirectory = stateDir
            return flags
        }

        func run() throws {
            var loaded: TallyConfig?
            if let path = TallyConfig.locate(flag: config) {
                do throws(ConfigError) { loaded = try TallyConfig.load(path: path) } catch {
                    Console.error("tally: error: \(error)")
                    throw ExitCode(ExitStatus.usage.rawValue)
                }
            }
            let logger = setUpOutput(loaded)
            let alertSettings: AlertSettings?
            do {
                alertSettings = try AlertOptions.settings(
                    file: alerts, webhook: webhook, configured: loaded?.alerts,
                    stateDirectory: stateDir ?? loaded?.stateDirectory ?? AlertSettings.defaultStateDirectory,
                    budgetSeconds: alertBudget)
            } catch {
                logger.error("\(error)")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            if let mapping {
                do throws(MappingError) { _ = try CSVMapping.load(path: mapping) } catch {
                    logger.error("\(error)")
                    throw ExitCode(ExitStatus.usage.rawValue)
                }
            }
            // a dry run is a rehearsal: it leaves the metrics (the last success above all) as they were
            let metrics =
                dryRun ? nil : (metricsFile ?? loaded?.metricsFile).map { (path: $0, recorder: SharedMetrics(RunMetrics())) }
            let runs: [ProviderRun]
            do {
                runs = try RunPlanner(flags: flags, config: loaded, alerts: alertSettings).plan()
            } catch {
                logger.error("\(error)")
                throw ExitCode(ExitStatus(for: error).rawValue)
            }
            let execution = RunExecution(
                logger: logger, metrics: metrics?.recorder, dryRun: dryRun, failOnAcknowledged: failOnAcknowledged)
            var worst = ExitStatus.ok
            var skipped = 0
            // one progress line cannot show several runs: with --jobs, the log lines carry each run
            if jobs > 1 && runs.count > 1 { ProgressLine.shared.enable(false) }
            for status in ProviderFanOut.perform(runs, jobs: jobs, { execution.perform($0) }) {
                guard let status else {
                    skipped += 1
                    continue
                }
                if status.severityRank > worst.severityRank { worst = status }
            }
            if skipped > 0 && skipped == runs.count {
                logger.error("no configured provider has its settlement file for the night; nothing was run")
                worst = .noInput
            }
            if let metrics {
                do {
                    try metrics.recorder.with { try $0.write(to: metrics.path) }
                } catch {
                    logger.error("cannot write the metrics file \(metrics.path): \(error.localizedDescription)")
                    if ExitStatus.cannotCreate.severityRank > worst.severityRank { worst = .cannotCreate }
                }
            }
            if worst != .ok { throw ExitCode(worst.rawValue) }
        }
    }
}
