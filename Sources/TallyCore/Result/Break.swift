/// One classified difference, with both sides as far as they exist.
public struct Break: Sendable, Hashable {
    /// The provider side of a break: the settlement line.
    public struct ProviderSide: Sendable, Hashable {
        public var amount: Money
        public var location: SourceLocation

        public init(amount: Money, location: SourceLocation) {
            self.amount = amount
            self.location = location
        }
    }

    public var breakClass: BreakClass
    public var reference: String
    public var kind: TransactionKind
    public var provider: ProviderSide?
    public var ledger: LedgerRecord?
    /// Every field that differs, in a fixed order (currency, status, amount, created_at).
    public var differences: [Difference]
    /// The failed control of a `control_mismatch` (whose reference is the control's name).
    public var control: ControlResult?
    /// The pass that paired the two sides: ``RulePass/keyPassName`` for the key pass, a rule pass's
    /// name, nil when nothing paired them.
    public var matchedBy: String?
    /// The ledger rows an `ambiguous_match` could not choose between, each with its reason; for a
    /// `probable_match` of a group pass, the rows of the group.
    public var candidates: [Candidate] = []
    /// What each rule pass made of the line, for a line of the residue the passes looked at
    /// (empty for everything else).
    public var passSteps: [RuleStep] = []

    /// A ledger row a rule pass considered, and why.
    public struct Candidate: Sendable, Hashable {
        public var reference: String
        public var kind: TransactionKind
        public var amount: Money
        public var createdAt: Timestamp
        public var reason: String

        public init(reference: String, kind: TransactionKind, amount: Money, createdAt: Timestamp, reason: String) {
            self.reference = reference
            self.kind = kind
            self.amount = amount
            self.createdAt = createdAt
            self.reason = reason
        }

        public init(_ row: LedgerRecord, reason: String) {
            self.init(reference: row.reference, kind: row.kind, amount: row.amount, createdAt: row.createdAt, reason: reason)
        }
    }

    public var severity: Severity { breakClass.severity }

    public init(
        breakClass: BreakClass, reference: String, kind: TransactionKind, provider: ProviderSide?,
        ledger: LedgerRecord?, differences: [Difference] = [], control: ControlResult? = nil, matchedBy: String? = nil,
        candidates: [Candidate] = []
    ) {
        self.breakClass = breakClass
        self.reference = reference
        self.kind = kind
        self.provider = provider
        self.ledger = ledger
        self.differences = differences
        self.control = control
        self.matchedBy = matchedBy
        self.candidates = candidates
    }

    /// A failed control of a settlement file as a break, keyed by the control's name and
    /// ``controlKind``.
    public init(control: ControlResult) {
        self.init(
            breakClass: .controlMismatch, reference: control.name, kind: Self.controlKind, provider: nil, ledger: nil,
            control: control)
    }

    /// The kind in a control break's key. A control has no kind of its own; its open item is
    /// stored and matched from night to night by (name, this kind), which is why it cannot change,
    /// and the reports show none (``kindName``).
    public static let controlKind = TransactionKind.charge

    /// The reference of a line that has none, for its break and its open item: where it is,
    /// `(no reference) line 14` (with the file's number when the run has several files).
    public static func unreferenced(_ location: SourceLocation) -> String {
        location.file == 0
            ? "(no reference) line \(location.line)" : "(no reference) file \(location.file + 1) line \(location.line)"
    }

    /// The kind as report.json writes it: `nil` for a control, which has none.
    public var kindName: String? { control == nil ? kind.name : nil }

    /// The amount this break puts at risk, in minor units of `riskCurrency`: the absolute
    /// difference for an amount mismatch, otherwise the side that exists (provider first).
    public var amountAtRisk: Money? {
        if breakClass == .amountMismatch || breakClass == .payoutAmountMismatch, let provider, let ledger {
            return Money(minor: abs(provider.amount.minor - ledger.amount.minor), currency: provider.amount.currency)
        }
        if let provider { return provider.amount }
        if let ledger { return ledger.amount }
        return nil
    }

    /// Report order: class, then reference (bytewise), then kind name, then provider location.
    public static func reportOrder(_ lhs: Break, _ rhs: Break) -> Bool {
        if lhs.breakClass != rhs.breakClass { return lhs.breakClass < rhs.breakClass }
        if lhs.reference != rhs.reference { return lhs.reference.utf8.lexicographicallyPrecedes(rhs.reference.utf8) }
        if lhs.kind != rhs.kind { return lhs.kind.name < rhs.kind.name }
        let l = lhs.provider?.location ?? SourceLocation(file: -1, line: -1)
        let r = rhs.provider?.location ?? SourceLocation(file: -1, line: -1)
        if l != r { return l < r }
        return (lhs.ledger?.createdAt.microseconds ?? 0) < (rhs.ledger?.createdAt.microseconds ?? 0)
    }
}
