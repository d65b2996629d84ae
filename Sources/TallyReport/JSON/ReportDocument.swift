import TallyCore

/// The exact shape of `report.json`, schema version 1 (`schemas/report.schema.json`).
///
/// Field names are the contract's (schemas/report.schema.json, docs/reports.md); Swift names map to them through `CodingKeys`.
/// Optional sides encode as explicit `null`, never as a missing key.
struct ReportDocument: Encodable {
    var schemaVersion = JSONReport.schemaVersion
    var run: Run
    var summary: Summary
    var breaks: [BreakEntry]
    var rejects: [RejectEntry]
    var controls: [ControlEntry]
    var delta: Delta
    var resolved: [ResolvedEntry]
    var openItems: [OpenItemEntry]
    /// Lines a rule pass with `outcome: match` paired cleanly, with their traces; absent when none
    /// (so a run with the key pass alone writes what it wrote before).
    var ruleMatches: [RuleMatchEntry]?
    /// The payouts announced or received (ReportDocument+Payouts.swift); absent for a provider without payouts.
    var payouts: PayoutsEntry?

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case run, summary, breaks, rejects, controls, delta, resolved
        case openItems = "open_items"
        case ruleMatches = "rule_matches"
        case payouts
    }

    /// What one rule pass made of a line (``TallyCore/RuleStep``).
    struct PassStepEntry: Encodable {
        var pass: String
        var verdict: String
        var note: String

        init(_ step: RuleStep) {
            pass = step.pass
            verdict = step.verdict.rawValue
            note = step.note
        }
    }

    /// A clean pairing of a `match` pass (``TallyCore/RuleMatch``).
    struct RuleMatchEntry: Encodable {
        var pass: String
        var reference: String
        var kind: String
        var provider: ProviderEntry
        var ledger: [RuleMatchRow]
        var passes: [PassStepEntry]
    }

    /// A ledger row of a rule match.
    struct RuleMatchRow: Encodable {
        var reference: String
        var amountMinor: Int64
        var currency: String
        var createdAt: String

        enum CodingKeys: String, CodingKey {
            case reference, currency
            case amountMinor = "amount_minor"
            case createdAt = "created_at"
        }
    }

    struct Delta: Encodable {
        var new: Int
        var persisting: Int
        var resolved: Int
    }

    struct ResolvedEntry: Encodable {
        var reference: String
        var kind: String
        var breakClass: String
        var firstSeen: String
        var resolvedAs: String
        /// The item's stable id (``ItemID``).
        var itemID: String
        /// Who resolved it: `tally` for the reconciler, else the person.
        var actor: String
        /// A person's reason code; null for the reconciler.
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case reference, kind, actor, reason
            case breakClass = "class"
            case firstSeen = "first_seen"
            case resolvedAs = "resolved_as"
            case itemID = "item_id"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(reference, forKey: .reference)
            try container.encode(kind, forKey: .kind)
            try container.encode(breakClass, forKey: .breakClass)
            try container.encode(firstSeen, forKey: .firstSeen)
            try container.encode(resolvedAs, forKey: .resolvedAs)
            try container.encode(itemID, forKey: .itemID)
            try container.encode(actor, forKey: .actor)
            try container.encode(reason, forKey: .reason)
        }
    }

    struct OpenItemEntry: Encodable {
        var reference: String
        var kind: String
        var breakClass: String
        var firstSeen: String
        var ageDays: Int
        /// The item's stable id (``ItemID``).
        var itemID: String
        /// What people made of it (``TallyCore/ItemMark``): state, assignee, last note.
        var state: String
        var assignee: String?
        var lastNote: String?

        enum CodingKeys: String, CodingKey {
            case reference, kind, state, assignee
            case breakClass = "class"
            case firstSeen = "first_seen"
            case ageDays = "age_days"
            case itemID = "item_id"
            case lastNote = "last_note"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(reference, forKey: .reference)
            try container.encode(kind, forKey: .kind)
            try container.encode(breakClass, forKey: .breakClass)
            try container.encode(firstSeen, forKey: .firstSeen)
            try container.encode(ageDays, forKey: .ageDays)
            try container.encode(itemID, forKey: .itemID)
            try container.encode(state, forKey: .state)
            try container.encode(assignee, forKey: .assignee)
            try container.encode(lastNote, forKey: .lastNote)
        }
    }

    struct Run: Encodable {
        var id: String
        var provider: String
        var format: String
        var window: Window
        var timezone: String
        var dryRun: Bool
        var startedAt: String
        var finishedAt: String
        var files: [FileEntry]
        var supersedes: String?
        var ledgerWindow: LedgerWindow
        var amountToleranceMinor: Int64

        enum CodingKeys: String, CodingKey {
            case id, provider, format, window, timezone, files, supersedes
            case dryRun = "dry_run"
            case startedAt = "started_at"
            case finishedAt = "finished_at"
            case ledgerWindow = "ledger_window"
            case amountToleranceMinor = "amount_tolerance_minor"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(provider, forKey: .provider)
            try container.encode(format, forKey: .format)
            try container.encode(window, forKey: .window)
            try container.encode(timezone, forKey: .timezone)
            try container.encode(dryRun, forKey: .dryRun)
            try container.encode(startedAt, forKey: .startedAt)
            try container.encode(finishedAt, forKey: .finishedAt)
            try container.encode(files, forKey: .files)
            try container.encode(supersedes, forKey: .supersedes)
            try container.encode(ledgerWindow, forKey: .ledgerWindow)
            try container.encode(amountToleranceMinor, forKey: .amountToleranceMinor)
        }
    }

    struct Window: Encodable {
        var from: String
        var to: String
    }

    struct LedgerWindow: Encodable {
        var start: String
        var end: String
        var lookbackDays: Int
        var lookaheadDays: Int

        enum CodingKeys: String, CodingKey {
            case start, end
            case lookbackDays = "lookback_days"
            case lookaheadDays = "lookahead_days"
        }
    }

    struct FileEntry: Encodable {
        var path: String
        var sha256: String
        var records: Int
        var rejected: Int
    }

    struct Summary: Encodable {
        var settlementTransactions: Int
        var ledgerRows: Int
        var ledgerRowsStreamed: Int
        var ledgerRowsLookedUp: Int
        var matched: Int
        var breaks: [String: ClassEntry]
        var nonTransactions: [NonTransactionEntry]
        var rejects: Int
        var settlementAmountMinorByCurrency: [String: Int64]
        var matchedAmountMinorByCurrency: [String: Int64]
        /// The file's gross, fees by kind, net and payouts per currency (added compatibly).
        var totalsByCurrency: [CurrencyTotalsEntry]
        /// Pairs per pass, `key` first in the object's sorted keys like every other (added compatibly).
        var matchedBy: [String: Int]

        enum CodingKeys: String, CodingKey {
            case settlementTransactions = "settlement_transactions"
            case ledgerRows = "ledger_rows"
            case ledgerRowsStreamed = "ledger_rows_streamed"
            case ledgerRowsLookedUp = "ledger_rows_looked_up"
            case matched, breaks
            case nonTransactions = "non_transactions"
            case rejects
            case settlementAmountMinorByCurrency = "settlement_amount_minor_by_currency"
            case matchedAmountMinorByCurrency = "matched_amount_minor_by_currency"
            case totalsByCurrency = "totals_by_currency"
            case matchedBy = "matched_by"
        }
    }

    /// One currency of ``CurrencyTotals``, in minor units.
    struct CurrencyTotalsEntry: Encodable {
        var currency: String
        var transactions: Int
        var grossMinor: Int64
        var fees: Fees
        var otherLinesMinor: Int64
        var netMinor: Int64
        var payoutsMinor: Int64

        struct Fees: Encodable {
            var transactionMinor: Int64
            var disputeMinor: Int64
            var feeLinesMinor: Int64
            var totalMinor: Int64

            enum CodingKeys: String, CodingKey {
                case transactionMinor = "transaction_minor"
                case disputeMinor = "dispute_minor"
                case feeLinesMinor = "fee_lines_minor"
                case totalMinor = "total_minor"
            }
        }

        init(_ totals: CurrencyTotals) {
            currency = totals.currency.code
            transactions = totals.transactions
            grossMinor = totals.grossMinor
            fees = Fees(
                transactionMinor: totals.transactionFeesMinor, disputeMinor: totals.disputeFeesMinor,
                feeLinesMinor: totals.feeLinesMinor, totalMinor: totals.feesMinor)
            otherLinesMinor = totals.otherLinesMinor
            netMinor = totals.netMinor
            payoutsMinor = totals.payoutsMinor
        }

        enum CodingKeys: String, CodingKey {
            case currency, transactions, fees
            case grossMinor = "gross_minor"
            case otherLinesMinor = "other_lines_minor"
            case netMinor = "net_minor"
            case payoutsMinor = "payouts_minor"
        }
    }

    struct ClassEntry: Encodable {
        var count: Int
        var amountMinorByCurrency: [String: Int64]

        enum CodingKeys: String, CodingKey {
            case count
            case amountMinorByCurrency = "amount_minor_by_currency"
        }
    }

    struct BreakEntry: Encodable {
        var breakClass: String
        var severity: String
        var reference: String
        var kind: String?
        var provider: ProviderEntry?
        var ledger: LedgerEntry?
        var differences: [String]
        var firstSeen: String
        var ageDays: Int
        var isNew: Bool
        var control: ControlEntry?
        /// The pass that paired the two sides (`key`, a rule pass's name), null when none did.
        var matchedBy: String?
        /// The rows an ambiguous_match could not choose between, or a group's rows; absent when none.
        var candidates: [CandidateEntry]
        /// What each rule pass made of the line; absent when no pass looked at it.
        var passes: [PassStepEntry] = []
        /// The id of the item the break opens or persists (``ItemID``), null for a class that opens none.
        var itemID: String?
        /// The item's state, assignee and last note (``TallyCore/ItemMark``); null without an item.
        var state: String?
        var assignee: String?
        var lastNote: String?

        enum CodingKeys: String, CodingKey {
            case breakClass = "class"
            case severity, reference, kind, provider, ledger, differences, control, candidates, passes, state, assignee
            case lastNote = "last_note"
            case firstSeen = "first_seen"
            case ageDays = "age_days"
            case isNew = "new"
            case matchedBy = "matched_by"
            case itemID = "item_id"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(breakClass, forKey: .breakClass)
            try container.encode(severity, forKey: .severity)
            try container.encode(reference, forKey: .reference)
            try container.encode(kind, forKey: .kind)
            try container.encode(provider, forKey: .provider)
            try container.encode(ledger, forKey: .ledger)
            try container.encode(differences, forKey: .differences)
            try container.encode(firstSeen, forKey: .firstSeen)
            try container.encode(ageDays, forKey: .ageDays)
            try container.encode(isNew, forKey: .isNew)
            try container.encodeIfPresent(control, forKey: .control)
            try container.encode(matchedBy, forKey: .matchedBy)
            try container.encode(itemID, forKey: .itemID)
            try container.encode(state, forKey: .state)
            try container.encode(assignee, forKey: .assignee)
            try container.encode(lastNote, forKey: .lastNote)
            if !candidates.isEmpty { try container.encode(candidates, forKey: .candidates) }
            if !passes.isEmpty { try container.encode(passes, forKey: .passes) }
        }
    }

    /// A ledger row a rule pass considered, and why.
    struct CandidateEntry: Encodable {
        var reference: String
        var kind: String
        var amountMinor: Int64
        var currency: String
        var createdAt: String
        var reason: String

        enum CodingKeys: String, CodingKey {
            case reference, kind, currency, reason
            case amountMinor = "amount_minor"
            case createdAt = "created_at"
        }
    }

    struct ProviderEntry: Encodable {
        var amountMinor: Int64
        var currency: String
        var file: String
        var line: Int

        enum CodingKeys: String, CodingKey {
            case amountMinor = "amount_minor"
            case currency, file, line
        }
    }

    struct LedgerEntry: Encodable {
        var amountMinor: Int64
        var currency: String
        var status: String
        var createdAt: String
        var merchantRef: String?

        enum CodingKeys: String, CodingKey {
            case amountMinor = "amount_minor"
            case currency, status
            case createdAt = "created_at"
            case merchantRef = "merchant_ref"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(amountMinor, forKey: .amountMinor)
            try container.encode(currency, forKey: .currency)
            try container.encode(status, forKey: .status)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(merchantRef, forKey: .merchantRef)
        }
    }

    struct RejectEntry: Encodable {
        var file: String
        var line: Int
        var reason: String
    }

    struct ControlEntry: Encodable {
        var name: String
        var ok: Bool
        var expected: String
        var actual: String
        var file: String
        /// A per-line control's first failing lines and the count of the rest; absent otherwise.
        var lines: [ControlLineEntry]?
        var moreLines: Int?

        enum CodingKeys: String, CodingKey {
            case name, ok, expected, actual, file, lines
            case moreLines = "more_lines"
        }
    }
}

extension ReportDocument {
    init(_ report: RunReport) {
        let result = report.result
        let window = report.window
        run = Run(
            id: report.runID, provider: report.provider, format: report.format,
            window: Window(from: window.from.description, to: window.to.description), timezone: report.timezone,
            dryRun: report.dryRun, startedAt: report.startedAt.iso8601, finishedAt: report.finishedAt.iso8601,
            files: report.files.map {
                FileEntry(path: $0.path, sha256: $0.sha256, records: $0.records, rejected: $0.rejected)
            },
            supersedes: report.supersedes,
            ledgerWindow: LedgerWindow(
                start: window.streamStart.iso8601, end: window.streamEnd.iso8601, lookbackDays: report.lookbackDays,
                lookaheadDays: report.lookaheadDays),
            amountToleranceMinor: report.amountToleranceMinor)
        let byClass = report.summaryByClass
        var classes: [String: ClassEntry] = [:]
        for breakClass in report.shownClasses {
            let entry = byClass[breakClass] ?? ClassSummary()
            classes[breakClass.rawValue] = ClassEntry(
                count: entry.count,
                amountMinorByCurrency: Dictionary(
                    uniqueKeysWithValues: entry.amountMinorByCurrency.map { ($0.key.code, $0.value) }))
        }
        summary = Summary(
            settlementTransactions: result.settlementTransactions, ledgerRows: result.ledgerRowsInWindow,
            ledgerRowsStreamed: result.ledgerRowsStreamed, ledgerRowsLookedUp: result.ledgerRowsLookedUp,
            matched: result.matched, breaks: classes,
            nonTransactions: result.nonTransactions.sorted.map {
                NonTransactionEntry(category: $0.key.category, currency: $0.key.currency, total: $0.total)
            },
            rejects: result.rejects.count,
            settlementAmountMinorByCurrency: Self.byCode(result.settlementAmountMinorByCurrency),
            matchedAmountMinorByCurrency: Self.byCode(
                result.settlementAmountMinorByCurrency.mapValues { _ in 0 }.merging(
                    result.matchedAmountMinorByCurrency, uniquingKeysWith: { $1 })),
            totalsByCurrency: CurrencyTotals.of(result).map(CurrencyTotalsEntry.init),
            matchedBy: result.pairsByPass.merging([RulePass.keyPassName: result.keyPairs]) { $1 })
        breaks = report.breaks.map { dated in
            let item = dated.item
            let mark = report.mark(of: item)
            return BreakEntry(
                breakClass: item.breakClass.rawValue, severity: item.severity.rawValue, reference: item.reference,
                kind: item.kindName,
                provider: item.provider.map {
                    ProviderEntry(
                        amountMinor: $0.amount.minor, currency: $0.amount.currency.code,
                        file: report.path(ofFile: $0.location.file), line: $0.location.line)
                },
                ledger: item.ledger.map {
                    LedgerEntry(
                        amountMinor: $0.amount.minor, currency: $0.amount.currency.code, status: $0.status.text,
                        createdAt: $0.createdAt.iso8601, merchantRef: $0.merchantReference)
                },
                differences: item.differences.map(\.rawValue), firstSeen: dated.firstSeen.description,
                ageDays: dated.ageDays, isNew: dated.isNew,
                control: item.control.map {
                    ControlEntry(
                        name: $0.name, ok: $0.ok, expected: $0.expected, actual: $0.actual,
                        file: report.path(ofFile: $0.file))
                }, matchedBy: item.matchedBy,
                candidates: item.candidates.map {
                    CandidateEntry(
                        reference: $0.reference, kind: $0.kind.name, amountMinor: $0.amount.minor,
                        currency: $0.amount.currency.code,
                        createdAt: $0.createdAt.iso8601, reason: $0.reason)
                }, passes: item.passSteps.map(PassStepEntry.init),
                itemID: item.itemID(provider: report.provider)?.rawValue, state: mark?.state, assignee: mark?.assignee,
                lastNote: mark?.lastNote)
        }
        ruleMatches =
            result.ruleMatches.isEmpty
            ? nil
            : result.ruleMatches.map { match in
                RuleMatchEntry(
                    pass: match.pass, reference: match.reference, kind: match.kind.name,
                    provider: ProviderEntry(
                        amountMinor: match.provider.amount.minor, currency: match.provider.amount.currency.code,
                        file: report.path(ofFile: match.provider.location.file), line: match.provider.location.line),
                    ledger: match.ledger.map {
                        RuleMatchRow(
                            reference: $0.reference, amountMinor: $0.amount.minor, currency: $0.amount.currency.code,
                            createdAt: $0.createdAt.iso8601)
                    }, passes: match.steps.map(PassStepEntry.init))
            }
        payouts = report.payouts.map(PayoutsEntry.init)
        let history = report.history
        delta = Delta(new: history.newCount, persisting: history.persistingCount, resolved: history.resolved.count)
        resolved = history.resolved.map {
            ResolvedEntry(
                reference: $0.reference, kind: $0.kind.name, breakClass: $0.breakClass.rawValue,
                firstSeen: $0.firstSeen.description, resolvedAs: $0.resolvedAs.rawValue,
                itemID: ItemID(provider: report.provider, reference: $0.reference, kind: $0.kind).rawValue,
                actor: $0.resolvedAs.isByPerson ? report.resolvedMarks[$0.key]?.resolvedBy ?? "?" : "tally",
                reason: $0.resolvedAs.isByPerson ? report.resolvedMarks[$0.key]?.reason : nil)
        }
        openItems = history.visibleOpen.map {
            let mark = report.mark(of: $0)
            return OpenItemEntry(
                reference: $0.reference, kind: $0.kind.name, breakClass: $0.breakClass.rawValue,
                firstSeen: $0.firstSeen.description, ageDays: $0.age(on: report.window.to),
                itemID: $0.id(provider: report.provider).rawValue, state: mark.state, assignee: mark.assignee,
                lastNote: mark.lastNote)
        }
        rejects = result.rejects.map {
            RejectEntry(file: report.path(ofFile: $0.location.file), line: $0.location.line, reason: $0.reason)
        }
        controls = result.controls.map {
            ControlEntry(
                name: $0.name, ok: $0.ok, expected: $0.expected, actual: $0.actual, file: report.path(ofFile: $0.file),
                lines: $0.lines.isEmpty
                    ? nil : $0.lines.map(ControlLineEntry.init),
                moreLines: $0.lines.isEmpty ? nil : $0.moreLines)
        }
    }
}

extension ReportDocument {
    /// Amounts keyed by currency code; every settled currency appears in both maps (0 when none matched).
    static func byCode(_ amounts: [Currency: Int64]) -> [String: Int64] {
        Dictionary(uniqueKeysWithValues: amounts.map { ($0.key.code, $0.value) })
    }
}
