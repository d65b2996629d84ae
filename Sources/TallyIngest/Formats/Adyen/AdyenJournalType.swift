import TallyCore

/// What a settlement details row is, from its `Type` (the journal type), compared without case.
///
/// The list is open: Adyen documents more types than any one file shows and adds new ones, so an
/// unknown type is a non-transaction line under its own name, never a reject.
enum AdyenJournalType: Equatable {
    /// `Settled`, `Refunded`, `Chargeback`, `SecondChargeback`: matched against the ledger.
    case transaction(TransactionKind)
    /// `MerchantPayout`: the amount sent to the bank, which the batch must net to.
    case payout
    /// Everything else (fees, corrections, reversals, unknown types), under its canonical name.
    case other(String)

    /// The documented types in Adyen's spelling, by lower-cased name, so that `refunded` and
    /// `Refunded` are summed under one category.
    static let documented: [String: String] = Dictionary(
        uniqueKeysWithValues: [
            "Settled", "Refunded", "Chargeback", "SecondChargeback", "ChargebackReversed", "RefundedReversed",
            "Fee", "MiscCosts", "MerchantPayout", "DepositCorrection", "InvoiceDeduction", "MatchedStatement",
            "ManualCorrected", "BankInstructionReturned", "EpaPaid", "Balancetransfer", "PaymentCost", "PaidOut",
            "PaidOutReversed", "SettledBulk", "RefundedBulk",
        ].map { ($0.lowercased(), $0) })

    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        // the types of nearly every row, without building a String
        if bytes.equalsIgnoringASCIICase("settled") {
            self = .transaction(.charge)
            return
        }
        if bytes.equalsIgnoringASCIICase("refunded") {
            self = .transaction(.refund)
            return
        }
        if bytes.equalsIgnoringASCIICase("chargeback") {
            self = .transaction(.chargeback)
            return
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let name = text.trimmingSpaces
        guard !name.isEmpty else { return nil }
        let lower = name.lowercased()
        switch lower {
        case "settled": self = .transaction(.charge)
        case "refunded": self = .transaction(.refund)
        case "chargeback", "secondchargeback": self = .transaction(.chargeback)
        case "merchantpayout": self = .payout
        default: self = .other(Self.documented[lower] ?? name)
        }
    }

    /// The category of a non-transaction line of this type.
    var category: String {
        switch self {
        case .transaction(let kind): kind.name
        case .payout: "MerchantPayout"
        case .other(let name): name
        }
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Equality with a lower-case ASCII literal, ignoring the case of the bytes.
    func equalsIgnoringASCIICase(_ lowercase: StaticString) -> Bool {
        guard lowercase.utf8CodeUnitCount == count else { return false }
        let other = lowercase.utf8Start
        for index in 0..<count {
            let byte = self[index]
            let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            if lower != other[index] { return false }
        }
        return true
    }
}

extension String {
    /// Without leading and trailing ASCII spaces and tabs.
    var trimmingSpaces: String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view = view.dropFirst() }
        while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
        return String(view)
    }
}
