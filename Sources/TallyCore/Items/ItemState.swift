/// Where a person's work on an item stands, folded from its events in order (docs/items.md).
public enum ItemWorkState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Nobody has said anything that closes or explains it.
    case open
    /// Known: its alerts are suppressed until `until` or until its facts change.
    case acknowledged
    /// Closed by a person (`written_off` or `explained`).
    case resolved
    /// Closed by the reconciler: the data explained it.
    case reconciled
}

/// The fold of an item's events: its state, assignee, last note, how and by whom it was resolved.
public struct ItemStatus: Sendable, Hashable {
    public var state: ItemWorkState = .open
    public var assignee: String?
    public var lastNote: String?
    /// Until when an acknowledgement holds (nil: until the facts change).
    public var acknowledgedUntil: CivilDate?
    /// The class and amount the acknowledgement was given for.
    public var acknowledgedClass: BreakClass?
    public var acknowledgedAmount: Money?
    public var resolvedAs: String?
    public var reason: String?
    /// Who resolved it (a person, or `tally` for the reconciler), and when.
    public var resolvedBy: String?
    public var resolvedAt: Timestamp?
    /// The latest event.
    public var lastEvent: ItemEvent?

    public init() {}

    /// The status after every event of one item, oldest first.
    public init(events: [ItemEvent]) {
        for event in events { apply(event) }
    }

    public mutating func apply(_ event: ItemEvent) {
        lastEvent = event
        if let note = event.note { lastNote = note }
        switch event.action {
        case .acknowledge:
            state = .acknowledged
            acknowledgedUntil = event.until
            acknowledgedClass = event.breakClass
            acknowledgedAmount = event.amount
        case .assign:
            assignee = event.assignee
        case .comment:
            break
        case .resolve:
            state = .resolved
            resolvedAs = event.resolvedAs
            reason = event.reason
            resolvedBy = event.actor
            resolvedAt = event.at
        case .reopen:
            state = .open
            resolvedAs = nil
            reason = nil
            resolvedBy = nil
            resolvedAt = nil
            acknowledgedUntil = nil
            acknowledgedClass = nil
            acknowledgedAmount = nil
        case .reconciled:
            // the data explained it: a person's earlier acknowledgement does not carry over to a
            // later item of the same key
            state = .reconciled
            resolvedAs = event.resolvedAs
            reason = nil
            resolvedBy = event.actor
            resolvedAt = event.at
            acknowledgedUntil = nil
            acknowledgedClass = nil
            acknowledgedAmount = nil
        }
    }

    /// Whether the acknowledgement still holds on `date` for an item now of `breakClass` with
    /// `amount` at risk: not past its date, and the facts it was given for unchanged.
    public func isAcknowledged(on date: CivilDate, breakClass: BreakClass, amount: Money?) -> Bool {
        guard state == .acknowledged else { return false }
        if let until = acknowledgedUntil, date > until { return false }
        return acknowledgedClass == breakClass && acknowledgedAmount == amount
    }

    /// Whether a person closed it (it no longer needs anyone).
    public var isClosedByPerson: Bool { state == .resolved }
}

extension OpenItem {
    /// The item's amount at risk, as ``Break/amountAtRisk`` computes it for its break: the absolute
    /// difference for an amount mismatch, otherwise the provider side, else the ledger side.
    public var amountAtRisk: Money? {
        if breakClass == .amountMismatch, let providerAmount, let ledgerAmount,
            providerAmount.currency == ledgerAmount.currency
        {
            return Money(minor: abs(providerAmount.minor - ledgerAmount.minor), currency: providerAmount.currency)
        }
        return providerAmount ?? ledgerAmount
    }
}
