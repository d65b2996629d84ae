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

    public var severity: Severity { breakClass.severity }

    public init(
        breakClass: BreakClass, reference: String, kind: TransactionKind, provider: ProviderSide?,
        ledger: LedgerRecord?, differences: [Difference] = [], control: ControlResult? = nil
    ) {
        self.breakClass = breakClass
        self.reference = reference
        self.kind = kind
        self.provider = provider
        self.ledger = ledger
        self.differences = differences
        self.control = control
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

    /// The kind as report.json writes it: `nil` for a control, which has none.
    public var kindName: String? { control == nil ? kind.name : nil }

    /// The amount this break puts at risk, in minor units of `riskCurrency`: the absolute
    /// difference for an amount mismatch, otherwise the side that exists (provider first).
    public var amountAtRisk: Money? {
        if breakClass == .amountMismatch, let provider, let ledger {
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
