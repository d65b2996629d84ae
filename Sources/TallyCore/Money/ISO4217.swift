/// The active ISO 4217 currency codes with the exponent of their minor unit.
///
/// Source: the ISO 4217 "List one" (current currency and funds), as published by SIX.
/// Codes with no minor unit ("N.A.", such as XAU or XDR) are absent on purpose: settlement
/// amounts in them cannot be expressed in minor units.
///
/// Held as a flat table indexed by the three letters (26³ bytes, exponent + 1, 0 = not a code), so a
/// lookup on the hot path is one array load instead of a hashed dictionary probe.
enum ISO4217 {
    /// The exponent of the code packed as in ``Currency/packed`` (upper-case ASCII), or nil.
    @inline(__always)
    static func exponent(packed: UInt32) -> UInt8? {
        let a = Int(packed >> 16 & 0xFF) &- 65
        let b = Int(packed >> 8 & 0xFF) &- 65
        let c = Int(packed & 0xFF) &- 65
        guard packed >> 24 == 0, a >= 0, a < 26, b >= 0, b < 26, c >= 0, c < 26 else { return nil }
        let value = table[(a * 26 + b) * 26 + c]
        return value == 0 ? nil : value - 1
    }

    static let table: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 26 * 26 * 26)
        func add(_ codes: String, _ exponent: UInt8) {
            for code in codes.split(separator: " ") {
                let b = Array(code.utf8).map { Int($0) - 65 }
                table[(b[0] * 26 + b[1]) * 26 + b[2]] = exponent + 1
            }
        }
        add(
            "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD "
                + "CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL "
                + "GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR "
                + "LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD "
                + "PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN "
                + "SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR "
                + "ZMW ZWG ZWL",
            2
        )
        add("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF", 0)
        add("BHD IQD JOD KWD LYD OMR TND", 3)
        add("CLF UYW", 4)
        return table
    }()
}
