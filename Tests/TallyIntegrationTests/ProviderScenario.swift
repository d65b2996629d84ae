import Foundation
import TallyTestSupport

/// A provider-neutral reconciliation story (clean matches in five currencies and one or more breaks
/// of every class of docs/matching.md), rendered as an Adyen settlement details report or a PayPal STL
/// file, so that `tally run --format adyen|paypal` must find exactly `expected`.
struct ProviderScenario {
    /// One settlement transaction; `original` is the payment a refund or chargeback belongs to.
    struct Line {
        var reference: String
        var kind: String
        var minor: Int64
        var currency: String
        var original: String?
    }

    let provider: String
    var rows: [PaymentRow] = []
    var lines: [Line] = []
    var expected: [StripeScenario.Expected] = []
    private var nextID = 1
    private var seed: UInt64 = 0xAD1E

    init(provider: String) { self.provider = provider }

    static let exponents = ["EUR": 2, "USD": 2, "GBP": 2, "JPY": 0, "KWD": 3]

    private mutating func random(_ bound: Int) -> Int {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((seed >> 33) % UInt64(bound))
    }

    mutating func ledger(
        _ reference: String, kind: String = "charge", minor: Int64, currency: String, status: String = "succeeded",
        created: String = "2026-03-10 12:00:00+00", provider: String? = nil
    ) {
        rows.append(
            PaymentRow(
                id: nextID, provider: provider ?? self.provider, reference: reference, kind: kind, amountMinor: minor,
                currency: currency, status: status, createdAt: created))
        nextID += 1
    }

    mutating func line(_ reference: String, kind: String = "charge", minor: Int64, currency: String, original: String? = nil) {
        lines.append(Line(reference: reference, kind: kind, minor: minor, currency: currency, original: original))
    }

    mutating func expect(_ breakClass: String, _ reference: String, _ kind: String = "charge") {
        expected.append(StripeScenario.Expected(breakClass: breakClass, reference: reference, kind: kind))
    }

    /// Every break class; `step` keeps amounts representable in the format (PayPal writes hundredths,
    /// so KWD amounts are whole multiples of 10 fils).
    static func everyClass(provider: String) -> ProviderScenario {
        var s = ProviderScenario(provider: provider)
        let currencies = ["EUR", "USD", "GBP", "JPY", "KWD"]
        for number in 0..<120 {
            let currency = currencies[number % currencies.count]
            let minor = Int64(100 + s.random(500_000)) * (currency == "KWD" ? 10 : 1)
            let created = "2026-03-1\(number % 2) \(10 + number % 12):0\(number % 10):00+00"
            s.ledger("clean_\(number)", minor: minor, currency: currency, created: created)
            s.line("clean_\(number)", minor: minor, currency: currency)
        }
        // a refunded payment and its refund, a disputed payment and its chargeback, each by its own reference
        s.ledger("pay_refunded", minor: 5_000, currency: "EUR", status: "refunded")
        s.line("pay_refunded", minor: 5_000, currency: "EUR")
        s.ledger("refund_1", kind: "refund", minor: 2_000, currency: "EUR")
        s.line("refund_1", kind: "refund", minor: 2_000, currency: "EUR", original: "pay_refunded")
        s.ledger("pay_disputed", minor: 2_500, currency: "USD", created: "2026-03-09 20:00:00+00")
        s.ledger("dispute_1", kind: "chargeback", minor: 2_500, currency: "USD", created: "2026-03-11 08:00:00+00")
        s.line("dispute_1", kind: "chargeback", minor: 2_500, currency: "USD", original: "pay_disputed")
        s.ledger("pay_yen", minor: 5_000, currency: "JPY")
        s.line("pay_yen", minor: 5_000, currency: "JPY")
        // a chargeback PayPal writes as T1106 (payment reversal)
        s.ledger("reversal_1", kind: "chargeback", minor: 1_500, currency: "GBP")
        s.line("reversal_1", kind: "chargeback", minor: 1_500, currency: "GBP", original: "pay_claimed")

        // missing_in_provider: settles, in the window, not in the file
        s.ledger("pay_unsettled", minor: 4_200, currency: "EUR", created: "2026-03-11 23:59:59.999999+00")
        s.expect("missing_in_provider", "pay_unsettled")
        s.ledger("refund_unsettled", kind: "refund", minor: 990, currency: "GBP")
        s.expect("missing_in_provider", "refund_unsettled", "refund")
        // not breaks: failed or pending and absent, outside the window, another provider
        s.ledger("pay_failed_absent", minor: 100, currency: "EUR", status: "failed")
        s.ledger("pay_pending_absent", minor: 100, currency: "EUR", status: "pending")
        s.ledger("pay_lookback_absent", minor: 100, currency: "EUR", created: "2026-03-08 10:00:00+00")
        s.ledger("pay_other_provider", minor: 100, currency: "EUR", provider: "otherpay")
        // missing_internally
        s.line("pay_ghost", minor: 1_999, currency: "EUR")
        s.expect("missing_internally", "pay_ghost")
        s.ledger("pay_other_only", minor: 700, currency: "EUR", provider: "otherpay")
        s.line("pay_other_only", minor: 700, currency: "EUR")
        s.expect("missing_internally", "pay_other_only")
        s.line("refund_ghost", kind: "refund", minor: 300, currency: "GBP", original: "pay_nowhere")
        s.expect("missing_internally", "refund_ghost", "refund")
        // amount_mismatch
        s.ledger("pay_amount", minor: 10_000, currency: "EUR")
        s.line("pay_amount", minor: 10_001, currency: "EUR")
        s.expect("amount_mismatch", "pay_amount")
        s.ledger("pay_amount_yen", minor: 1_000, currency: "JPY")
        s.line("pay_amount_yen", minor: 1_001, currency: "JPY")
        s.expect("amount_mismatch", "pay_amount_yen")
        // currency_mismatch
        s.ledger("pay_currency", minor: 10_000, currency: "EUR")
        s.line("pay_currency", minor: 10_000, currency: "USD")
        s.expect("currency_mismatch", "pay_currency")
        // status_mismatch
        s.ledger("pay_failed", minor: 3_000, currency: "EUR", status: "failed")
        s.line("pay_failed", minor: 3_000, currency: "EUR")
        s.expect("status_mismatch", "pay_failed")
        s.ledger("refund_pending", kind: "refund", minor: 3_000, currency: "EUR", status: "pending")
        s.line("refund_pending", kind: "refund", minor: 3_000, currency: "EUR", original: "pay_x")
        s.expect("status_mismatch", "refund_pending", "refund")
        // duplicate_in_provider (the second line) and duplicate_internal (the second ledger row)
        s.ledger("pay_twice", minor: 1_234, currency: "EUR")
        s.line("pay_twice", minor: 1_234, currency: "EUR")
        s.line("pay_twice", minor: 1_234, currency: "EUR")
        s.expect("duplicate_in_provider", "pay_twice")
        s.ledger("pay_dup_ledger", minor: 600, currency: "USD", created: "2026-03-10 10:00:00+00")
        s.ledger("pay_dup_ledger", minor: 600, currency: "USD", created: "2026-03-10 11:00:00+00")
        s.line("pay_dup_ledger", minor: 600, currency: "USD")
        s.expect("duplicate_internal", "pay_dup_ledger")
        // timing_difference: in the lookback, found by the out-of-window lookup, in the lookahead
        s.ledger("pay_late_ledger", minor: 800, currency: "EUR", created: "2026-03-08 23:00:00+00")
        s.line("pay_late_ledger", minor: 800, currency: "EUR")
        s.expect("timing_difference", "pay_late_ledger")
        s.ledger("pay_old", minor: 800, currency: "EUR", created: "2026-02-20 10:00:00+00")
        s.line("pay_old", minor: 800, currency: "EUR")
        s.expect("timing_difference", "pay_old")
        s.ledger("pay_ahead", minor: 800, currency: "EUR", created: "2026-03-12 00:00:00+00")
        s.line("pay_ahead", minor: 800, currency: "EUR")
        s.expect("timing_difference", "pay_ahead")
        return s
    }

    /// One major unit in minor units (100 for EUR, 1 for JPY, 1000 for KWD).
    static func unit(_ currency: String) -> Int64 {
        var unit: Int64 = 1
        for _ in 0..<exponents[currency]! { unit *= 10 }
        return unit
    }

    static func major(_ minor: Int64, _ currency: String) -> String {
        StripeScenario.major(minor, exponents[currency]!)
    }

    /// Net movement per currency of the transactions (+ into the account), in minor units.
    var movementByCurrency: [String: Int64] {
        var totals: [String: Int64] = [:]
        for line in lines { totals[line.currency, default: 0] += line.kind == "charge" ? line.minor : -line.minor }
        return totals
    }

    /// Every currency in a fixed order.
    var currencies: [String] { movementByCurrency.keys.sorted() }
}
