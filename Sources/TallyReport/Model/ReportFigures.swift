import TallyCore

/// The headline figures of a run, computed once from a ``RunReport`` for the HTML page.
///
/// Pure arithmetic on integers in minor units; every collection is in a fixed order (currency
/// code, severity, class), so the page is the same bytes for the same report.
public struct ReportFigures: Sendable {
    /// An amount in one currency.
    public struct Amount: Sendable, Hashable {
        public var currency: Currency
        public var minor: Int64

        public var decimal: String { MoneyFormatter.decimal(minor, exponent: currency.exponent) }
    }

    /// Agreeing against settled amount in one currency. Agreeing money is what matched plus the
    /// timing differences whose two amounts are equal: late, but not in doubt.
    public struct AmountRate: Sendable, Hashable {
        public var currency: Currency
        public var matchedMinor: Int64
        public var settledMinor: Int64
    }

    /// Open items whose age in days falls in `range`.
    public struct AgeBucket: Sendable, Hashable {
        public var label: String
        public var range: ClosedRange<Int>
        public var count: Int
    }

    public var settlementTransactions: Int
    public var ledgerRows: Int
    public var matched: Int
    /// Per currency, in currency-code order.
    public var matchRateByAmount: [AmountRate]
    /// Breaks per severity, `high` first.
    public var bySeverity: [(severity: Severity, count: Int)]
    /// Sum of the absolute amounts at risk of the high-severity breaks, per currency, largest first.
    public var amountAtRisk: [Amount]
    /// The same for the medium breaks (ledger money the provider has not settled yet).
    public var amountPending: [Amount]
    /// Net of the non-transaction lines whose category names a payout, per currency.
    public var payouts: [Amount]
    /// Every fee of the file per currency (transaction, dispute and fee lines; positive when
    /// charged), largest first.
    public var fees: [Amount]
    /// The file's gross, fees by kind, net and payouts per currency, in currency-code order.
    public var totalsByCurrency: [CurrencyTotals]
    public var controlsPassed: Int
    public var controlsFailed: Int
    public var rejects: Int
    /// Breaks per class, in class order, only classes that occurred.
    public var byClass: [(breakClass: BreakClass, count: Int)]
    /// The provider's open items after the run by age.
    public var openItemsByAge: [AgeBucket]

    /// The age buckets of the open-items chart, in days.
    public static let ageBuckets: [(label: String, range: ClosedRange<Int>)] = [
        ("0–1", 0...1), ("2–3", 2...3), ("4–7", 4...7), ("8–30", 8...30), ("30+", 31...Int.max),
    ]

    public init(_ report: RunReport) {
        let result = report.result
        settlementTransactions = result.settlementTransactions
        ledgerRows = result.ledgerRowsInWindow
        matched = result.matched
        var severities: [Severity: Int] = [:]
        var classes: [BreakClass: Int] = [:]
        var risk: [Severity: [Currency: Int64]] = [:]
        var lateButAgreeing: [Currency: Int64] = [:]
        for dated in report.breaks {
            let item = dated.item
            severities[item.severity, default: 0] += 1
            classes[item.breakClass, default: 0] += 1
            if item.severity != .info, let amount = item.amountAtRisk {
                risk[item.severity, default: [:]][amount.currency, default: 0] &+= Int64(clamping: amount.minor.magnitude)
            }
            if item.breakClass == .timingDifference, let provider = item.provider?.amount, let ledger = item.ledger?.amount,
                provider.currency == ledger.currency, provider.minor.magnitude == ledger.minor.magnitude
            {
                lateButAgreeing[provider.currency, default: 0] &+= Int64(clamping: provider.minor.magnitude)
            }
        }
        matchRateByAmount = result.settlementAmountMinorByCurrency.keys.sorted().map {
            AmountRate(
                currency: $0, matchedMinor: (result.matchedAmountMinorByCurrency[$0] ?? 0) &+ (lateButAgreeing[$0] ?? 0),
                settledMinor: result.settlementAmountMinorByCurrency[$0] ?? 0)
        }
        bySeverity = Severity.allCases.reversed().map { ($0, severities[$0] ?? 0) }
        byClass = BreakClass.allCases.compactMap { breakClass in classes[breakClass].map { (breakClass, $0) } }
        amountAtRisk = Self.largestFirst(risk[.high] ?? [:])
        amountPending = Self.largestFirst(risk[.medium] ?? [:])
        totalsByCurrency = CurrencyTotals.of(result)
        payouts = totalsByCurrency.filter { $0.payoutLines > 0 }.map {
            Amount(currency: $0.currency, minor: $0.payoutsMinor)
        }
        fees = Self.largestFirst(
            Dictionary(
                uniqueKeysWithValues: totalsByCurrency.filter { $0.feesMinor != 0 }.map { ($0.currency, $0.feesMinor) }))
        controlsPassed = result.controls.filter(\.ok).count
        controlsFailed = result.controls.count - controlsPassed
        rejects = result.rejects.count
        let ages = report.history.visibleOpen.map { $0.age(on: report.window.to) }
        openItemsByAge = Self.ageBuckets.map { bucket in
            AgeBucket(label: bucket.label, range: bucket.range, count: ages.filter { bucket.range.contains($0) }.count)
        }
    }

    public var breaks: Int { bySeverity.reduce(0) { $0 + $1.count } }

    /// Sums per currency, the largest number first (then by code): the headline shows the biggest.
    /// Sizes compare the amounts as written, in major units (1,000 JPY is less than 100.00 EUR by
    /// number of minor units but more as written); there is no exchange rate, so this orders the
    /// list, it adds nothing up.
    static func largestFirst(_ sums: [Currency: Int64]) -> [Amount] {
        sums.map { Amount(currency: $0.key, minor: $0.value) }.sorted {
            let (left, right) = (majorUnitsScaled($0), majorUnitsScaled($1))
            return left != right ? left > right : $0.currency.code < $1.currency.code
        }
    }

    /// The amount in thousandths of a major unit (ISO 4217 exponents are 0 to 4), saturating.
    static func majorUnitsScaled(_ amount: Amount) -> Int64 {
        let exponent = amount.currency.exponent
        guard exponent <= 3 else { return amount.minor / 10 }
        var scale: Int64 = 1
        for _ in 0..<(3 - exponent) { scale *= 10 }
        let (scaled, overflow) = amount.minor.multipliedReportingOverflow(by: scale)
        return overflow ? (amount.minor < 0 ? .min : .max) : scaled
    }

    public func count(_ severity: Severity) -> Int { bySeverity.first { $0.severity == severity }?.count ?? 0 }
}

extension ReportFigures {
    /// `part / total` in tenths of a percent, rounded half up by integer arithmetic; `nil` when
    /// `total` is 0. Never 1000 unless `part == total`, so an incomplete match never shows 100.0%.
    public static func tenthsOfPercent(_ part: Int64, of total: Int64) -> Int64? {
        guard total != 0 else { return nil }
        let (scaled, overflow) = part.multipliedReportingOverflow(by: 1000)
        // Amounts near Int64's limit: scale the total down instead (still integers).
        var tenths = overflow ? part / max(1, total / 1000) : scaled / total
        if !overflow, scaled % total >= total - scaled % total { tenths += 1 }
        if tenths == 1000 && part != total { tenths = 999 }
        return tenths
    }

    /// `part / total` as a percentage with one decimal (`"96.1%"`), or `"n/a"` when `total` is 0.
    public static func percent(_ part: Int64, of total: Int64) -> String {
        guard let tenths = tenthsOfPercent(part, of: total) else { return "n/a" }
        return "\(tenths / 10).\(tenths % 10)%"
    }
}

extension ReportFigures.AmountRate {
    public var tenthsOfPercent: Int64? { ReportFigures.tenthsOfPercent(matchedMinor, of: settledMinor) }
    public var percent: String { ReportFigures.percent(matchedMinor, of: settledMinor) }
}
