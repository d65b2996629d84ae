/// The largest absolute difference between two amounts, in minor units, that still counts as equal.
///
/// A difference that does not fit in `Int64` (amounts of opposite extremes) never counts as equal.
public struct Tolerance: Sendable, Hashable {
    public var minor: Int64

    /// Amounts must be equal to the minor unit.
    public static let exact = Tolerance(minor: 0)

    public init(minor: Int64) { self.minor = minor }

    /// Whether amounts `a` and `b` (minor units of one currency) count as equal.
    @inline(__always)
    public func accepts(_ a: Int64, _ b: Int64) -> Bool {
        let (gap, overflow) = a.subtractingReportingOverflow(b)
        return !overflow && gap.magnitude <= minor.magnitude
    }

    /// The tolerance in a currency, as the reports write it (`0.00 EUR`).
    public func text(in currency: Currency) -> String { Money(minor: minor, currency: currency).description }
}

/// The matching rules, written once: whether a settlement transaction and the ledger row with its
/// key agree, and if not, which rule names the break.
///
/// Every place that decides or explains an outcome asks this type: the reconciler's fast path (over
/// the raw fields of an index entry, ``matches(kind:providerMinor:providerCurrency:ledgerMinor:ledgerCurrency:status:createdAt:)``),
/// its slow path (``decide(provider:ledger:)``), ``History`` when it re-examines an open item
/// (``agreesApartFromTiming(provider:ledger:)``), and ``OutcomeRule``, which puts a decision in words.
///
/// The checks, in the order that names the break (docs/matching.md, rules 3–7): the currency, the
/// ledger status, the amount within the ``Tolerance``, and the row's `created_at` inside the window.
public struct Classifier: Sendable {
    /// One matching rule: a field of the pair that must agree.
    public enum Check: Int, CaseIterable, Sendable {
        case currency, status, amount, timing

        /// The field reported as differing when the check fails.
        public var difference: Difference {
            switch self {
            case .currency: .currency
            case .status: .status
            case .amount: .amount
            case .timing: .createdAt
            }
        }

        /// The break class of a pair whose first failing check this is.
        public var breakClass: BreakClass {
            switch self {
            case .currency: .currencyMismatch
            case .status: .statusMismatch
            case .amount: .amountMismatch
            case .timing: .timingDifference
            }
        }

        /// The check that names `breakClass`, if a check does.
        public init?(naming breakClass: BreakClass) {
            guard let check = Self.allCases.first(where: { $0.breakClass == breakClass }) else { return nil }
            self = check
        }
    }

    /// What the rules say of a pair: the break class (`nil` when matched) and every failing check's field.
    public struct Decision: Sendable, Hashable {
        public var breakClass: BreakClass?
        public var differences: [Difference]
    }

    public var window: ReconciliationWindow
    public var tolerance: Tolerance

    public init(window: ReconciliationWindow, tolerance: Tolerance) {
        self.window = window
        self.tolerance = tolerance
    }

    // MARK: The rules

    /// Whether a ledger row of `kind` with `status` is expected in a settlement file: a charge that
    /// succeeded or was later refunded, a refund or chargeback that succeeded. The only table of it.
    @inline(__always)
    public static func settles(_ kind: TransactionKind, _ status: LedgerStatusCode) -> Bool {
        switch (kind, status) {
        case (.charge, .succeeded), (.charge, .refunded), (.refund, .succeeded), (.chargeback, .succeeded): true
        default: false
        }
    }

    /// The statuses that settle `kind`, in the table's order (for explanations).
    public static func settlingStatuses(_ kind: TransactionKind) -> [LedgerStatus] {
        [LedgerStatus.succeeded, .refunded, .failed, .pending].filter { settles(kind, LedgerStatusCode($0)) }
    }

    /// Whether one check holds for a settlement amount and a ledger row.
    public func holds(_ check: Check, provider: Money, ledger: LedgerRecord) -> Bool {
        switch check {
        case .currency: provider.currency == ledger.amount.currency
        case .status: Self.settles(ledger.kind, LedgerStatusCode(ledger.status))
        case .amount: tolerance.accepts(provider.minor, ledger.amount.minor)
        case .timing: window.contains(ledger.createdAt)
        }
    }

    /// The fast path: every check over an index entry's own fields, no value built. Agrees with
    /// ``decide(provider:ledger:)`` returning no break class (a test holds the two together).
    @inline(__always)
    public func matches(
        kind: TransactionKind, providerMinor: Int64, providerCurrency: UInt32, ledgerMinor: Int64, ledgerCurrency: UInt32,
        status: LedgerStatusCode, createdAt: Int64
    ) -> Bool {
        providerCurrency == ledgerCurrency && Self.settles(kind, status) && tolerance.accepts(providerMinor, ledgerMinor)
            && window.contains(Timestamp(microseconds: createdAt))
    }

    /// Every check of a pair: the first failing one names the break, all failing ones are its differences.
    public func decide(provider: Money, ledger: LedgerRecord) -> Decision {
        let failing = Check.allCases.filter { !holds($0, provider: provider, ledger: ledger) }
        return Decision(breakClass: failing.first?.breakClass, differences: failing.map(\.difference))
    }

    /// Whether an unclaimed ledger row is a `missing_in_provider` (rule 8): created inside the
    /// window with a status that settles its kind, so a settlement line was expected for it.
    @inline(__always)
    public func expectsSettlementLine(kind: TransactionKind, status: LedgerStatus, createdAt: Timestamp) -> Bool {
        window.contains(createdAt) && status.shouldSettle(kind: kind)
    }

    /// Whether a ledger row agrees with what the provider settled in every check but the timing:
    /// what resolves an earlier open item once the row was created or corrected.
    public func agreesApartFromTiming(provider: Money, ledger: LedgerRecord) -> Bool {
        Check.allCases.allSatisfy { $0 == .timing || holds($0, provider: provider, ledger: ledger) }
    }
}
