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
    /// Alert rules and delivery settings; `nil` sends no alerts.
    public var alerts: AlertSettings?

    public init(
        provider: String, format: SettlementFormat, files: [String], from: CivilDate, to: CivilDate,
        timezone: String = "UTC", lookbackDays: Int = 3, lookaheadDays: Int = 1, databaseURL: String? = nil,
        outDirectory: String? = nil, dryRun: Bool = false, amountToleranceMinor: Int64 = 0,
        readerOptions: ReaderOptions = ReaderOptions(), maxRejects: Int = 1000, resultsURL: String? = nil,
        waitSeconds: Int? = nil, alerts: AlertSettings? = nil
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
        self.alerts = alerts
    }

    /// `reports/<provider>/<from>_<to>` unless `--out` was given.
    public var resolvedOutDirectory: String {
        outDirectory ?? "reports/\(provider)/\(from)_\(to)"
    }
}
