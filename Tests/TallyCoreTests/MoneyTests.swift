import Testing

@testable import TallyCore

@Suite struct MoneyTests {
    private func parse(_ text: String, _ code: String) throws -> Int64 {
        try Money(parsing: text, currency: Currency(code: code)!).minor
    }

    @Test(arguments: [
        ("12.3", "EUR", Int64(1230)), (".91", "EUR", 91), ("-0.5", "EUR", -50), ("1200", "EUR", 120_000),
        ("12.30", "USD", 1230), ("+7.01", "GBP", 701), ("0", "EUR", 0), ("-0", "EUR", 0), ("5000", "JPY", 5000),
        ("5000.", "JPY", 5000), ("5000.000", "JPY", 5000), ("12.345", "KWD", 12_345), ("0.001", "BHD", 1),
        ("-1.5", "OMR", -1500), ("1.500", "EUR", 150), ("1.0001", "CLF", 10001), ("25000000.00", "USD", 2_500_000_000),
        ("92233720368547758.07", "EUR", Int64.max), ("-92233720368547758.08", "EUR", Int64.min),
    ])
    func parsesExactly(_ text: String, _ code: String, _ expected: Int64) throws {
        #expect(try parse(text, code) == expected)
    }

    @Test(arguments: [
        ("12.345", "EUR", MoneyError.tooManyFractionDigits(allowed: 2)),
        ("1.5", "JPY", .tooManyFractionDigits(allowed: 0)),
        ("1.0005", "KWD", .tooManyFractionDigits(allowed: 3)),
        ("92233720368547758.08", "EUR", .overflow),
        ("-92233720368547758.09", "EUR", .overflow),
        ("99999999999999999999", "JPY", .overflow),
        ("", "EUR", .empty),
        ("-", "EUR", .notADecimal), (".", "EUR", .notADecimal), ("abc", "EUR", .notADecimal),
        ("1,50", "EUR", .notADecimal), (" 1.50", "EUR", .notADecimal), ("1.50 ", "EUR", .notADecimal),
        ("1e3", "EUR", .notADecimal), ("1.2.3", "EUR", .notADecimal), ("--1", "EUR", .notADecimal),
        ("0x10", "EUR", .notADecimal),
    ])
    func rejects(_ text: String, _ code: String, _ expected: MoneyError) {
        #expect(throws: expected) { try parse(text, code) }
    }

    @Test func decimalCommaWhenAsked() throws {
        var text = "1234,56"
        let minor = try text.withUTF8 { bytes in
            try MoneyParser.parseMinor(bytes, exponent: 2, decimalSeparator: UInt8(ascii: ","))
        }
        #expect(minor == 123_456)
    }

    @Test(arguments: [
        (Int64(1230), 2, "12.30"), (-50, 2, "-0.50"), (5000, 0, "5000"), (12_345, 3, "12.345"), (1, 3, "0.001"),
        (0, 2, "0.00"), (Int64.min, 2, "-92233720368547758.08"), (Int64.max, 0, "9223372036854775807"),
    ])
    func formats(_ minor: Int64, _ exponent: Int, _ expected: String) {
        #expect(MoneyFormatter.decimal(minor, exponent: exponent) == expected)
    }

    @Test func exponentsFollowISO4217() {
        let expected: [String: Int] = [
            "EUR": 2, "USD": 2, "JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3,
            "TND": 3, "IQD": 3, "LYD": 3, "CLF": 4, "CHF": 2, "SEK": 2, "VND": 0,
        ]
        for (code, exponent) in expected {
            #expect(Currency(code: code)?.exponent == exponent, "\(code)")
        }
        #expect(Currency(code: "usd") == .usd)
        #expect(Currency(code: "XXX") == nil)
        #expect(Currency(code: "EURO") == nil)
        #expect(Currency(code: "") == nil)
        #expect(Currency.kwd.code == "KWD")
    }

    @Test func roundTripsThroughText() throws {
        for minor: Int64 in [0, 1, -1, 99, 100, 123_456_789, -987_654_321_012] {
            for code in ["JPY", "EUR", "KWD"] {
                let currency = Currency(code: code)!
                let text = MoneyFormatter.decimal(minor, exponent: currency.exponent)
                #expect(try Money(parsing: text, currency: currency).minor == minor)
            }
        }
    }
}
