import TallyCore
import TallyIngest

/// Everything one `tally run` needs, already validated by the command line.
public struct RunOptions: Sendable {
    public var provider: String
    public var format: SettlementFormat
    public var files: [String]
    public var from: CivilDate
    public var to: CivilDate
    /// IANA time zone of the window's dates (`UTC`, `Europe/Berlin`, …).
    public var timezone: String
    public var lookbackDays: Int
    public var lookaheadDays: Int
    /// libpq URL; `nil` leaves the connection to libpq's `PG*` variables.
    public var databaseURL: String?
    /// Where the reports go; `nil` means `reports/<provider>/<from>_<to>/`.
    public var outDirectory: String?
    public var dryRun: Bool
    public var amountToleranceMinor: Int64
    public var readerOptions: ReaderOptions
    /// The run stops with exit 65 when more records than this are rejected.
    public var maxRejects: Int
    /// libpq URL of the database holding the `tally` schema; `nil` means the payments database.
    public var resultsURL: String?
    /// How long to wait for another run of the provider to finish; `nil` fails at once (exit 75).
    public var waitSeconds: Int?
    /// Passwords kept out of the URLs (from the environment or a secret file named in the config).
    public var databasePassword: String?
    public var resultsPassword: String?
    /// A configured ledger query replacing the canonical `payments` table (see
    /// ``TallyPostgres/LedgerSource/init(provider:ledgerQuery:hasMerchantReference:)``).
    public var ledgerQuery: String?
    /// Bytes the settlement index may use; past it the run spills to disk partitions (`nil`: no limit).
    public var memoryLimitBytes: Int?
    /// Where spill partitions go (default: the system's temporary folder).
    public var spillDirectory: String?
    /// Mask e-mail addresses, card numbers and names in provider-written text (``TallyCore/PIIMasker``)
    /// before it reaches the store, the reports or the log.
    public var maskPII: Bool
    /// Alert rules and delivery settings; `nil` sends no alerts.
    public var alerts: AlertSettings?
    /// Run even when the ledger has no row of the provider in the streamed range while the files
    /// have transactions; otherwise that stops the run with exit 64 (a mistyped provider name).
    public var allowEmptyLedger = false
    /// The share of either side (the window's ledger rows that should settle, the files'
    /// transactions) that may break before the run stops unstored with exit 65 (``MassBreakGuard``).
    public var maxBreakRatio = MassBreakGuard.defaultRatio
    /// Run and store even when the breaks cover more than ``maxBreakRatio`` of a side.
    public var allowMassBreaks = false
    /// The provider's rule passes after the key pass (`matching:` in tally.yml), in order.
    public var matching: [RulePass] = []
    /// Where this provider pays out (`payouts:`): its runs record the payouts its files announce.
    public var payouts: PayoutTerms?
    /// The providers paying into this one (a bank): its runs match their payouts.
    public var payoutSources: [PayoutSource] = []

    public init(
        provider: String, format: SettlementFormat, files: [String], from: CivilDate, to: CivilDate,
        timezone: String = "UTC", lookbackDays: Int = 3, lookaheadDays: Int = 1, databaseURL: String? = nil,
        outDirectory: String? = nil, dryRun: Bool = false, amountToleranceMinor: Int64 = 0,
        readerOptions: ReaderOptions = ReaderOptions(), maxRejects: Int = 1000, resultsURL: String? = nil,
        waitSeconds: Int? = nil, maskPII: Bool = false, alerts: AlertSettings? = nil
    ) {
        self.provider = provider
        self.format = format
        self.files = files
        self.from = from
        self.to = to
        self.timezone = timezone
        self.lookbackDays = lookbackDays
        self.lookaheadDays = lookaheadDays
        self.databaseURL = databaseURL
        self.outDirectory = outDirectory
        self.dryRun = dryRun
        self.amountToleranceMinor = amountToleranceMinor
        self.readerOptions = readerOptions
        self.maxRejects = maxRejects
        self.resultsURL = resultsURL
        self.waitSeconds = waitSeconds
        self.maskPII = maskPII
        self.alerts = alerts
    }

    /// `reports/<provider>/<from>_<to>` unless `--out` was given.
    public var resolvedOutDirectory: String {
        outDirectory ?? "reports/\(provider)/\(from)_\(to)"
    }

    /// The folder whose `index.html` lists the latest reports per provider: `reports` by default,
    /// or the grandparent of `--out` when `--out` is `<root>/<provider>/<folder>` for this run's
    /// provider (the default layout under another root); `nil` for any other `--out`, so a report
    /// written elsewhere never creates an index in an unrelated folder.
    public var reportsRoot: String? {
        guard let outDirectory else { return "reports" }
        var components = outDirectory.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        while components.last == "." { components.removeLast() }
        guard components.count >= 2, components[components.count - 2] == provider,
            !components.suffix(2).contains("..")
        else { return nil }
        let root = components.dropLast(2).joined(separator: "/")
        if outDirectory.hasPrefix("/") { return "/" + root }
        return root.isEmpty ? "." : root
    }
}
