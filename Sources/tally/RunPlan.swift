import Foundation
import TallyCore
import TallyEngine
import TallyIngest
import TallyAlerts

/// One provider's run settings after flags, the config file and the built-in defaults are merged
/// (flags first, then the provider's keys, then the file's global keys, then the defaults).
struct RunPlan {
    var provider: String
    var format: SettlementFormat
    var files: [String]
    var filePattern: String?
    var mapping: String?
    var timezone: String
    var lookbackDays: Int
    var lookaheadDays: Int
    var amountTolerance: Int64
    var referenceColumn: String?
    var maxRejects: Int
    var failOn: FailLevel
    var ledgerQuery: String?
    var databaseURL: String?
    var databasePassword: String?
    var resultsURL: String?
    var resultsPassword: String?
    /// The explicit `--out`; otherwise reports go under ``reportsDirectory``.
    var out: String?
    var reportsDirectory: String?
    var memoryLimit: Int?
    var maskPII: Bool
    var spillDirectory: String?
    var alerts: AlertSettings?
    var allowEmptyLedger = false

    /// The report folder of one window: `--out`, else `<reports_dir>/<provider>/<from>_<to>`, with
    /// `.dry-run` after it for a dry run, so that a rehearsal never replaces the window's real
    /// reports.
    func outDirectory(from: CivilDate, to: CivilDate, dryRun: Bool) -> String? {
        if let out { return out }
        guard let reportsDirectory else { return nil }
        return "\(reportsDirectory)/\(provider)/\(from)_\(to)\(dryRun ? ".dry-run" : "")"
    }

    func options(files: [String], from: CivilDate, to: CivilDate, out: String?, dryRun: Bool, waitSeconds: Int?)
        -> RunOptions
    {
        var options = RunOptions(
            provider: provider, format: format, files: files, from: from, to: to, timezone: timezone,
            lookbackDays: lookbackDays, lookaheadDays: lookaheadDays, databaseURL: databaseURL, outDirectory: out,
            dryRun: dryRun, amountToleranceMinor: amountTolerance,
            readerOptions: ReaderOptions(
                referenceColumn: referenceColumn, mapping: mapping.flatMap { try? CSVMapping.load(path: $0) }),
            maxRejects: maxRejects, resultsURL: resultsURL, waitSeconds: waitSeconds)
        options.databasePassword = databasePassword
        options.resultsPassword = resultsPassword
        options.ledgerQuery = ledgerQuery
        options.memoryLimitBytes = memoryLimit
        options.spillDirectory = spillDirectory
        options.maskPII = maskPII
        options.alerts = alerts
        options.allowEmptyLedger = allowEmptyLedger
        return options
    }
}
