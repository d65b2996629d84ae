import TallyCore

/// One statement page of an MT940 file (or one MT942 report) while it is read: from its `:20:` (or
/// a `:25:` after a closing balance) to the next.
struct MT940Statement {
    var line: Int
    var reference = ""
    var account = ""
    /// `:28C:` as written (`00012/001`), and its two numbers when they are numbers.
    var numberText = ""
    var statementNumber: Int64?
    var sequenceNumber: Int64?
    var opening: MT940Balance?
    var closing: MT940Balance?
    /// The currency of the entries: the opening balance's, else MT942's `:34F:`, else a currency
    /// code at the end of the account (`1291.99.348EUR`).
    var currencyCode: String?
    /// Σ of the entries' signed amounts (C and RD add, D and RC subtract).
    var net: Int64 = 0
    var entries = 0
    var debits = (count: 0, sum: Int64(0))
    var credits = (count: 0, sum: Int64(0))
    /// MT942 `:90D:`/`:90C:` as written: count, currency and amount.
    var declaredDebits: MT940Turnover?
    var declaredCredits: MT940Turnover?
    /// Entries and balances whose amount cannot be read: the controls cannot hold.
    var unreadable: [String] = []

    init(line: Int) { self.line = line }

    var hasContent: Bool {
        !reference.isEmpty || !account.isEmpty || opening != nil || closing != nil || entries > 0 || declaredDebits != nil
            || declaredCredits != nil || !unreadable.isEmpty
    }

    /// `statement 00012/001 of account DK… (line 4)`.
    var displayName: String {
        let number = numberText.isEmpty ? "" : " \(numberText)"
        let of = account.isEmpty ? "" : " of \(account)"
        return "statement\(number)\(of) (line \(line))"
    }

    mutating func setNumber(_ text: ArraySlice<UInt8>) {
        let trimmed = BankText.trimmed(text)
        numberText = String(decoding: trimmed, as: UTF8.self)
        let parts = trimmed.split(separator: UInt8(ascii: "/"), maxSplits: 1, omittingEmptySubsequences: false)
        statementNumber = parts.first.flatMap { BankText.integer(BankText.trimmed($0)) }
        sequenceNumber = parts.count > 1 ? BankText.integer(BankText.trimmed(parts[1])) : nil
    }

    mutating func add(_ line: MT940StatementLine) {
        entries += 1
        net &+= line.signed
        if line.signed < 0 {
            debits.count += 1
            debits.sum &+= line.minor
        } else {
            credits.count += 1
            credits.sum &+= line.minor
        }
    }
}

/// MT942's `:90D:`/`:90C:`: number of entries, currency, amount (`3PLN0,03`).
struct MT940Turnover {
    var count: Int64
    var minor: Int64
    var currencyCode: String

    init(_ field: MT940Field) throws(MT940Balance.Problem) {
        let bytes = Array(BankText.trimmed(field.firstLine))
        let name = String(decoding: field.tag, as: UTF8.self)
        let digits = bytes.prefix(while: BankText.isDigit)
        let rest = bytes[digits.endIndex...]
        guard let count = BankText.integer(digits), rest.count > 3, rest.prefix(3).allSatisfy(BankText.isLetter),
            let currency = Currency(code: String(decoding: rest.prefix(3), as: UTF8.self))
        else {
            throw MT940Balance.Problem(reason: ":\(name): '\(BankText.quoted(bytes))' is not a count, currency and amount")
        }
        self.count = count
        currencyCode = currency.code
        minor = try MT940Amount.parse(rest.dropFirst(3), currency: currency, field: name)
    }
}
