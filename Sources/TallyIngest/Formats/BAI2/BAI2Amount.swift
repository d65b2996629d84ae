/// BAI2 amounts: digits in minor units (the decimals are implied by the currency's exponent),
/// optionally signed in 03 summaries (`-500000`, `+000000000000`), unsigned in 16 details.
enum BAI2Amount {
    enum Parsed: Equatable {
        case absent
        case value(Int64)
        case unreadable
    }

    /// An amount field: empty is absent; `+`/`-` and digits a value; anything else unreadable.
    static func parse(_ field: ArraySlice<UInt8>, signed: Bool) -> Parsed {
        guard !field.isEmpty else { return .absent }
        var digits = field
        var negative = false
        if digits.first == UInt8(ascii: "+") || (signed && digits.first == UInt8(ascii: "-")) {
            negative = digits.first == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard let value = BankText.integer(digits) else { return .unreadable }
        return .value(negative ? -value : value)
    }
}
