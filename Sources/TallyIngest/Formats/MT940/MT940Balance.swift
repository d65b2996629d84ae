import TallyCore

/// A balance field (`:60F:`, `:60M:`, `:62F:`, `:62M:`, `:64:`, `:65:`): mark, date, currency and
/// amount (`C200219EUR931052,29`). Some banks leave the currency out of a closing balance.
struct MT940Balance {
    /// Signed (a `D` balance is negative), in minor units of ``currencyCode``.
    var minor: Int64
    var currencyCode: String
    var dateText: String
    var line: Int
    var intermediate: Bool

    /// Why a balance field cannot be read.
    struct Problem: Error {
        var reason: String
    }

    /// - Parameter fallbackCurrency: the statement's currency, for a balance written without one.
    init(_ field: MT940Field, fallbackCurrency: String?) throws(Problem) {
        let bytes = Array(BankText.trimmed(field.firstLine))
        let name = String(decoding: field.tag, as: UTF8.self)
        guard bytes.count >= 8, bytes[0] == UInt8(ascii: "C") || bytes[0] == UInt8(ascii: "D"),
            bytes[1...6].allSatisfy(BankText.isDigit)
        else {
            throw Problem(reason: ":\(name): '\(BankText.quoted(bytes))' is not a balance (C or D, YYMMDD, currency, amount)")
        }
        var index = 7
        var code = fallbackCurrency ?? ""
        if bytes.count >= 10 && bytes[7...9].allSatisfy(BankText.isLetter) {
            code = String(decoding: bytes[7...9], as: UTF8.self).uppercased()
            index = 10
        }
        guard code.count == 3 else {
            throw Problem(reason: ":\(name): the balance has no currency, and the statement names none before it")
        }
        // a withdrawn currency (DEM in files from 2002) is still added up, at two decimals
        let amount = try MT940Amount.parse(bytes[index...], exponent: MT940Amount.exponent(code), code: code, field: name)
        minor = bytes[0] == UInt8(ascii: "D") ? -amount : amount
        currencyCode = code
        dateText = String(decoding: bytes[1...6], as: UTF8.self)
        line = field.line
        intermediate = field.tag.last == UInt8(ascii: "M")
    }

    /// `C 931052.29 EUR` style text for a control.
    var text: String {
        MoneyFormatter.decimal(minor, exponent: MT940Amount.exponent(currencyCode)) + " " + currencyCode
    }
}

/// MT940 amounts: digits with a decimal comma (`1027,25`, `9,`, `0,3`); a decimal point is
/// accepted when there is no comma (old Rabobank exports). Too many decimals for the currency is
/// an error, never a rounding.
enum MT940Amount {
    /// The exponent of an ISO 4217 code; 2 for a withdrawn one (DEM), which only the controls use.
    static func exponent(_ code: String) -> Int { Currency(code: code)?.exponent ?? 2 }

    static func parse(_ bytes: ArraySlice<UInt8>, currency: Currency, field: String) throws(MT940Balance.Problem) -> Int64 {
        try parse(bytes, exponent: currency.exponent, code: currency.code, field: field)
    }

    static func parse(_ bytes: ArraySlice<UInt8>, exponent: Int, code: String, field: String) throws(MT940Balance.Problem)
        -> Int64
    {
        let separator: UInt8 = bytes.contains(UInt8(ascii: ",")) ? UInt8(ascii: ",") : UInt8(ascii: ".")
        guard let first = bytes.first, BankText.isDigit(first) || first == separator else {
            throw MT940Balance.Problem(reason: ":\(field): amount '\(BankText.quoted(bytes))' is not a number")
        }
        let copy = Array(bytes)
        let result = copy.withUnsafeBufferPointer { buffer in
            Result { () throws(MoneyError) in
                try MoneyParser.parseMinor(buffer, exponent: exponent, decimalSeparator: separator)
            }
        }
        switch result {
        case .success(let value): return value
        case .failure(let error):
            throw MT940Balance.Problem(reason: ":\(field): amount '\(BankText.quoted(bytes))': \(error) (\(code))")
        }
    }
}
