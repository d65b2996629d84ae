/// Why a decimal amount could not be turned into minor units.
public enum MoneyError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case notADecimal
    case tooManyFractionDigits(allowed: Int)
    case overflow

    public var description: String {
        switch self {
        case .empty: "the amount is empty"
        case .notADecimal: "the amount is not a decimal number"
        case .tooManyFractionDigits(let allowed):
            "the amount has more than \(allowed) significant decimal place\(allowed == 1 ? "" : "s") for its currency"
        case .overflow: "the amount does not fit in 64-bit minor units"
        }
    }
}

/// Exact, digit-by-digit decimal parsing into Int64 minor units.
///
/// Written by hand because `Double` rounds and `Decimal` is slow and allocates on the hot path;
/// this runs once per settlement row on raw field bytes.
public enum MoneyParser {
    /// Parses `[+-]digits[.digits]` (either part may be empty but not both) into minor units.
    ///
    /// Fraction digits beyond `exponent` are accepted only when they are zeros (`"1.500"` in EUR),
    /// never rounded. Leading and trailing ASCII spaces are not accepted: a field with spaces is
    /// a reject, not a guess.
    ///
    /// - Parameters:
    ///   - bytes: UTF-8 text of the amount.
    ///   - exponent: the currency's exponent (0...4).
    ///   - decimalSeparator: `.` by default; `,` for EU exports.
    @inlinable
    public static func parseMinor(
        _ bytes: UnsafeBufferPointer<UInt8>, exponent: Int, decimalSeparator: UInt8 = UInt8(ascii: ".")
    ) throws(MoneyError) -> Int64 {
        var index = 0
        let count = bytes.count
        guard count > 0 else { throw .empty }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
        } else if bytes[0] == UInt8(ascii: "+") {
            index = 1
        }
        // Accumulate as a negative number so that Int64.min is representable.
        var value: Int64 = 0
        var integerDigits = 0
        while index < count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.subtractingReportingOverflow(Int64(digit))
            if o1 || o2 { throw .overflow }
            value = next
            integerDigits += 1
            index += 1
        }
        var fractionDigits = 0
        var sawFractionDigit = false
        if index < count {
            guard bytes[index] == decimalSeparator else { throw .notADecimal }
            index += 1
            while index < count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { throw .notADecimal }
                sawFractionDigit = true
                if fractionDigits < exponent {
                    let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                    let (next, o2) = times10.subtractingReportingOverflow(Int64(digit))
                    if o1 || o2 { throw .overflow }
                    value = next
                    fractionDigits += 1
                } else if digit != 0 {
                    throw .tooManyFractionDigits(allowed: exponent)
                }
                index += 1
            }
        }
        // "-", ".", "-." carry no digit at all
        if integerDigits == 0 && !sawFractionDigit { throw .notADecimal }
        while fractionDigits < exponent {
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { throw .overflow }
            value = times10
            fractionDigits += 1
        }
        if negative { return value }
        guard value != .min else { throw .overflow }
        return -value
    }

    /// Parses a plain signed integer (the ledger's `amount_minor`, PayPal's unsigned cents).
    @inlinable
    public static func parseInteger(_ bytes: UnsafeBufferPointer<UInt8>) throws(MoneyError) -> Int64 {
        try parseMinor(bytes, exponent: 0, decimalSeparator: 0)
    }
}
