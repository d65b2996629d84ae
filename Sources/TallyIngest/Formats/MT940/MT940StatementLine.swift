import TallyCore

/// A `:61:` statement line: value date `YYMMDD`, optional entry date `MMDD` (which may fall in the
/// year before or after the value date, across a year end), mark `C`, `D`, `RC` or `RD`, optional
/// funds code, amount with a decimal comma, transaction type (`NTRF`, `N068`, `FMSC`; some banks
/// leave it out), customer reference, `//` bank reference, and supplementary details (the rest of
/// the line and the next line).
struct MT940StatementLine {
    enum Mark: Equatable { case credit, debit, reversedCredit, reversedDebit }

    var valueDate: CivilDate
    var entryDate: CivilDate?
    var mark: Mark
    var minor: Int64
    var customerReference: ArraySlice<UInt8>
    var bankReference: ArraySlice<UInt8>
    var supplementary: [UInt8]

    /// The effect on the balance: C and RD add, D and RC subtract.
    var signed: Int64 { mark == .credit || mark == .reversedDebit ? minor : -minor }

    /// Why a `:61:` cannot be read.
    struct Problem: Error {
        var reason: String
    }

    init(_ field: MT940Field, currencyCode: String) throws(Problem) {
        let line = field.firstLine
        let bytes = Array(line)
        var index = 0
        func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard index + count <= bytes.count else { return nil }
            defer { index += count }
            return bytes[index..<(index + count)]
        }
        guard let value = take(6), value.allSatisfy(BankText.isDigit) else {
            throw Problem(reason: ":61: '\(BankText.quoted(bytes))' does not start with a value date (YYMMDD)")
        }
        guard let valueDate = BankText.date(yymmdd: value) else {
            throw Problem(reason: ":61: value date \(BankText.quoted(value)) is not a date")
        }
        self.valueDate = valueDate
        if index + 4 <= bytes.count && bytes[index..<(index + 4)].allSatisfy(BankText.isDigit) {
            let entry = take(4)!
            let monthDay = Int(BankText.integer(entry)!)
            // across a year end: an entry in December for a January value date is of the year before
            var year = valueDate.year
            if monthDay / 100 == 12 && valueDate.month == 1 { year -= 1 }
            if monthDay / 100 == 1 && valueDate.month == 12 { year += 1 }
            guard let date = BankText.date(year: year, monthDay: monthDay) else {
                throw Problem(
                    reason: ":61: entry date \(BankText.quoted(entry)) is not a date in \(year) (value date \(valueDate))")
            }
            entryDate = date
        } else {
            entryDate = nil
        }
        switch (index < bytes.count ? bytes[index] : 0, index + 1 < bytes.count ? bytes[index + 1] : 0) {
        case (UInt8(ascii: "R"), UInt8(ascii: "C")):
            mark = .reversedCredit
            index += 2
        case (UInt8(ascii: "R"), UInt8(ascii: "D")):
            mark = .reversedDebit
            index += 2
        case (UInt8(ascii: "C"), _):
            mark = .credit
            index += 1
        case (UInt8(ascii: "D"), _):
            mark = .debit
            index += 1
        default:
            throw Problem(reason: ":61: no debit/credit mark (C, D, RC or RD) after the dates")
        }
        if index < bytes.count && BankText.isLetter(bytes[index]) { index += 1 }  // funds code
        let amountStart = index
        while index < bytes.count && index - amountStart < 15
            && (BankText.isDigit(bytes[index]) || bytes[index] == UInt8(ascii: ",") || bytes[index] == UInt8(ascii: "."))
        {
            index += 1
        }
        guard index > amountStart else { throw Problem(reason: ":61: no amount after the debit/credit mark") }
        do {
            minor = try MT940Amount.parse(
                bytes[amountStart..<index], exponent: MT940Amount.exponent(currencyCode), code: currencyCode, field: "61")
        } catch {
            throw Problem(reason: error.reason)
        }
        // transaction type: N, F or S and three characters; absent in some files (`…,00//1923…`)
        if index + 4 <= bytes.count && BankText.isLetter(bytes[index]) { index += 4 }
        let referenceStart = index
        while index < bytes.count && index - referenceStart < 16
            && !(bytes[index] == UInt8(ascii: "/") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/"))
        {
            index += 1
        }
        customerReference = bytes[referenceStart..<index]
        if index + 1 < bytes.count && bytes[index] == UInt8(ascii: "/") && bytes[index + 1] == UInt8(ascii: "/") {
            index += 2
            let bankStart = index
            while index < bytes.count && index - bankStart < 16 && bytes[index] != 0x20 { index += 1 }
            bankReference = bytes[bankStart..<index]
        } else {
            bankReference = []
        }
        var rest = Array(BankText.trimmed(bytes[index...]))
        if line.endIndex < field.content.endIndex {
            let next = field.content[(line.endIndex + 1)...]
            if !rest.isEmpty { rest.append(0x0A) }
            rest.append(contentsOf: next)
        }
        supplementary = rest
    }
}
