import Foundation
import TallyCore
import TallyIngest

/// Plans a `tally run`: which providers run, over which days and files, with which settings.
///
/// Every setting is the flag, else the provider's key in the config, else the config's global key,
/// else the built-in default. With no window the run is the nightly default: yesterday (as of
/// `--as-of`, else of `now` in the provider's time zone), for every configured provider unless
/// `--provider` names one. `--per-day` splits the window into one run per day.
///
/// The planner runs nothing: it reads only what it is given, the files' presence through
/// `fileExists`, a `--mapping` file and a configured password.
public struct RunPlanner {
    public var flags: RunFlags
    public var config: TallyConfig?
    /// The alert settings every run gets (`--alerts`, `--webhook`, the config's `alerts:`).
    public var alerts: AlertSettings?
    public var environment: [String: String]
    public var now: Date
    public var fileExists: (String) -> Bool

    public init(
        flags: RunFlags, config: TallyConfig?, alerts: AlertSettings? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, now: Date = Date(),
        fileExists: @escaping (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) {
        self.flags = flags
        self.config = config
        self.alerts = alerts
        self.environment = environment
        self.now = now
        self.fileExists = fileExists
    }

    /// The providers' runs, in config order (or the one named).
    ///
    /// - Throws: ``RunError`` `.usage` when the flags and the config do not name a run, and
    ///   ``ConfigError`` when a configured password cannot be read.
    public func plan() throws -> [ProviderRun] {
        try chosenProviders().map { name, format, configured in
            let settings = try self.settings(provider: name, format: format, configured: configured)
            return ProviderRun(provider: name, failOn: settings.failOn, step: step(settings))
        }
    }

    /// The providers to run, each with its format and its config entry (nil for a provider the
    /// flags alone describe).
    func chosenProviders() throws(RunError) -> [(String, SettlementFormat, TallyConfig.Provider?)] {
        guard let config else {
            guard let provider = flags.provider, let format = flags.format else {
                throw RunError(
                    code: .usage,
                    message: "give --provider and --format (or a config file: --config, TALLY_CONFIG or ./tally.yml)")
            }
            guard flags.from != nil else {
                throw RunError(
                    code: .usage, message: "give the window with --from (and --to), or use a config file for the nightly default")
            }
            guard !flags.files.isEmpty || flags.filePattern != nil else {
                throw RunError(code: .usage, message: "give at least one settlement file with --file PATH, or --file-pattern")
            }
            return [(provider, format, nil)]
        }
        if let provider = flags.provider {
            if let configured = config.provider(named: provider) {
                return [(provider, flags.format ?? configured.format, configured)]
            }
            if let format = flags.format { return [(provider, format, nil)] }
            throw RunError(
                code: .usage,
                message:
                    "provider '\(provider)' is not in \(config.path) (it has \(config.providers.map(\.name).joined(separator: ", "))); add it or pass --format"
            )
        }
        guard flags.files.isEmpty && flags.filePattern == nil && flags.format == nil else {
            throw RunError(code: .usage, message: "--file, --file-pattern and --format apply to one provider; add --provider")
        }
        return config.providers.map { ($0.name, $0.format, $0) }
    }

    /// One provider's settings: the flag, else the provider's key, else the global key, else the default.
    func settings(provider: String, format: SettlementFormat, configured: TallyConfig.Provider?) throws -> Settings {
        let databases = try StoreDatabases.resolve(
            databaseFlag: flags.databaseURL, resultsFlag: flags.resultsURL, config: config, environment: environment)
        var options = RunOptions(
            provider: provider, format: format, files: flags.files,
            from: CivilDate(year: 1970, month: 1, day: 1), to: CivilDate(year: 1970, month: 1, day: 1),
            timezone: flags.timezone ?? configured?.timezone ?? config?.timezone ?? "UTC",
            lookbackDays: flags.lookbackDays ?? configured?.lookbackDays ?? 3,
            lookaheadDays: flags.lookaheadDays ?? configured?.lookaheadDays ?? 1,
            databaseURL: databases.databaseURL, dryRun: flags.dryRun,
            amountToleranceMinor: flags.amountTolerance ?? configured?.amountTolerance ?? 0,
            readerOptions: ReaderOptions(
                referenceColumn: flags.referenceColumn ?? configured?.referenceColumn,
                mapping: (flags.mapping ?? configured?.mapping).flatMap { try? CSVMapping.load(path: $0) }),
            maxRejects: flags.maxRejects ?? configured?.maxRejects ?? 1000, resultsURL: databases.resultsURL,
            waitSeconds: flags.waitSeconds,
            maskPII: flags.maskPII || (configured?.maskPII ?? config?.maskPII ?? false), alerts: alerts)
        options.databasePassword = databases.databasePassword
        options.resultsPassword = databases.resultsPassword
        options.ledgerQuery = configured?.ledgerQuery
        options.memoryLimitBytes = flags.memoryLimit ?? configured?.memoryLimit ?? config?.memoryLimit
        // --state-dir, then the config's state_dir, then the system's temporary folder
        options.spillDirectory = (flags.stateDirectory ?? config?.stateDirectory).map { "\($0)/spill" }
        options.allowEmptyLedger = flags.allowEmptyLedger
        options.allowMassBreaks = flags.allowMassBreaks
        options.maxBreakRatio = configured?.maxBreakRatio ?? config?.maxBreakRatio ?? MassBreakGuard.defaultRatio
        options.matching = configured?.matching ?? []
        options.payouts = configured?.payouts
        options.payoutSources = config?.payoutSources(into: provider) ?? []
        return Settings(
            options: options, filePattern: flags.filePattern ?? configured?.filePattern,
            failOn: flags.failOn ?? configured?.failOn.flatMap(FailLevel.init(rawValue:)) ?? .never)
    }

    /// A provider's merged settings before the window is known.
    struct Settings {
        /// Everything but the window, the files and the report folder.
        var options: RunOptions
        var filePattern: String?
        var failOn: FailLevel
    }
}
