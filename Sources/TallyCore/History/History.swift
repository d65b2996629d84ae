/// Carries open items from window to window: decides which of this run's breaks are new or
/// persisting, which earlier items this run resolves, and what stays open (pure, no I/O).
///
/// The rules (docs/history.md, "Open items"):
/// - every break but `timing_difference` opens an item keyed by (reference, kind); one whose key
///   is already open persists and keeps its first-seen date;
/// - an earlier `missing_in_provider` item whose settlement line is in this run's files resolves
///   as `timing_difference`;
/// - an earlier `missing_internally` item whose ledger row now exists and agrees resolves as
///   `matched` — and if that row was created inside this window, this run's own
///   `missing_in_provider` break for it is the same money arriving late: it becomes a
///   `timing_difference`;
/// - an earlier amount, currency or status item whose ledger row now agrees resolves as `corrected`;
///   a `duplicate_internal` item whose key now has one row resolves as `deduplicated`;
/// - an item opened by the run this one supersedes and not found again resolves as `rerun`; one found
///   again is new again, as it was in the run replaced (a rerun gives the answer of its first run);
/// - a `timing_difference` whose ledger row lies after this window is remembered silently, so that
///   the row's own window does not report it as `missing_in_provider` again; the window that uses
///   the record up hands it back in ``Outcome/settledAhead``, stored with its run, so that a rerun of
///   that window starts from it again (otherwise the rerun would report the row as missing);
/// - items first seen after this window (a rerun of an earlier window) are left as they are, and
///   a break whose key a later window already resolved opens no item again;
/// - an item a person closed (`tally items resolve`, `confirm`, `reject`; an over-limit write-off once
///   approved) leaves the open items with that resolution, and a break of the same key and class
///   opens no item again (it stays closed over reruns and later nights); a break of another class
///   is new facts and opens the item again.
public struct History: Sendable {
    /// What a run changes in the open items.
    public struct Outcome: Sendable {
        /// This run's breaks with their first-seen dates and novelty, in report order.
        public var breaks: [DatedBreak]
        /// Items open after this run (new, persisting or untouched), in key order, including the
        /// silent `timing_difference` records of lines settled before their ledger row's window.
        public var open: [OpenItem]

        /// The items a person should see: everything open but the settled-ahead records.
        public var visibleOpen: [OpenItem] { open.filter { $0.breakClass != .timingDifference } }
        /// Items this run resolved, in key order.
        public var resolved: [ResolvedItem]
        public var newCount: Int
        public var persistingCount: Int
        /// Items first seen after this window: stale until those windows are rerun.
        public var laterItems: Int
        /// The silent `timing_difference` records this run used up: ledger rows of this window whose
        /// settlement line came in an earlier window. Not a resolution anyone sees; stored with the
        /// run so that a rerun of this window restores them, like the items it resolved.
        public var settledAhead: [OpenItem] = []
    }

    /// The ledger's current facts about a key, from the run's snapshot.
    public struct LedgerFacts: Sendable, Hashable {
        public var rows: [LedgerRecord]
        public init(rows: [LedgerRecord]) { self.rows = rows }
    }

    public var runID: String
    public var window: ReconciliationWindow
    public var supersedes: String?
    public var amountTolerance: Int64

    public init(runID: String, window: ReconciliationWindow, supersedes: String?, amountTolerance: Int64 = 0) {
        self.runID = runID
        self.window = window
        self.supersedes = supersedes
        self.amountTolerance = amountTolerance
    }

    /// - Parameters:
    ///   - breaks: this run's breaks (report order).
    ///   - previous: the provider's open items before this run.
    ///   - settledKeys: whether a key appears as a transaction in this run's files.
    ///   - ledger: the ledger rows of the previous items' keys, looked up in this run's snapshot.
    ///   - resolvedLater: keys that runs of later windows already resolved (when this run reruns an
    ///     earlier window): their breaks are reported but open no item again.
    ///   - people: the statuses folded from the item events, for the items people closed.
    public func advance(
        breaks: [Break], previous: [OpenItem], settledKeys: (ItemKey) -> Bool, ledger: [ItemKey: LedgerFacts],
        resolvedLater: Set<ItemKey> = [], people: [ItemKey: ItemStatus] = [:]
    ) -> Outcome {
        let day = window.to
        var items = Dictionary(uniqueKeysWithValues: previous.map { ($0.key, $0) })
        var resolved: [ResolvedItem] = []
        var breaks = breaks
        var later = 0

        // What people closed leaves first, so that a break of the key with other facts opens anew.
        for (key, item) in items where item.firstSeen <= day {
            if let how = people[key]?.closure(of: item.breakClass) {
                resolved.append(resolution(item, how))
                items[key] = nil
            }
        }

        // Earlier missing_internally items explained by a ledger row that arrived in this window, and
        // ledger rows whose settlement line came in an earlier window (settled ahead).
        var settledAhead = Set<Int>()
        var usedUp: [OpenItem] = []
        for index in breaks.indices where breaks[index].breakClass == .missingInProvider {
            let key = ItemKey(reference: breaks[index].reference, kind: breaks[index].kind)
            guard let item = items[key], item.firstSeen < window.from, let row = breaks[index].ledger else { continue }
            if item.breakClass == .timingDifference {
                settledAhead.insert(index)
                usedUp.append(item)
                items[key] = nil
            } else if item.breakClass == .missingInternally, agrees(item, row) {
                breaks[index].breakClass = .timingDifference
                breaks[index].differences = [.createdAt]
                resolved.append(resolution(item, .timingDifference))
                items[key] = nil
            }
        }
        breaks = breaks.indices.filter { !settledAhead.contains($0) }.map { breaks[$0] }
        breaks.sort(by: Break.reportOrder)

        var dated: [DatedBreak] = []
        var newCount = 0
        var persistingCount = 0
        var seen = Set<ItemKey>()
        for item in breaks {
            let key = ItemKey(reference: item.reference, kind: item.kind)
            if item.breakClass == .controlMismatch {
                // A control belongs to its file: a rerun with a corrected file clears it; no item.
                dated.append(DatedBreak(item: item, firstSeen: day, ageDays: 0, isNew: true))
                continue
            }
            guard item.breakClass != .timingDifference else {
                dated.append(DatedBreak(item: item, firstSeen: day, ageDays: 0, isNew: true))
                // Settled before the ledger row's own window: remember it, so that window does not
                // report the row as missing in the provider.
                // Not when a later window already used the record up: a rerun of this earlier window
                // must not plant it again (that later window is the one to rerun).
                if let ledger = item.ledger, ledger.createdAt >= window.end, items[key] == nil,
                    !resolvedLater.contains(key)
                {
                    items[key] = OpenItem(
                        reference: item.reference, kind: item.kind, breakClass: .timingDifference, firstSeen: day,
                        lastSeen: day, firstRun: runID, lastRun: runID, providerAmount: item.provider?.amount,
                        ledgerAmount: ledger.amount, ledgerStatus: ledger.status.text)
                    seen.insert(key)
                }
                continue
            }
            if var existing = items[key], existing.firstSeen <= day {
                // Opened by the run this one replaces: new here as it was there, so that the same
                // window run twice in a row gives the same breaks.
                let reopened = supersedes != nil && existing.firstRun == supersedes
                if seen.insert(key).inserted {
                    if reopened { newCount += 1 } else { persistingCount += 1 }
                }
                existing.breakClass = item.breakClass
                existing.lastSeen = max(existing.lastSeen, day)
                existing.lastRun = runID
                if existing.firstRun == supersedes { existing.firstRun = runID }
                existing.providerAmount = item.provider?.amount ?? existing.providerAmount
                existing.ledgerAmount = item.ledger?.amount ?? existing.ledgerAmount
                existing.ledgerStatus = item.ledger?.status.text ?? existing.ledgerStatus
                items[key] = existing
                dated.append(
                    DatedBreak(item: item, firstSeen: existing.firstSeen, ageDays: existing.age(on: day), isNew: reopened))
            } else if resolvedLater.contains(key) || people[key]?.closure(of: item.breakClass) != nil {
                seen.insert(key)
                dated.append(DatedBreak(item: item, firstSeen: day, ageDays: 0, isNew: false))
            } else {
                if seen.insert(key).inserted { newCount += 1 }
                if items[key] == nil || items[key]!.firstSeen > day {
                    items[key] = OpenItem(
                        reference: item.reference, kind: item.kind, breakClass: item.breakClass, firstSeen: day,
                        lastSeen: day, firstRun: runID, lastRun: runID, providerAmount: item.provider?.amount,
                        ledgerAmount: item.ledger?.amount, ledgerStatus: item.ledger?.status.text)
                }
                dated.append(DatedBreak(item: item, firstSeen: day, ageDays: 0, isNew: true))
            }
        }

        // Re-examine the earlier items this run did not see as breaks.
        for key in items.keys.sorted() {
            guard var item = items[key], !seen.contains(key), item.breakClass != .timingDifference else { continue }
            if item.firstSeen > day {
                later += 1
                continue
            }
            if let how = reexamine(item, settled: settledKeys(key), ledger: ledger[key]) {
                resolved.append(resolution(item, how))
                items[key] = nil
                continue
            }
            if let supersedes, item.firstRun == supersedes {
                resolved.append(resolution(item, .rerun))
                items[key] = nil
                continue
            }
            persistingCount += 1
            item.lastSeen = max(item.lastSeen, day)
            item.lastRun = runID
            items[key] = item
        }
        resolved.sort { ItemKey(reference: $0.reference, kind: $0.kind) < ItemKey(reference: $1.reference, kind: $1.kind) }
        usedUp.sort { $0.key < $1.key }
        return Outcome(
            breaks: dated, open: items.values.sorted { $0.key < $1.key }, resolved: resolved, newCount: newCount,
            persistingCount: persistingCount, laterItems: later, settledAhead: usedUp)
    }

    /// Whether an earlier item is explained now; nil when it stays open.
    func reexamine(_ item: OpenItem, settled: Bool, ledger: LedgerFacts?) -> Resolution? {
        switch item.breakClass {
        case .missingInProvider:
            return settled ? .timingDifference : nil
        case .missingInternally:
            guard let rows = ledger?.rows, rows.count == 1, agrees(item, rows[0]) else { return nil }
            return .matched
        case .amountMismatch, .currencyMismatch, .statusMismatch:
            guard let rows = ledger?.rows, rows.count == 1, agrees(item, rows[0]) else { return nil }
            return .corrected
        case .duplicateInternal:
            guard let rows = ledger?.rows, rows.count <= 1 else { return nil }
            return .deduplicated
        case .duplicateInProvider, .controlMismatch, .timingDifference, .ambiguousMatch, .probableMatch, .payoutMissing,
            .payoutAmountMismatch, .unexpectedPayout:
            // a payout's items are resolved by the payout leg (History+Payouts.swift)
            // a proposal or an ambiguity stays until a person decides (or a rerun replaces it)
            return nil
        }
    }

    /// Whether a ledger row now agrees with what the provider settled for the item.
    func agrees(_ item: OpenItem, _ row: LedgerRecord) -> Bool {
        guard let provider = item.providerAmount else { return false }
        return Classifier(window: window, tolerance: Tolerance(minor: amountTolerance))
            .agreesApartFromTiming(provider: provider, ledger: row)
    }

    func resolution(_ item: OpenItem, _ how: Resolution) -> ResolvedItem {
        ResolvedItem(
            reference: item.reference, kind: item.kind, breakClass: item.breakClass, firstSeen: item.firstSeen,
            resolvedAs: how, item: item)
    }
}

/// A break with its history: when its item was first seen and whether this run opened it.
public struct DatedBreak: Sendable, Hashable {
    public var item: Break
    public var firstSeen: CivilDate
    public var ageDays: Int
    public var isNew: Bool

    public init(item: Break, firstSeen: CivilDate, ageDays: Int, isNew: Bool) {
        self.item = item
        self.firstSeen = firstSeen
        self.ageDays = ageDays
        self.isNew = isNew
    }
}
