import TallyCore
import TallyEngine
import TallyPostgres

/// `tally explain --json`. The keys are a contract; they stay, and absent values are `null`.
struct ExplanationDocument: Encodable {
    var reference: String
    var provider: String
    @NullEncoded var run: Run?
    var settlementLines: [SettlementLine]
    var ledgerRows: [Ledger]
    var outcomes: [Outcome]
    var history: History
    var notes: [String]
    /// What the rule passes made of the lines that involve the reference (an addition: empty when none).
    var rulePasses: [RuleTrace] = []

    enum CodingKeys: String, CodingKey {
        case reference, provider, run, outcomes, history, notes
        case settlementLines = "settlement_lines"
        case ledgerRows = "ledger_rows"
        case rulePasses = "rule_passes"
    }

    /// One line's trace through the rule passes.
    struct RuleTrace: Encodable {
        var place: String
        var reference: String
        var outcome: String
        @NullEncoded var matchedBy: String?
        var passes: [Step]

        struct Step: Encodable {
            var pass: String
            var verdict: String
            var note: String
        }

        enum CodingKeys: String, CodingKey {
            case place, reference, outcome, passes
            case matchedBy = "matched_by"
        }
    }

    /// A calendar window.
    struct Window: Encodable {
        var from: String
        var to: String

        init(_ from: CivilDate, _ to: CivilDate) {
            self.from = from.description
            self.to = to.description
        }
    }

    /// The run whose outcome is explained.
    struct Run: Encodable {
        var id: String
        var format: String
        var window: Window
        var timezone: String
        var state: String
        var current: Bool
        var lookbackDays: Int
        var lookaheadDays: Int
        var amountToleranceMinor: Int64
        var files: [File]

        enum CodingKeys: String, CodingKey {
            case id, format, window, timezone, state, current, files
            case lookbackDays = "lookback_days"
            case lookaheadDays = "lookahead_days"
            case amountToleranceMinor = "amount_tolerance_minor"
        }
    }

    struct File: Encodable {
        var path: String
        var sha256: String
        var readable: Bool
        @NullEncoded var changed: Bool?
    }

    struct SettlementLine: Encodable {
        var file: String
        var line: Int
        var kind: String
        var amountMinor: Int64
        var currency: String
        var source: String

        enum CodingKeys: String, CodingKey {
            case file, line, kind, currency, source
            case amountMinor = "amount_minor"
        }
    }

    /// A ledger row; `source` only where the row was read (not in an outcome).
    struct Ledger: Encodable {
        var kind: String
        var amountMinor: Int64
        var currency: String
        var status: String
        var createdAt: String
        @NullEncoded var merchantRef: String?
        var source: String?

        enum CodingKeys: String, CodingKey {
            case kind, currency, status, source
            case amountMinor = "amount_minor"
            case createdAt = "created_at"
            case merchantRef = "merchant_ref"
        }

        init(_ record: LedgerRecord, source: Explanation.Source?) {
            kind = record.kind.name
            amountMinor = record.amount.minor
            currency = record.amount.currency.code
            status = record.status.text
            createdAt = record.createdAt.iso8601
            merchantRef = record.merchantReference
            self.source = source?.rawValue
        }
    }

    /// The provider's side of an outcome.
    struct ProviderSide: Encodable {
        var amountMinor: Int64
        var currency: String
        var file: String
        var line: Int

        enum CodingKeys: String, CodingKey {
            case currency, file, line
            case amountMinor = "amount_minor"
        }
    }

    struct Outcome: Encodable {
        @NullEncoded var kind: String?
        var `class`: String
        @NullEncoded var severity: String?
        var rule: String
        var differences: [String]
        @NullEncoded var provider: ProviderSide?
        @NullEncoded var ledger: Ledger?
        @NullEncoded var firstSeen: String?
        @NullEncoded var ageDays: Int?
        @NullEncoded var new: Bool?

        enum CodingKeys: String, CodingKey {
            case kind, `class`, severity, rule, differences, provider, ledger, new
            case firstSeen = "first_seen"
            case ageDays = "age_days"
        }
    }

    struct History: Encodable {
        @NullEncoded var firstSeen: String?
        var runs: [Sighting]
        var openItems: [OpenItem]
        var resolutions: [Resolution]

        enum CodingKeys: String, CodingKey {
            case runs, resolutions
            case firstSeen = "first_seen"
            case openItems = "open_items"
        }
    }

    struct Sighting: Encodable {
        var runID: String
        var window: Window
        var current: Bool
        var `class`: String
        @NullEncoded var kind: String?
        var firstSeen: String
        var ageDays: Int
        var new: Bool

        enum CodingKeys: String, CodingKey {
            case window, current, `class`, kind, new
            case runID = "run_id"
            case firstSeen = "first_seen"
            case ageDays = "age_days"
        }
    }

    struct OpenItem: Encodable {
        var kind: String
        var `class`: String
        var firstSeen: String
        var lastSeen: String
        var ageDays: Int
        var firstRun: String
        var lastRun: String

        enum CodingKeys: String, CodingKey {
            case kind, `class`
            case firstSeen = "first_seen"
            case lastSeen = "last_seen"
            case ageDays = "age_days"
            case firstRun = "first_run"
            case lastRun = "last_run"
        }
    }

    struct Resolution: Encodable {
        var runID: String
        var window: Window
        var kind: String
        var `class`: String
        var firstSeen: String
        var resolvedAs: String

        enum CodingKeys: String, CodingKey {
            case window, kind, `class`
            case runID = "run_id"
            case firstSeen = "first_seen"
            case resolvedAs = "resolved_as"
        }
    }
}
