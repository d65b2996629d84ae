/// One configured pass over the residue, after the key pass (docs/matching.md, "Rule passes").
///
/// ```yaml
/// matching:
///   - name: order-in-text
///     pass: reference
///     from: remittance
///     pattern: 'ORD-[0-9]{6}'
///     ledger_field: merchant_ref
/// ```
public struct RulePass: Sendable, Hashable {
    /// What the pass compares.
    public enum Method: Sendable, Hashable {
        /// A reference found in a field of the line (the first match of `pattern`, case-insensitive;
        /// the whole trimmed text without one) equals the ledger row's `ledgerField`.
        case reference(from: LineField, pattern: String?, ledgerField: LedgerField)
        /// Same currency and kind, amount within `tolerance`, the row created in
        /// `[line date − daysBefore, line date + daysAfter]`.
        case amountDate(window: DayWindow, tolerance: AmountTolerance)
        /// The line equals the sum of 2…`maxItems` rows of its currency and kind in the day window.
        case group(maxItems: Int, window: DayWindow)

        /// The contract's name (`pass:`).
        public var name: String {
            switch self {
            case .reference: "reference"
            case .amountDate: "amount_date"
            case .group: "group"
            }
        }
    }

    /// What a pass's unique pairing becomes.
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        /// Matched, counted as matched (and still classified by currency, status, amount, timing).
        case match
        /// A `probable_match` break that a person confirms; not counted as matched until then.
        case review
    }

    /// The ledger column a reference pass compares with.
    public enum LedgerField: String, Sendable, Hashable, CaseIterable {
        case providerRef = "provider_ref"
        case merchantRef = "merchant_ref"
    }

    /// Days around the line's date in which a ledger row may have been created.
    public struct DayWindow: Sendable, Hashable {
        public var before: Int
        public var after: Int

        public init(before: Int, after: Int) {
            self.before = before
            self.after = after
        }
    }

    /// How far two amounts may be apart: minor units, or hundredths of a percent of the line's amount.
    public enum AmountTolerance: Sendable, Hashable {
        case minor(Int64)
        case basisPoints(Int64)

        /// The tolerance for a line of `amount` minor units (percentages round down, in integers).
        public func minor(for amount: Int64) -> Int64 {
            switch self {
            case .minor(let value): value
            case .basisPoints(let points):
                amount.multipliedReportingOverflow(by: points).overflow ? amount / 10_000 * points : amount * points / 10_000
            }
        }
    }

    /// Shown in reports and in `tally explain`, and written as `matched_by`.
    public var name: String
    public var method: Method
    public var outcome: Outcome

    public init(name: String, method: Method, outcome: Outcome? = nil) {
        self.name = name
        self.method = method
        // reference passes match by default; amount and group passes propose for review
        if let outcome {
            self.outcome = outcome
        } else if case .reference = method {
            self.outcome = .match
        } else {
            self.outcome = .review
        }
    }

    /// The pass name a key match carries in `matched_by`.
    public static let keyPassName = "key"
}
