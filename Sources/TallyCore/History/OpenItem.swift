/// A break that stays open across windows until the data explains it, keyed by
/// (provider, reference, kind).
///
/// It remembers both sides as they were last seen and the window it first appeared in, so a
/// later run can tell whether the ledger was corrected or the settlement line arrived.
public struct OpenItem: Sendable, Hashable {
    public var reference: String
    public var kind: TransactionKind
    public var breakClass: BreakClass
    /// The last day of the window in which the item first appeared.
    public var firstSeen: CivilDate
    /// The last day of the latest window that examined it.
    public var lastSeen: CivilDate
    /// The run that opened it, and the latest run that examined it.
    public var firstRun: String
    public var lastRun: String
    public var providerAmount: Money?
    public var ledgerAmount: Money?
    public var ledgerStatus: String?

    public init(
        reference: String, kind: TransactionKind, breakClass: BreakClass, firstSeen: CivilDate, lastSeen: CivilDate,
        firstRun: String, lastRun: String, providerAmount: Money?, ledgerAmount: Money?, ledgerStatus: String?
    ) {
        self.reference = reference
        self.kind = kind
        self.breakClass = breakClass
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.firstRun = firstRun
        self.lastRun = lastRun
        self.providerAmount = providerAmount
        self.ledgerAmount = ledgerAmount
        self.ledgerStatus = ledgerStatus
    }

    public var key: ItemKey { ItemKey(reference: reference, kind: kind) }

    /// Whole days between the first window it appeared in and `date`.
    public func age(on date: CivilDate) -> Int { max(0, date.daysSinceEpoch - firstSeen.daysSinceEpoch) }
}

/// The key of an open item within one provider.
public struct ItemKey: Sendable, Hashable, Comparable {
    public var reference: String
    public var kind: TransactionKind

    public init(reference: String, kind: TransactionKind) {
        self.reference = reference
        self.kind = kind
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.reference == rhs.reference
            ? lhs.kind.name < rhs.kind.name : lhs.reference.utf8.lexicographicallyPrecedes(rhs.reference.utf8)
    }
}

/// How an open item stopped being open.
public enum Resolution: String, Sendable, Hashable, Codable {
    /// The settlement line arrived in a later window (or the ledger row appeared in a later window).
    case timingDifference = "timing_difference"
    /// The ledger row now exists and agrees with the settlement line.
    case matched
    /// The ledger row was corrected and now agrees.
    case corrected
    /// Only one ledger row holds the key now.
    case deduplicated
    /// A rerun of the window that opened it no longer finds it.
    case rerun
    /// A person wrote it off (`tally items resolve --as written_off`, approved when over the limit).
    case writtenOff = "written_off"
    /// A person explained it (`tally items resolve --as explained`).
    case explained
    /// A person confirmed a `probable_match` (`tally items confirm`): its sides count as matched.
    case confirmed
    /// A person rejected a `probable_match` (`tally items reject`): its sides are missing again.
    case rejected

    /// Whether a person decided it (through `tally items`), not the data.
    public var isByPerson: Bool { [.writtenOff, .explained, .confirmed, .rejected].contains(self) }
}

/// An item that this run resolved, as report.json's `resolved` array lists it.
public struct ResolvedItem: Sendable, Hashable {
    public var reference: String
    public var kind: TransactionKind
    public var breakClass: BreakClass
    public var firstSeen: CivilDate
    public var resolvedAs: Resolution
    /// The item as it stood when resolved, so a rerun of the resolving window can restore it.
    public var item: OpenItem?

    public var key: ItemKey { ItemKey(reference: reference, kind: kind) }

    public init(
        reference: String, kind: TransactionKind, breakClass: BreakClass, firstSeen: CivilDate, resolvedAs: Resolution,
        item: OpenItem? = nil
    ) {
        self.reference = reference
        self.kind = kind
        self.breakClass = breakClass
        self.firstSeen = firstSeen
        self.resolvedAs = resolvedAs
        self.item = item
    }
}
