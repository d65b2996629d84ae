import TallyCore

/// A file's money in one currency, from every line: what came in and went out (gross), what the
/// provider kept (fees, by kind), what is left (net) and what it paid out.
///
/// - gross: the transaction lines, signed (charges add; refunds and chargebacks take away);
/// - fees: the fees stated on charge and refund lines (`transaction`), on chargeback lines
///   (`dispute`), and the fee lines the file lists on their own (`feeLines`: any non-transaction
///   category that names a fee), each positive when charged;
/// - other: the net of the other non-transaction lines (adjustments, reserves, reversals);
/// - net: gross − fees + other, which is the sum of every line's net except the payouts;
/// - payouts: the net of the payout lines, as written (negative when money left the balance).
///
/// Integers in minor units only; no exchange rates, nothing added across currencies.
public struct CurrencyTotals: Sendable, Hashable {
    public var currency: Currency
    public var transactions = 0
    public var grossMinor: Int64 = 0
    public var transactionFeesMinor: Int64 = 0
    public var disputeFeesMinor: Int64 = 0
    public var feeLinesMinor: Int64 = 0
    public var otherLinesMinor: Int64 = 0
    public var payoutsMinor: Int64 = 0
    /// Payout lines in this currency (a payout of 0 is still a payout line).
    public var payoutLines = 0

    public init(currency: Currency) { self.currency = currency }

    public var feesMinor: Int64 { transactionFeesMinor &+ disputeFeesMinor &+ feeLinesMinor }
    public var netMinor: Int64 { grossMinor &- feesMinor &+ otherLinesMinor }

    /// Which figure a non-transaction category feeds.
    enum LineRole { case payout, fee, other }

    /// `payout` when the category names a payout, `fee` when it names a fee, else `other`
    /// (Stripe `payout`, Adyen `MerchantPayout`, PayPal `T0400 bank withdrawal`; Stripe `fee`,
    /// Adyen `Fee` and `MiscCosts`, PayPal `T0100 … fee` and `T1108 fee reversal`).
    static func role(of category: String) -> LineRole {
        let name = category.lowercased()
        if name.contains("payout") || name.contains("bank withdrawal") { return .payout }
        if name.contains("fee") || name.contains("cost") { return .fee }
        return .other
    }

    /// Every currency of the result, in currency-code order.
    public static func of(_ result: ReconciliationResult) -> [CurrencyTotals] {
        var totals: [Currency: CurrencyTotals] = [:]
        for entry in result.transactionTotals.sorted {
            var total = totals[entry.currency] ?? CurrencyTotals(currency: entry.currency)
            total.transactions += entry.total.count
            total.grossMinor &+= entry.total.grossMinor
            if entry.kind == .chargeback {
                total.disputeFeesMinor &+= entry.total.feeMinor
            } else {
                total.transactionFeesMinor &+= entry.total.feeMinor
            }
            totals[entry.currency] = total
        }
        for (key, line) in result.nonTransactions.sorted {
            var total = totals[key.currency] ?? CurrencyTotals(currency: key.currency)
            switch role(of: key.category) {
            case .payout:
                total.payoutsMinor &+= line.net
                total.payoutLines += line.count
            case .fee: total.feeLinesMinor &-= line.net
            case .other: total.otherLinesMinor &+= line.net
            }
            totals[key.currency] = total
        }
        return totals.keys.sorted().map { totals[$0]! }
    }
}
