/// What a person (or the reconciler) did to an open item: one row of the append-only event log
/// `tally.item_events` (docs/items.md).
public enum ItemAction: String, Sendable, Hashable, CaseIterable, Codable {
    /// Known and explained for now: suppresses its alerts until `until` or until its facts change.
    case acknowledge = "ack"
    case assign
    case comment
    /// Closed by a person as `written_off` or `explained`, with a reason code.
    case resolve
    /// Open again after a person's resolution (or a write-off still waiting for approval).
    case reopen
    /// A `probable_match` proposal is right: the two sides count as matched from the next run on.
    case confirm
    /// A `probable_match` proposal is wrong: the two sides go back to being missing.
    case reject
    /// A second person approves a write-off over `write_off_limit` (maker-checker).
    case approve
    /// The reconciler resolved it: the data explained it (a late line arrived, the ledger was corrected).
    case reconciled
}

/// How a person closes an item (`tally items resolve --as`).
public enum ManualResolution: String, Sendable, Hashable, CaseIterable, Codable {
    case writtenOff = "written_off"
    case explained
}

/// One event of an item, as stored: who did what, when, with which note, and the item's facts at
/// that moment (class and amount at risk), so a later change of facts can be told apart.
public struct ItemEvent: Sendable, Hashable {
    /// The event's number in the log: increasing in the order the events were written.
    public var sequence: Int64
    public var itemID: ItemID
    public var provider: String
    public var reference: String
    public var kind: TransactionKind
    public var breakClass: BreakClass
    /// The item's amount at risk when the event was written (nil when it has none).
    public var amount: Money?
    public var action: ItemAction
    public var actor: String
    public var at: Timestamp
    public var note: String?
    public var assignee: String?
    /// An acknowledgement holds until the end of this day (in UTC).
    public var until: CivilDate?
    /// `written_off` or `explained` for a person's resolution, the reconciler's ``Resolution`` for `reconciled`.
    public var resolvedAs: String?
    public var reason: String?
    /// The run behind a `reconciled` event.
    public var runID: String?
    /// A `resolve` as written_off over the currency's `write_off_limit`: it waits for `approve`.
    public var needsApproval: Bool
    public var previousHash: String
    public var hash: String

    public init(
        sequence: Int64 = 0, itemID: ItemID, provider: String, reference: String, kind: TransactionKind,
        breakClass: BreakClass, amount: Money?, action: ItemAction, actor: String, at: Timestamp, note: String? = nil,
        assignee: String? = nil, until: CivilDate? = nil, resolvedAs: String? = nil, reason: String? = nil,
        runID: String? = nil, needsApproval: Bool = false, previousHash: String = EventChain.genesis, hash: String = ""
    ) {
        self.sequence = sequence
        self.itemID = itemID
        self.provider = provider
        self.reference = reference
        self.kind = kind
        self.breakClass = breakClass
        self.amount = amount
        self.action = action
        self.actor = actor
        self.at = at
        self.note = note
        self.assignee = assignee
        self.until = until
        self.resolvedAs = resolvedAs
        self.reason = reason
        self.runID = runID
        self.needsApproval = needsApproval
        self.previousHash = previousHash
        self.hash = hash
    }
}
