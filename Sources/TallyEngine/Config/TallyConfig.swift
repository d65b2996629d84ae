import Foundation
import TallyAlerts
import TallyCore
import TallyIngest

/// `tally.yml`: the databases, the defaults of every run, and each provider's format, files and
/// tolerances, so that the nightly job is one command with no arguments.
///
/// ```yaml
/// database:
///   url: postgresql://tally@db.internal/payments   # no password here
///   password_env: TALLY_DB_PASSWORD                # or password_file: /run/secrets/db
/// results:                                         # optional: the tally schema elsewhere
///   url: postgresql://tally@db.internal/tally
/// timezone: Europe/Berlin
/// reports_dir: /var/lib/tally/reports
/// state_dir: /var/lib/tally/state
/// metrics_file: /var/lib/node_exporter/textfile/tally.prom
/// log_level: info                                  # trace, debug, info, notice, warning, error, critical
/// log_format: json                                 # or text
/// providers:
///   acmepay:
///     format: stripe
///     file_pattern: /srv/inbox/acmepay/{date}.csv
///     lookback_days: 3
///     lookahead_days: 1
///     amount_tolerance: 0
///     fail_on: high
/// ```
///
/// Flags override the file; the file overrides the built-in defaults. Every problem is reported
/// with its key path, and unknown keys are errors, not silence.
public struct TallyConfig: Sendable {
    /// Where a database is, and where its password comes from (never the config text itself).
    public struct Database: Sendable, Hashable {
        public var url: String?
        public var passwordEnv: String?
        public var passwordFile: String?

        public init(url: String? = nil, passwordEnv: String? = nil, passwordFile: String? = nil) {
            self.url = url
            self.passwordEnv = passwordEnv
            self.passwordFile = passwordFile
        }

        /// The password from the environment variable or the file (trailing newline dropped).
        ///
        /// - Throws: ``ConfigError`` when the variable is unset or the file cannot be read.
        public func password(key: String) throws(ConfigError) -> String? {
            if let name = passwordEnv {
                guard let value = ProcessInfo.processInfo.environment[name] else {
                    throw ConfigError(path: key, problems: ["\(key).password_env: the environment variable \(name) is not set"])
                }
                return value
            }
            if let path = passwordFile {
                guard let data = FileManager.default.contents(atPath: path), var text = String(data: data, encoding: .utf8) else {
                    throw ConfigError(path: key, problems: ["\(key).password_file: cannot read \(path)"])
                }
                while text.last == "\n" || text.last == "\r" { text.removeLast() }
                return text
            }
            return nil
        }
    }

    /// One provider's settings; nil fields fall back to the global ones, then to the built-in defaults.
    public struct Provider: Sendable {
        public var name: String
        public var format: SettlementFormat
        public var mapping: String?
        public var filePattern: String?
        public var timezone: String?
        public var lookbackDays: Int?
        public var lookaheadDays: Int?
        public var amountTolerance: Int64?
        public var referenceColumn: String?
        public var maxRejects: Int?
        /// `high`, `medium`, `info` or `never`.
        public var failOn: String?
        public var ledgerQuery: String?
        /// Bytes the settlement index may use before the run spills to disk.
        public var memoryLimit: Int?
        /// Mask personal data in provider text (`--mask-pii`).
        public var maskPII: Bool?
        /// The share of a side that may break before the run stops unstored (``MassBreakGuard``).
        public var maxBreakRatio: Double?
        /// The rule passes after the key pass, in order (`matching:`); none by default.
        public var matching: [RulePass] = []
        /// Where and how the provider pays out (`payouts:`); nil announces no payouts.
        public var payouts: PayoutTerms?

        public init(name: String, format: SettlementFormat) {
            self.name = name
            self.format = format
        }
    }

    /// The file it was read from.
    public var path: String
    public var database: Database?
    public var results: Database?
    public var timezone: String?
    public var reportsDirectory: String?
    public var stateDirectory: String?
    public var metricsFile: String?
    public var logLevel: String?
    public var logFormat: String?
    /// The default `memory_limit` of every provider.
    public var memoryLimit: Int?
    /// The default `mask_pii` of every provider (and of the log).
    public var maskPII: Bool?
    /// The default `max_break_ratio` of every provider.
    public var maxBreakRatio: Double?
    /// The alert endpoints of `alerts:` (the same shape as a `--alerts` file).
    public var alerts: AlertRules?
    /// In file order.
    public var providers: [Provider] = []
    /// `items:`: the reason codes people may close items with.
    public var items = ItemSettings()

    public init(path: String) { self.path = path }

    public func provider(named name: String) -> Provider? { providers.first { $0.name == name } }

    /// The config file of a command: `--config`, else `TALLY_CONFIG`, else `./tally.yml` when present.
    public static func locate(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String?
    {
        if let flag { return flag }
        if let path = environment["TALLY_CONFIG"], !path.isEmpty { return path }
        return FileManager.default.fileExists(atPath: "tally.yml") ? "tally.yml" : nil
    }
}

/// Every problem of a config file, each with its key path and what was expected (exit 64).
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var problems: [String]

    public init(path: String, problems: [String]) {
        self.path = path
        self.problems = problems
    }

    public var description: String {
        "\(path): \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n"
            + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
