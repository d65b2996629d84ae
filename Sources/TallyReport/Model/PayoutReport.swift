import TallyCore

/// The "Payouts" of a report (docs/payouts.md): every payout the provider announced, or the bank
/// receives, with where it stands after the run (arrived on which bank line, outstanding with its
/// age and due date, missing), and the figures per currency.
public struct PayoutReport: Sendable {
    /// Whose report it is: the provider that announces the payouts, or the bank that receives them.
    public enum Role: String, Sendable, Hashable {
        case provider, bank
    }

    /// Announced, arrived, outstanding and missing amounts of one currency.
    public struct Figures: Sendable, Hashable {
        public var currency: Currency
        public var announced: Int64 = 0
        public var arrived: Int64 = 0
        public var outstanding: Int64 = 0
        public var missing: Int64 = 0
        public var count = 0
    }

    public var role: Role
    public var payouts: [ExpectedPayout]
    /// The window's last day: ages are counted to it.
    public var asOf: CivilDate

    public init(role: Role, payouts: [ExpectedPayout], asOf: CivilDate) {
        self.role = role
        self.payouts = payouts
        self.asOf = asOf
    }

    /// One line per currency, in code order.
    public var figures: [Figures] {
        var byCurrency: [Currency: Figures] = [:]
        for payout in payouts {
            var figures = byCurrency[payout.amount.currency] ?? Figures(currency: payout.amount.currency)
            figures.count += 1
            figures.announced &+= payout.amount.minor
            switch payout.state {
            case .arrived: figures.arrived &+= payout.arrival?.amount.minor ?? payout.amount.minor
            case .outstanding: figures.outstanding &+= payout.amount.minor
            case .missing: figures.missing &+= payout.amount.minor
            }
            byCurrency[payout.amount.currency] = figures
        }
        return byCurrency.values.sorted { $0.currency.code < $1.currency.code }
    }
}

extension RunReport {
    /// The break classes the report lists (with count 0 when absent): the payout classes only in
    /// a report with payouts or a payout break, so a provider without payouts writes what it wrote before.
    public var shownClasses: [BreakClass] {
        let present = Set(breaks.map(\.item.breakClass))
        return BreakClass.allCases.filter {
            !BreakClass.payoutClasses.contains($0) || payouts != nil || present.contains($0)
        }
    }
}
