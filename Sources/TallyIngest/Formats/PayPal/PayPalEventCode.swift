import TallyCore

/// A PayPal transaction event code (`T0006`, `T1107`, …) and what Tally makes of it.
///
/// The event group (the first three characters) names the family; a few codes inside the groups
/// T11 (reversals) and T12 (adjustments) decide the kind:
///
/// | code | direction | becomes |
/// | --- | --- | --- |
/// | T00xx payment | CR | charge |
/// | T1107 refund | DR | refund |
/// | T1201 chargeback | DR | chargeback |
/// | T1106 payment reversal (PayPal takes a payment back after a buyer claim) | DR | chargeback |
/// | everything else, and the codes above in the other direction | | non-transaction line |
///
/// A T00xx *debit* is a payment the account sent (not a customer charge); T1202 chargeback reversal
/// gives money back like Adyen's `ChargebackReversed` and, like it, is a non-transaction line listed
/// under its own name.
struct PayPalEventCode: Hashable {
    /// The four digits after `T`.
    var number: Int

    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        var view = bytes[...]
        while view.first == UInt8(ascii: " ") { view = view.dropFirst() }
        while view.last == UInt8(ascii: " ") { view = view.dropLast() }
        guard view.count == 5, view.first == UInt8(ascii: "T") || view.first == UInt8(ascii: "t") else { return nil }
        var number = 0
        for byte in view.dropFirst() {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            number = number * 10 + Int(digit)
        }
        self.number = number
    }

    var group: Int { number / 100 }

    var code: String {
        let digits = String(number)
        return "T" + String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// The kind of a line with this code and direction (+1 CR, −1 DR), or nil for a non-transaction line.
    func kind(direction: Int64) -> TransactionKind? {
        switch (number, direction) {
        case (0..<100, 1): .charge
        case (1107, -1): .refund
        case (1201, -1), (1106, -1): .chargeback
        default: nil
        }
    }

    /// The category of a non-transaction line: the code and what it means, e.g. `T0400 bank withdrawal`.
    func category(direction: Int64) -> String {
        code + " " + (group == 0 && direction < 0 ? "payment sent" : Self.names[number] ?? Self.groups[group] ?? "other")
    }

    /// Codes that have their own name (PayPal's transaction event codes reference).
    static let names: [Int: String] = [
        106: "chargeback fee", 200: "currency conversion", 201: "currency conversion",
        400: "bank withdrawal", 1106: "payment reversal", 1107: "refund", 1108: "fee reversal",
        1109: "fee reversal", 1110: "dispute hold", 1111: "dispute hold released", 1201: "chargeback",
        1202: "chargeback reversal", 1302: "authorization void",
    ]

    /// The event groups.
    static let groups: [Int: String] = [
        0: "payment", 1: "fee", 2: "currency conversion", 3: "bank deposit", 4: "bank withdrawal",
        5: "debit card", 6: "credit card withdrawal", 7: "credit card deposit", 8: "bonus", 9: "incentive",
        10: "bill pay", 11: "reversal", 12: "adjustment", 13: "authorization", 14: "dividend",
        15: "hold for dispute or investigation", 16: "buyer credit deduction", 17: "non-bank withdrawal",
        18: "buyer credit withdrawal", 19: "account correction", 20: "funds transfer", 21: "reserve or release",
        22: "transfer", 30: "generic instrument", 50: "collections and disbursements",
        97: "payables and receivables", 98: "display only", 99: "other",
    ]
}
