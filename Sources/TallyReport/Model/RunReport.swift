import TallyCore

/// Everything a report shows about one run: who ran what over which window, and what it found.
///
/// Built by the driver after matching; rendered by ``JSONReport``, ``BreaksCSV`` and ``HTMLReport``.
public struct RunReport: Sendable {
    /// One settlement file of the run.
    public struct File: Sendable, Hashable {
        public var path: String
        public var sha256: String
        /// Data records read (transactions, non-transaction lines and rejects; not the header).
        public var records: Int
        public var rejected: Int

        public init(path: String, sha256: String, records: Int, rejected: Int) {
            self.path = path
            self.sha256 = sha256
            self.records = records
            self.rejected = rejected
        }
    }

    /// Breaks by severity of one earlier window of the provider (for the breaks-per-night chart).
    public struct WindowBreaks: Sendable, Hashable {
        public var from: CivilDate
        public var to: CivilDate
        public var high: Int
        public var medium: Int
        public var info: Int

        public init(from: CivilDate, to: CivilDate, high: Int, medium: Int, info: Int) {
            self.from = from
            self.to = to
            self.high = high
            self.medium = medium
            self.info = info
        }
    }

    public var runID: String
    public var provider: String
    public var format: String
    public var window: ReconciliationWindow
    public var timezone: String
    public var dryRun: Bool
    public var startedAt: Timestamp
    public var finishedAt: Timestamp
    public var files: [File]
    public var lookbackDays: Int
    public var lookaheadDays: Int
    public var amountToleranceMinor: Int64
    public var result: ReconciliationResult
    /// The run this one replaces (a rerun of the same window), if any.
    public var supersedes: String?
    /// The breaks with their history, in report order (the same breaks as `result.breaks`, with
    /// late-arriving money already turned into timing differences).
    public var breaks: [DatedBreak]
    /// Items this run resolved, open items after it, and the counts of new and persisting ones.
    public var history: History.Outcome
    /// The provider's current runs of earlier windows, oldest first (at most 29, so that with this
    /// run the chart spans 30 windows); empty without a store or before the first stored run.
    public var earlierWindows: [WindowBreaks]
    /// What people made of the items (state, assignee, last note), by key; empty without a store
    /// or events. Keys without a mark are `open`.
    public var itemMarks: [ItemKey: ItemMark] = [:]
    /// The marks of the items people closed that this run resolved: who closed them, and why.
    public var resolvedMarks: [ItemKey: ItemMark] = [:]
    /// The payouts the provider announces or the bank receives, as the run leaves them (nil for a
    /// provider without payouts, whose reports stay as they were).
    public var payouts: PayoutReport?

    public init(
        runID: String, provider: String, format: String, window: ReconciliationWindow, timezone: String, dryRun: Bool,
        startedAt: Timestamp, finishedAt: Timestamp, files: [File], lookbackDays: Int, lookaheadDays: Int,
        amountToleranceMinor: Int64, result: ReconciliationResult, supersedes: String? = nil,
        history: History.Outcome? = nil, earlierWindows: [WindowBreaks] = []
    ) {
        self.runID = runID
        self.provider = provider
        self.format = format
        self.window = window
        self.timezone = timezone
        self.dryRun = dryRun
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.files = files
        self.lookbackDays = lookbackDays
        self.lookaheadDays = lookaheadDays
        self.amountToleranceMinor = amountToleranceMinor
        self.result = result
        self.supersedes = supersedes
        let history =
            history
            ?? History(runID: runID, window: window, supersedes: supersedes).advance(
                breaks: result.breaks, previous: [], settledKeys: { _ in false }, ledger: [:])
        self.history = history
        self.breaks = history.breaks
        self.earlierWindows = earlierWindows
    }

    /// This run's breaks by severity, shaped like an earlier window's.
    public var windowBreaks: WindowBreaks {
        var counts: [Severity: Int] = [:]
        for dated in breaks { counts[dated.item.severity, default: 0] += 1 }
        return WindowBreaks(
            from: window.from, to: window.to, high: counts[.high] ?? 0, medium: counts[.medium] ?? 0,
            info: counts[.info] ?? 0)
    }

    /// Count and amount per currency for each class, over the dated breaks.
    public var summaryByClass: [BreakClass: ClassSummary] {
        var summary: [BreakClass: ClassSummary] = [:]
        for item in breaks { summary[item.item.breakClass, default: ClassSummary()].add(item.item.amountAtRisk) }
        return summary
    }

    /// The highest severity among the breaks, or nil when there are none.
    public var highestSeverity: Severity? { breaks.map(\.item.severity).max() }

    /// The highest severity among the breaks `--fail-on` counts: without `acknowledged`, not those
    /// whose item's acknowledgement holds for its current facts, nor those a person closed.
    public func highestSeverity(countingAcknowledged acknowledged: Bool) -> Severity? {
        guard !acknowledged else { return highestSeverity }
        return breaks.filter { !isSettledByPeople($0.item) }.map(\.item.severity).max()
    }

    /// The mark of the item a break opens or persists (nil for a class that opens none).
    public func mark(of item: Break) -> ItemMark? {
        item.breakClass.opensItem ? itemMarks[ItemKey(reference: item.reference, kind: item.kind)] ?? ItemMark() : nil
    }

    /// The mark of an open item.
    public func mark(of item: OpenItem) -> ItemMark { itemMarks[item.key] ?? ItemMark() }

    /// Whether people have dealt with a break's item: acknowledged for these facts, or closed.
    public func isSettledByPeople(_ item: Break) -> Bool {
        guard let mark = mark(of: item) else { return false }
        return mark.suppressesAlerts || mark.resolvedBy != nil
    }

    /// The path of a file by its index in the run (`"(ledger)"` for ledger-side rejects).
    public func path(ofFile index: Int) -> String {
        files.indices.contains(index) ? files[index].path : "(ledger)"
    }
}

extension RunReport {
    /// Items still open from earlier windows that this run did not report as breaks: what a finance
    /// person still has to act on besides tonight's breaks (in key order).
    public var openFromEarlier: [OpenItem] {
        let tonight = Set(breaks.map { ItemKey(reference: $0.item.reference, kind: $0.item.kind) })
        return history.visibleOpen.filter { $0.firstSeen < window.from && !tonight.contains($0.key) }
    }

    /// The rule that decided a break, in words (``OutcomeRule``, what `tally explain` says), with
    /// instants in UTC.
    public func explanation(of item: Break) -> String {
        var text = OutcomeRule(
            window: window, tolerance: amountToleranceMinor, lookbackDays: lookbackDays, lookaheadDays: lookaheadDays,
            time: { $0.iso8601 }
        ).explain(
            item.control == nil ? item.breakClass : .controlMismatch, reference: item.reference, kind: item.kind,
            provider: item.provider?.amount, ledger: item.ledger, differences: item.differences,
            providerPlace: item.provider.map { "\(path(ofFile: $0.location.file)):\($0.location.line)" })
        if let control = item.control, !control.lines.isEmpty {
            let file = path(ofFile: control.file)
            text +=
                "; lines off: "
                + control.lines.map { "\(file):\($0.line) (expected \($0.expected), actual \($0.actual))" }
                .joined(separator: ", ")
            if control.moreLines > 0 { text += " and \(control.moreLines) more" }
        }
        return text
    }
}

extension OpenItem {
    /// The money an open item puts at risk, as ``Break/amountAtRisk`` counts it for a break: the
    /// absolute difference of an amount mismatch, otherwise the side that exists (provider first).
    public var amountAtRisk: Money? {
        if breakClass == .amountMismatch, let provider = providerAmount, let ledger = ledgerAmount,
            provider.currency == ledger.currency,
            case (let gap, false) = provider.minor.subtractingReportingOverflow(ledger.minor)
        {
            return Money(minor: Int64(clamping: gap.magnitude), currency: provider.currency)
        }
        return providerAmount ?? ledgerAmount
    }
}

extension RunReport {
    /// What the open items of earlier windows of one severity put at risk: one sum per currency,
    /// ordered as the headline figures order theirs (``ReportFigures/largestFirst(_:)``), never converted.
    public func openFromEarlierAtRisk(_ severity: Severity) -> [Money] {
        var sums: [Currency: Int64] = [:]
        for item in openFromEarlier where item.breakClass.severity == severity {
            guard let money = item.amountAtRisk else { continue }
            let (sum, overflow) = sums[money.currency, default: 0].addingReportingOverflow(Int64(clamping: money.minor.magnitude))
            sums[money.currency] = overflow ? .max : sum  // saturates: 2^63 minor units is no real balance
        }
        return ReportFigures.largestFirst(sums).map { Money(minor: $0.minor, currency: $0.currency) }
    }
}
