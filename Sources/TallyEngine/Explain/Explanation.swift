import TallyCore
import TallyPostgres

/// Everything `tally explain` knows about one reference: the run that decided it, the settlement
/// line(s), the ledger row(s), the outcome per line with the rule that decided it, and the
/// reference's open-item history.
public struct Explanation: Sendable {
    /// Where a settlement line or a ledger row was taken from.
    public enum Source: String, Sendable {
        /// Re-read from the run's settlement files just now.
        case file
        /// As the run stored it with its break.
        case store
        /// Looked up in the payments database just now.
        case lookup
    }

    /// The run whose outcome is explained.
    public struct Run: Sendable {
        public var id: String
        public var format: String
        public var window: ReconciliationWindow
        public var timezone: String
        public var state: String
        public var current: Bool
        public var lookbackDays: Int
        public var lookaheadDays: Int
        public var toleranceMinor: Int64
        public var files: [File]
    }

    /// One settlement file of that run, and whether it could be read again.
    public struct File: Sendable {
        public var path: String
        public var sha256: String
        /// The file could be read now.
        public var readable: Bool
        /// Its SHA-256 differs from the run's (`nil` when it was not read).
        public var changed: Bool?
    }

    public struct SettlementLine: Sendable, Hashable {
        public var file: String
        public var line: Int
        public var kind: TransactionKind
        public var amount: Money
        public var source: Source
    }

    public struct LedgerRow: Sendable, Hashable {
        public var record: LedgerRecord
        public var source: Source
    }

    /// The outcome of one settlement line or ledger row in the run, with the rule that decided it.
    public struct Outcome: Sendable {
        /// `nil` for a control, which has no kind.
        public var kind: TransactionKind?
        /// `nil` when matched.
        public var breakClass: BreakClass?
        public var rule: String
        public var differences: [Difference]
        public var line: SettlementLine?
        public var ledger: LedgerRecord?
        /// The break's first-seen date, age and novelty as the run stored them (nil when matched).
        public var firstSeen: CivilDate?
        public var ageDays: Int?
        public var isNew: Bool?
    }

    /// A run that reported the reference as a break.
    public struct Sighting: Sendable {
        public var runID: String
        public var from: CivilDate
        public var to: CivilDate
        public var current: Bool
        public var breakClass: BreakClass
        public var kind: TransactionKind?
        public var firstSeen: CivilDate
        public var ageDays: Int
        public var isNew: Bool
    }

    public var reference: String
    public var provider: String
    public var run: Run?
    public var lines: [SettlementLine]
    public var ledgerRows: [LedgerRow]
    public var outcomes: [Outcome]
    /// Every stored break of the reference, newest window first.
    public var sightings: [Sighting]
    public var openItems: [OpenItem]
    public var resolutions: [ResultStore.StoredResolution]
    /// Things the reader should know (a file that changed or cannot be read, a ledger row that changed).
    public var notes: [String]
    /// What the rule passes made of the lines that involve the reference, as the run stored it.
    public var rulePasses: [RuleTrace] = []

    /// The earliest first-seen date of the reference's items, if it was ever a break.
    public var firstSeen: CivilDate? {
        (sightings.map(\.firstSeen) + openItems.map(\.firstSeen) + resolutions.map(\.item.firstSeen)).min()
    }
}
