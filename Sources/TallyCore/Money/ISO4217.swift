/// The active ISO 4217 currency codes with the exponent of their minor unit.
///
/// Source: the ISO 4217 "List one" (current currency and funds), as published by SIX.
/// Codes with no minor unit ("N.A.", such as XAU or XDR) are absent on purpose: settlement
/// amounts in them cannot be expressed in minor units.
enum ISO4217 {
    static let exponents: [UInt32: UInt8] = {
        var table: [UInt32: UInt8] = [:]
        func add(_ codes: String, _ exponent: UInt8) {
            for code in codes.split(separator: " ") {
                let b = Array(code.utf8)
                table[UInt32(b[0]) << 16 | UInt32(b[1]) << 8 | UInt32(b[2])] = exponent
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
