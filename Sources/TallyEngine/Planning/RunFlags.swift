import TallyCore
import TallyIngest

/// The flags of `tally run` as parsed, before the config is merged in: nil (or false, or empty)
/// is "not given", so that ``RunPlanner`` can tell a flag from a default.
public struct RunFlags: Sendable {
    public var provider: String?
    public var format: SettlementFormat?
    public var files: [String] = []
    public var filePattern: String?
    public var perDay = false
    public var allowMissing = false
    /// The window; nil `from` asks for the nightly default.
    public var from: CivilDate?
    public var to: CivilDate?
    /// The date taken as today by the nightly default.
    public var asOf: CivilDate?
    public var databaseURL: String?
    public var resultsURL: String?
    public var out: String?
    public var timezone: String?
    public var lookbackDays: Int?
    public var lookaheadDays: Int?
    public var amountTolerance: Int64?
    public var referenceColumn: String?
    public var mapping: String?
    public var maxRejects: Int?
    public var failOn: FailLevel?
    public var dryRun = false
    /// `--memory-limit`, already parsed into bytes.
    public var memoryLimit: Int?
    public var maskPII = false
    public var allowEmptyLedger = false
    public var allowMassBreaks = false
    public var waitSeconds: Int?
    public var stateDirectory: String?

    public init() {}

    /// No window given: yesterday, for every configured provider unless one is named.
    public var isNightly: Bool { from == nil }
}
