import TallyCore

/// PayPal's money fields: unsigned integers in hundredths of the currency's *major* unit, whatever
/// its ISO 4217 exponent ("100,00 yen and $100.00 USD are both represented as 10000"), with the
/// direction in a separate `CR`/`DR` field.
enum PayPalAmount {
    /// Why a money field cannot be read.
    struct Problem: Error {
        var reason: String
    }

    /// Parses an unsigned integer of hundredths.
    static func hundredths(_ bytes: UnsafeBufferPointer<UInt8>, _ name: String) throws(Problem) -> Int64 {
        guard !bytes.isEmpty else { throw Problem(reason: "\(name) is empty") }
        var value: Int64 = 0
        for byte in bytes {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else {
                throw Problem(
                    reason:
                        "\(name) '\(String(decoding: bytes.prefix(32), as: UTF8.self))' is not an unsigned integer of hundredths")
            }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int64(digit))
            if o1 || o2 { throw Problem(reason: "\(name) does not fit in 64 bits") }
            value = next
        }
        return value
    }

    /// Hundredths of the major unit as minor units of `currency`, exactly.
    ///
    /// - Throws: when the currency has fewer than two decimals and the amount has a fraction it
    ///   cannot hold (JPY `15050` is ¥150.50, which JPY amounts cannot express), or on overflow.
    static func minor(_ hundredths: Int64, _ currency: Currency) throws(Problem) -> Int64 {
        switch currency.exponent {
        case 2:
            return hundredths
        case let exponent where exponent > 2:
            var value = hundredths
            for _ in 2..<exponent {
                let (next, overflow) = value.multipliedReportingOverflow(by: 10)
                if overflow { throw Problem(reason: "the amount does not fit in 64-bit minor units") }
                value = next
            }
            return value
        default:
            var divisor: Int64 = 1
            for _ in currency.exponent..<2 { divisor *= 10 }
            guard hundredths % divisor == 0 else {
                throw Problem(
                    reason:
                        "\(decimal(hundredths)) \(currency.code) has a fraction that \(currency.code) (exponent \(currency.exponent)) cannot hold"
                )
            }
            return hundredths / divisor
        }
    }

    /// `CR` → +1, `DR` → −1 (case and surrounding spaces ignored).
    static func direction(_ bytes: UnsafeBufferPointer<UInt8>, _ name: String) throws(Problem) -> Int64 {
        var letters: [UInt8] = []
        for byte in bytes where byte != UInt8(ascii: " ") {
            letters.append(byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte)
        }
        if letters == [UInt8(ascii: "C"), UInt8(ascii: "R")] { return 1 }
        if letters == [UInt8(ascii: "D"), UInt8(ascii: "R")] { return -1 }
        throw Problem(reason: "\(name) '\(String(decoding: bytes.prefix(16), as: UTF8.self))' is neither CR nor DR")
    }

    /// Hundredths as PayPal means them, `1801` → `"18.01"`, whatever the currency.
    static func decimal(_ hundredths: Int64) -> String { MoneyFormatter.decimal(hundredths, exponent: 2) }
}
