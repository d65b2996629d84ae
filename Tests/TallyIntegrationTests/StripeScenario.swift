import Foundation
import TallyTestSupport

/// A deterministic Stripe report and ledger with one or more breaks of every class, built in code so
/// the expected breaks are known exactly.
struct StripeScenario {
    var rows: [PaymentRow] = []
    var lines: [[String]] = []
    /// (class, reference, kind) of every break Tally must report.
    var expected: [Expected] = []

    struct Expected: Hashable, Comparable, CustomStringConvertible {
        var breakClass: String
        var reference: String
        var kind: String
        static func < (lhs: Self, rhs: Self) -> Bool {
            if lhs.breakClass != rhs.breakClass { return lhs.breakClass < rhs.breakClass }
            if lhs.reference != rhs.reference { return lhs.reference.utf8.lexicographicallyPrecedes(rhs.reference.utf8) }
            return lhs.kind < rhs.kind
        }
        var description: String { "\(breakClass) \(reference) \(kind)" }
    }

    static let header = [
        "balance_transaction_id", "created_utc", "available_on_utc", "currency", "gross", "fee", "net",
        "reporting_category", "source_id", "description",
    ]

    private var nextID = 1
    private var seed: UInt64 = 0x5EED

    private mutating func random(_ bound: Int) -> Int {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((seed >> 33) % UInt64(bound))
    }

    /// Adds a ledger row.
    mutating func ledger(
        _ reference: String, kind: String = "charge", minor: Int64, currency: String, status: String = "succeeded",
        created: String = "2026-03-10 12:00:00+00", provider: String = "acmepay"
    ) {
        rows.append(
            PaymentRow(
                id: nextID, provider: provider, reference: reference, kind: kind, amountMinor: minor, currency: currency,
                status: status, createdAt: created))
        nextID += 1
    }

    /// Adds a settlement line; `gross` is in major units as Stripe writes it.
    mutating func line(
        _ reference: String, category: String, gross: String, currency: String, fee: String = "0.00",
        net: String? = nil, description: String = "", created: String = "2026-03-10 12:00:00"
    ) {
        let txn = "txn_\(lines.count + 1)"
        lines.append([
            txn, created, "2026-03-12 00:00:00", currency.lowercased(), gross, fee, net ?? gross, category, reference,
            description,
        ])
    }

    mutating func expect(_ breakClass: String, _ reference: String, _ kind: String = "charge") {
        expected.append(Expected(breakClass: breakClass, reference: reference, kind: kind))
    }

    /// The whole story: clean matches in five currencies, and every break class.
    static func everyClass() -> StripeScenario {
        var s = StripeScenario()
        let currencies: [(String, Int)] = [("EUR", 2), ("USD", 2), ("GBP", 2), ("JPY", 0), ("KWD", 3)]
        for number in 0..<200 {
            let (currency, exponent) = currencies[number % currencies.count]
            let minor = Int64(100 + s.random(500_000))
            let hour = 10 + number % 12
            let created = "2026-03-1\(number % 2) \(hour):0\(number % 10):00"
            s.ledger("ch_clean_\(number)", minor: minor, currency: currency, created: created + "+00")
            s.line("ch_clean_\(number)", category: "charge", gross: major(minor, exponent), currency: currency, created: created)
        }
        // clean refund and dispute; the charge of the refund shows status refunded
        s.ledger("ch_refunded", minor: 5_000, currency: "EUR", status: "refunded")
        s.line("ch_refunded", category: "charge", gross: "50.00", currency: "EUR")
        s.ledger("re_1", kind: "refund", minor: 5_000, currency: "EUR")
        s.line("re_1", category: "refund", gross: "-50.00", currency: "EUR", description: "REFUND FOR PAYMENT")
        s.ledger("du_1", kind: "chargeback", minor: 2_500, currency: "USD", created: "2026-03-11 08:00:00+00")
        s.line("du_1", category: "dispute", gross: "-25.00", currency: "USD", fee: "15.00", net: "-40.00")
        // an amount above 2^31 minor units; a reference with a comma, quotes and non-ASCII letters
        s.ledger("ch_big", minor: 2_500_000_000, currency: "USD")
        s.line("ch_big", category: "charge", gross: "25000000.00", currency: "USD")
        s.ledger("ch_Zoë,\"quoted\" – Ünïcode", minor: 12_345, currency: "KWD")
        s.line(
            "ch_Zoë,\"quoted\" – Ünïcode", category: "charge", gross: "12.345", currency: "KWD",
            description: "multi\r\nline \"gift\" wrap")
        s.ledger("ch_yen", minor: 5_000, currency: "JPY")
        s.line("ch_yen", category: "charge", gross: "5000", currency: "JPY")
        // payouts and fees: summed, never matched
        s.line("po_1", category: "payout", gross: "-1000.00", currency: "EUR")
        s.line("po_2", category: "payout", gross: "-50000", currency: "JPY")
        s.line("", category: "fee", gross: "-0.50", currency: "USD", description: "Radar: Standard")

        // missing_in_provider: settles, in the window, not in the file
        s.ledger("ch_unsettled", minor: 4_200, currency: "EUR", created: "2026-03-11 23:59:59.999999+00")
        s.expect("missing_in_provider", "ch_unsettled")
        s.ledger("re_unsettled", kind: "refund", minor: 990, currency: "GBP")
        s.expect("missing_in_provider", "re_unsettled", "refund")
        // not breaks: failed or pending and absent, or outside the window, or another provider
        s.ledger("ch_failed_absent", minor: 100, currency: "EUR", status: "failed")
        s.ledger("ch_pending_absent", minor: 100, currency: "EUR", status: "pending")
        s.ledger("ch_lookback_absent", minor: 100, currency: "EUR", created: "2026-03-08 10:00:00+00")
        s.ledger("ch_other_provider", minor: 100, currency: "EUR", provider: "otherpay")
        // missing_internally: in the file, nowhere in the ledger (also: another provider's row)
        s.line("ch_ghost", category: "charge", gross: "19.99", currency: "EUR")
        s.expect("missing_internally", "ch_ghost")
        s.ledger("ch_other_provider_only", minor: 700, currency: "EUR", provider: "otherpay")
        s.line("ch_other_provider_only", category: "charge", gross: "7.00", currency: "EUR")
        s.expect("missing_internally", "ch_other_provider_only")
        s.line("re_ghost", category: "refund", gross: "-3.00", currency: "GBP")
        s.expect("missing_internally", "re_ghost", "refund")
        // amount_mismatch
        s.ledger("ch_amount", minor: 10_000, currency: "EUR")
        s.line("ch_amount", category: "charge", gross: "100.01", currency: "EUR")
        s.expect("amount_mismatch", "ch_amount")
        s.ledger("ch_amount_jpy", minor: 1_000, currency: "JPY")
        s.line("ch_amount_jpy", category: "charge", gross: "1001", currency: "JPY")
        s.expect("amount_mismatch", "ch_amount_jpy")
        // currency_mismatch, and one where the amount differs too
        s.ledger("ch_currency", minor: 10_000, currency: "EUR")
        s.line("ch_currency", category: "charge", gross: "100.00", currency: "USD")
        s.expect("currency_mismatch", "ch_currency")
        s.ledger("ch_currency_amount", minor: 10_000, currency: "EUR")
        s.line("ch_currency_amount", category: "charge", gross: "90.00", currency: "GBP")
        s.expect("currency_mismatch", "ch_currency_amount")
        // status_mismatch
        s.ledger("ch_failed", minor: 3_000, currency: "EUR", status: "failed")
        s.line("ch_failed", category: "charge", gross: "30.00", currency: "EUR")
        s.expect("status_mismatch", "ch_failed")
        s.ledger("re_pending", kind: "refund", minor: 3_000, currency: "EUR", status: "pending")
        s.line("re_pending", category: "refund", gross: "-30.00", currency: "EUR")
        s.expect("status_mismatch", "re_pending", "refund")
        // duplicate_in_provider: the second line only
        s.ledger("ch_twice", minor: 1_234, currency: "EUR")
        s.line("ch_twice", category: "charge", gross: "12.34", currency: "EUR")
        s.line("ch_twice", category: "charge", gross: "12.34", currency: "EUR")
        s.expect("duplicate_in_provider", "ch_twice")
        // timing_difference: one in the lookback, one found by the out-of-window lookup, one in the lookahead
        s.ledger("ch_late_ledger", minor: 800, currency: "EUR", created: "2026-03-08 23:00:00+00")
        s.line("ch_late_ledger", category: "charge", gross: "8.00", currency: "EUR")
        s.expect("timing_difference", "ch_late_ledger")
        s.ledger("ch_old", minor: 800, currency: "EUR", created: "2026-02-20 10:00:00+00")
        s.line("ch_old", category: "charge", gross: "8.00", currency: "EUR")
        s.expect("timing_difference", "ch_old")
        s.ledger("ch_ahead", minor: 800, currency: "EUR", created: "2026-03-12 00:00:00+00")
        s.line("ch_ahead", category: "charge", gross: "8.00", currency: "EUR")
        s.expect("timing_difference", "ch_ahead")
        s.expected.sort()
        return s
    }

    static func major(_ minor: Int64, _ exponent: Int) -> String {
        guard exponent > 0 else { return String(minor) }
        var digits = String(minor)
        while digits.count <= exponent { digits = "0" + digits }
        digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -exponent))
        return digits
    }

    /// The report as Stripe writes it: BOM, CRLF, every value quoted.
    func csv() -> Data {
        func quote(_ value: String) -> String { "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var text = "\u{FEFF}" + Self.header.map(quote).joined(separator: ",") + "\r\n"
        for line in lines { text += line.map(quote).joined(separator: ",") + "\r\n" }
        return Data(text.utf8)
    }
}
