/// Says in words which matching rule (docs/matching.md) decided an outcome, with the values it
/// compared: what `tally explain` prints and the reports' descriptions. The rules themselves are
/// ``Classifier``'s: the tolerance, the statuses that settle a kind and the window come from it.
///
/// Pure: the caller passes the window, the tolerance and a formatter for instants in the run's
/// time zone, so it needs no clock, calendar or database.
///
/// ```swift
/// let rule = OutcomeRule(window: window, tolerance: 0, lookbackDays: 3, lookaheadDays: 1, time: { $0.iso8601 })
/// rule.explain(.amountMismatch, reference: "ch_1", kind: .charge, provider: eur(10_001), ledger: row)
/// // "amount_mismatch: provider 100.01 EUR ≠ ledger 100.00 EUR, difference 0.01 EUR, tolerance 0.00 EUR"
/// ```
public struct OutcomeRule {
    public var window: ReconciliationWindow
    /// The run's amount tolerance in minor units.
    public var tolerance: Int64
    public var lookbackDays: Int
    public var lookaheadDays: Int
    /// An instant as the operator reads it (the run's time zone).
    public var time: (Timestamp) -> String

    public init(
        window: ReconciliationWindow, tolerance: Int64, lookbackDays: Int, lookaheadDays: Int,
        time: @escaping (Timestamp) -> String
    ) {
        self.window = window
        self.tolerance = tolerance
        self.lookbackDays = lookbackDays
        self.lookaheadDays = lookaheadDays
        self.time = time
    }

    /// The rules this explains.
    public var classifier: Classifier { Classifier(window: window, tolerance: Tolerance(minor: tolerance)) }

    /// The run's window as `2026-03-10..2026-03-11`.
    public var windowText: String { "\(window.from)..\(window.to)" }

    /// The streamed ledger range as inclusive calendar dates, `2026-03-07..2026-03-12` for the
    /// window 2026-03-10..11 with a 3-day lookback and a 1-day lookahead.
    public var streamedText: String {
        "\(window.from.adding(days: -lookbackDays))..\(window.to.adding(days: lookaheadDays))"
    }

    /// One sentence naming the rule and the values it compared.
    ///
    /// - Parameters:
    ///   - breakClass: the outcome; `nil` for a matched transaction.
    ///   - provider: the settlement line's amount, when there is one.
    ///   - ledger: the ledger row the outcome is about, when there is one.
    ///   - differences: every field that differs, as stored with the break (named when more than one).
    ///   - providerPlace: `file:line` of the settlement line, for duplicates.
    public func explain(
        _ breakClass: BreakClass?, reference: String, kind: TransactionKind, provider: Money?, ledger: LedgerRecord?,
        differences: [Difference] = [], providerPlace: String? = nil
    ) -> String {
        let key = "(\(reference), \(kind.name))"
        var text: String
        switch breakClass {
        case nil:
            guard let provider, let ledger else { return "matched" }
            text =
                "matched: provider \(provider) = ledger \(ledger.amount) within tolerance \(toleranceText(provider.currency)), "
                + "status \(ledger.status.text) settles a \(kind.name), ledger row created \(time(ledger.createdAt)) inside the window \(windowText)"
        case .amountMismatch?:
            guard let provider, let ledger else { return "amount_mismatch" }
            let gap = provider.minor.subtractingReportingOverflow(ledger.amount.minor)
            let difference = gap.overflow ? "" : ", difference \(Money(minor: gap.partialValue, currency: provider.currency))"
            text =
                "amount_mismatch: provider \(provider) ≠ ledger \(ledger.amount)\(difference), tolerance \(toleranceText(provider.currency))"
        case .currencyMismatch?:
            guard let provider, let ledger else { return "currency_mismatch" }
            text =
                "currency_mismatch: provider \(provider.currency.code) ≠ ledger \(ledger.amount.currency.code) (provider \(provider), ledger \(ledger.amount))"
        case .statusMismatch?:
            guard let ledger else { return "status_mismatch" }
            let settles = Classifier.settlingStatuses(kind).map(\.text).joined(separator: " or ")
            text = "status_mismatch: ledger status \(ledger.status.text); a \(kind.name) settles only when \(settles)"
        case .timingDifference?:
            guard let ledger else { return "timing_difference" }
            text = "timing_difference: " + timing(ledger.createdAt, settled: provider != nil)
        case .missingInternally?:
            text =
                "missing_internally: no ledger row with \(key), neither in the streamed range \(streamedText) nor by the lookup outside it"
        case .missingInProvider?:
            let row = ledger.map { " created \(time($0.createdAt)) with status \($0.status.text), \($0.amount)," } ?? ""
            text =
                "missing_in_provider: the ledger row\(row) lies inside the window \(windowText) and should settle, but no line of the run's files has \(key)"
        case .duplicateInProvider?:
            let place = providerPlace.map { " (\($0))" } ?? ""
            text = "duplicate_in_provider: \(key) already appeared earlier in the run's files; this line\(place) repeats it"
        case .duplicateInternal?:
            let row = ledger.map { " (created \(time($0.createdAt)), \($0.amount), \($0.status.text))" } ?? ""
            text =
                "duplicate_internal: more than one ledger row has \(key); the earliest-created one is matched and this row\(row) is the duplicate"
        case .controlMismatch?:
            text = "control_mismatch: the file's control '\(reference)' did not hold (report.json lists expected and actual)"
        case .ambiguousMatch?:
            text =
                "ambiguous_match: a rule pass found more than one ledger row for this line (or the row for more than one line), "
                + "so it paired nothing; report.json lists every candidate with its reason"
        case .probableMatch?:
            let row = ledger.map { " with the ledger row created \(time($0.createdAt)), \($0.amount)," } ?? ""
            text =
                "probable_match: a rule pass with outcome review paired this line\(row) uniquely both ways; "
                + "it counts as matched once a person confirms it"
        case .payoutMissing?:
            let due = ledger.map { " of \($0.amount) paid out \($0.createdAt.utcDate)" } ?? ""
            text =
                "payout_missing: the payout \(reference)\(due) is past its due date and no credit on the bank statement matched it"
        case .payoutAmountMismatch?:
            let amounts = provider.flatMap { credit in ledger.map { " (credit \(credit) ≠ payout \($0.amount))" } } ?? ""
            text = "payout_amount_mismatch: the bank credit names the payout \(reference) but differs in amount\(amounts)"
        case .unexpectedPayout?:
            text =
                "unexpected_payout: the bank credit looks like a provider's payout (its bank_text) but matches no payout announced"
        }
        if differences.count > 1 {
            text += "; fields that differ: \(differences.map(\.rawValue).joined(separator: ", "))"
        }
        return text
    }

    /// Where a ledger row's `created_at` lies relative to the window and the streamed range.
    func timing(_ created: Timestamp, settled: Bool) -> String {
        let at = "ledger row created \(time(created))"
        if window.contains(created) {
            return settled
                ? "\(at), inside the window \(windowText)"
                : "\(at), inside the window \(windowText); its settlement line came in an earlier window"
        }
        if created < window.start {
            return window.streams(created)
                ? "\(at), before the window \(windowText) but within the \(lookbackDays)-day lookback"
                : "\(at), before the streamed range \(streamedText); found by the lookup outside it"
        }
        return window.streams(created)
            ? "\(at), after the window \(windowText) but within the \(lookaheadDays)-day lookahead"
            : "\(at), after the streamed range \(streamedText); found by the lookup outside it"
    }

    func toleranceText(_ currency: Currency) -> String { classifier.tolerance.text(in: currency) }
}
