/// An exact amount of money: signed minor units of one currency.
///
/// Never built from a `Double`: amounts come from ``MoneyParser`` (decimal text, digit by
/// digit) or from integer minor units (the ledger's `amount_minor`).
public struct Money: Hashable, Sendable, CustomStringConvertible {
    /// Signed amount in minor units of ``currency`` (cents for EUR, yen for JPY, fils for KWD).
    public var minor: Int64
    public var currency: Currency

    public init(minor: Int64, currency: Currency) {
        self.minor = minor
        self.currency = currency
    }

    /// Parses a decimal string in major units (`"12.30"`, `".91"`, `"-0.5"`, `"1200"`).
    ///
    /// - Throws: ``MoneyError`` when the text is not a decimal, has more significant fraction
    ///   digits than the currency's exponent, or does not fit in Int64 minor units.
    public init(parsing text: String, currency: Currency) throws(MoneyError) {
        var copy = text
        let result = copy.withUTF8 { bytes in
            Result { () throws(MoneyError) in try MoneyParser.parseMinor(bytes, exponent: currency.exponent) }
        }
        self.init(minor: try result.get(), currency: currency)
    }

    /// The amount as a decimal string in major units, for example `"-12.30"` or `"1500"` (JPY).
    public var decimalString: String { MoneyFormatter.decimal(minor, exponent: currency.exponent) }

    public var description: String { "\(decimalString) \(currency.code)" }
}

/// Formats minor units back to decimal text without any floating point.
public enum MoneyFormatter {
    /// `decimal(-1230, exponent: 2)` is `"-12.30"`; `decimal(1500, exponent: 0)` is `"1500"`.
    public static func decimal(_ minor: Int64, exponent: Int) -> String {
        let negative = minor < 0
        // magnitude as UInt64 so that Int64.min formats too
        let magnitude = minor.magnitude
        var digits = String(magnitude)
        if exponent > 0 {
            if digits.count <= exponent {
                digits = String(repeating: "0", count: exponent - digits.count + 1) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -exponent))
        }
        return negative ? "-" + digits : digits
    }
}
