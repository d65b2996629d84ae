/// Where a person's work on an item stands, folded from its events in order (docs/items.md).
public enum ItemWorkState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Nobody has said anything that closes or explains it.
    case open
    /// Known: its alerts are suppressed until `until` or until its facts change.
    case acknowledged
    /// Written off over the currency's `write_off_limit`: waits for another person's `approve`.
    case pendingApproval = "pending_approval"
    /// Closed by a person: written off, explained, or a proposal confirmed or rejected.
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
    /// `written_off`, `explained`, `confirmed`, `rejected` (a person) or the reconciler's resolution.
    public var resolvedAs: String?
    public var reason: String?
    /// Who resolved it (a person, or `tally` for the reconciler), and when.
    public var resolvedBy: String?
    public var resolvedAt: Timestamp?
    /// The class the item had when a person resolved it: a later break of another class is new facts.
    public var resolvedClass: BreakClass?
    /// The amount a person wrote off or explained.
    public var resolvedAmount: Money?
    /// Who approved a write-off over the limit.
    public var approvedBy: String?
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
            clearResolution()
            state = .acknowledged
            acknowledgedUntil = event.until
            acknowledgedClass = event.breakClass
            acknowledgedAmount = event.amount
        case .assign:
            assignee = event.assignee
        case .comment:
            break
        case .resolve, .confirm, .reject:
            clearAcknowledgement()
            state = event.needsApproval ? .pendingApproval : .resolved
            resolvedAs =
                event.action == .confirm
                ? Resolution.confirmed.rawValue : event.action == .reject ? Resolution.rejected.rawValue : event.resolvedAs
            reason = event.reason
            resolvedBy = event.actor
            resolvedAt = event.at
            resolvedClass = event.breakClass
            resolvedAmount = event.amount
            approvedBy = nil
        case .approve:
            state = .resolved
            approvedBy = event.actor
            resolvedAt = event.at
        case .reopen:
            state = .open
            clearResolution()
            clearAcknowledgement()
        case .reconciled:
            // the data explained it: a person's earlier acknowledgement does not carry over to a
            // later item of the same key
            clearAcknowledgement()
            state = .reconciled
            resolvedAs = event.resolvedAs
            reason = nil
            resolvedBy = event.actor
            resolvedAt = event.at
            resolvedClass = nil
            approvedBy = nil
        }
    }

    mutating func clearResolution() {
        resolvedAs = nil
        reason = nil
        resolvedBy = nil
        resolvedAt = nil
        resolvedClass = nil
        resolvedAmount = nil
        approvedBy = nil
    }

    mutating func clearAcknowledgement() {
        acknowledgedUntil = nil
        acknowledgedClass = nil
        acknowledgedAmount = nil
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

    /// How a person closed the item of `breakClass`, for a run to carry out: nil while it is open,
    /// pending approval, or when the item now is of another class than the one that was closed.
    public func closure(of breakClass: BreakClass) -> Resolution? {
        guard state == .resolved, resolvedClass == breakClass, let how = resolvedAs.flatMap(Resolution.init(rawValue:)),
            how.isByPerson
        else { return nil }
        return how
    }

    /// What a report says about the item now of `breakClass` with `amount` at risk, on `date`.
    public func mark(on date: CivilDate, breakClass: BreakClass, amount: Money?) -> ItemMark {
        var mark = ItemMark(state: "open", assignee: assignee, lastNote: lastNote)
        switch state {
        case .acknowledged:
            if isAcknowledged(on: date, breakClass: breakClass, amount: amount) {
                mark.state = "acknowledged"
                mark.suppressesAlerts = true
            } else if acknowledgedClass != breakClass || acknowledgedAmount != amount {
                mark.factsChanged = true
            }
        case .pendingApproval:
            mark.state = ItemWorkState.pendingApproval.rawValue
        case .resolved:
            if let how = closure(of: breakClass) {
                mark.state = how.rawValue
                mark.resolvedBy = resolvedBy
                mark.reason = reason
            }
        case .open, .reconciled:
            break
        }
        return mark
    }
}

/// An item's state as the reports show it beside each break and open item (docs/items.md).
public struct ItemMark: Sendable, Hashable {
    /// `open`, `acknowledged`, `pending_approval`, or how a person closed it (`written_off`,
    /// `explained`, `confirmed`, `rejected`).
    public var state: String
    public var assignee: String?
    public var lastNote: String?
    /// An acknowledgement holds for the item's current facts: no alert, no `--fail-on`.
    public var suppressesAlerts = false
    /// It was acknowledged for other facts (class or amount): alert about it again.
    public var factsChanged = false
    /// Who closed it and with which reason code, once a person did.
    public var resolvedBy: String?
    public var reason: String?

    public init(state: String = "open", assignee: String? = nil, lastNote: String? = nil) {
        self.state = state
        self.assignee = assignee
        self.lastNote = lastNote
    }
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
