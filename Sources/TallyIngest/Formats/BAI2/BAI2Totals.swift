import TallyCore

/// What the reader adds up of one 03 account while its records go by, for its 49 trailer.
struct BAI2Account {
    var number: String
    var line: Int
    var currencyCode: String
    var currency: Currency?
    /// Σ of the 03/88 status and summary amounts and the 16 amounts as written (availability excluded).
    var total: Int64 = 0
    /// Physical records from the 03 on, 88s included.
    var records = 0
    var opening: Int64?
    var closing: Int64?
    var credits: Int64 = 0
    var debits: Int64 = 0
    /// Lines whose amount cannot be read: the controls cannot hold.
    var unreadable: [Int] = []

    var exponent: Int { currency?.exponent ?? 2 }
}

/// What the reader adds up of one 02 group, for its 98 trailer.
struct BAI2Group {
    var line: Int
    var currencyCode: String
    var total: Int64 = 0
    var accounts = 0
    /// Physical records from the 02 on.
    var records = 0
    var unreadable = 0
    /// The group's as-of date (02, YYMMDD): the date of its entries for the rule passes.
    var asOf: CivilDate?

    var exponent: Int { Currency(code: currencyCode.isEmpty ? "USD" : currencyCode)?.exponent ?? 2 }
}

/// The controls of a BAI2 file: each trailer's control total and counts against what was read,
/// and the ledger check of each account that states both 010 and 015.
struct BAI2Controls {
    var file: Int

    /// A trailer's declared values against the computed ones, as one control.
    struct Comparison {
        var expected: [String] = []
        var actual: [String] = []
        var ok = true

        mutating func compare(_ label: String, declared: String?, computed: String) {
            guard let declared else { return }
            expected.append("\(label) \(declared)")
            actual.append("\(label) \(computed)")
            if declared != computed { ok = false }
        }

        func control(_ name: String, file: Int, unreadable: Int = 0) -> ControlResult {
            var actualText = actual.joined(separator: "; ")
            if unreadable > 0 { actualText += " (\(unreadable) amount\(unreadable == 1 ? "" : "s") cannot be read)" }
            return ControlResult(
                name: name, ok: ok && unreadable == 0, expected: expected.joined(separator: "; "), actual: actualText,
                file: file)
        }
    }

    /// A declared amount: blank is 0; unreadable text stays as written, so it cannot compare equal.
    static func declaredAmount(_ field: ArraySlice<UInt8>?, exponent: Int) -> String {
        guard let field else { return MoneyFormatter.decimal(0, exponent: exponent) }
        switch BAI2Amount.parse(field, signed: true) {
        case .absent: return MoneyFormatter.decimal(0, exponent: exponent)
        case .value(let value): return MoneyFormatter.decimal(value, exponent: exponent)
        case .unreadable: return "'\(BankText.quoted(field))'"
        }
    }

    static func declaredCount(_ field: ArraySlice<UInt8>?) -> String? {
        guard let field, !field.isEmpty else { return nil }
        return BankText.integer(field).map(String.init) ?? "'\(BankText.quoted(field))'"
    }

    func accountTrailer(_ account: BAI2Account, _ record: BAI2Record) -> ControlResult {
        var fields = BAI2Record.Fields(record)
        var comparison = Comparison()
        comparison.compare(
            "control total", declared: Self.declaredAmount(fields.next()?.field, exponent: account.exponent),
            computed: MoneyFormatter.decimal(account.total, exponent: account.exponent))
        comparison.compare("records", declared: Self.declaredCount(fields.next()?.field), computed: String(account.records))
        return comparison.control(
            "bai2 account \(account.number) (line \(account.line)): 49 account trailer", file: file,
            unreadable: account.unreadable.count)
    }

    /// 010 + credits − debits = 015, when the 03 states both.
    func ledger(_ account: BAI2Account) -> ControlResult? {
        guard let opening = account.opening, let closing = account.closing else { return nil }
        let computed = opening &+ account.credits &- account.debits
        func text(_ value: Int64) -> String { MoneyFormatter.decimal(value, exponent: account.exponent) }
        return ControlResult(
            name: "bai2 account \(account.number) (line \(account.line)): 010 + credits − debits = 015",
            ok: computed == closing && account.unreadable.isEmpty, expected: "015 \(text(closing)) \(account.currencyCode)",
            actual:
                "\(text(computed)) \(account.currencyCode) (010 \(text(opening)) + credits \(text(account.credits)) − debits \(text(account.debits)))",
            file: file)
    }

    /// 98: control total, number of accounts, number of records (a bank that leaves the accounts
    /// out writes only total and records).
    func groupTrailer(_ group: BAI2Group, _ record: BAI2Record) -> ControlResult {
        var values: [ArraySlice<UInt8>] = []
        var fields = BAI2Record.Fields(record)
        while let next = fields.next() {
            if next.last && next.field.isEmpty && values.count >= 2 { break }
            values.append(next.field)
        }
        var comparison = Comparison()
        comparison.compare(
            "control total", declared: Self.declaredAmount(values.first, exponent: group.exponent),
            computed: MoneyFormatter.decimal(group.total, exponent: group.exponent))
        if values.count == 2 {
            comparison.compare("records", declared: Self.declaredCount(values[1]), computed: String(group.records))
        } else {
            comparison.compare(
                "accounts", declared: Self.declaredCount(values.count > 1 ? values[1] : nil), computed: String(group.accounts))
            comparison.compare(
                "records", declared: Self.declaredCount(values.count > 2 ? values[2] : nil), computed: String(group.records))
        }
        return comparison.control("bai2 group (line \(group.line)): 98 group trailer", file: file, unreadable: group.unreadable)
    }

    /// 99: control total, number of groups, number of records.
    func fileTrailer(total: Int64, groups: Int, records: Int, exponent: Int, unreadable: Int, _ record: BAI2Record)
        -> ControlResult
    {
        var fields = BAI2Record.Fields(record)
        var comparison = Comparison()
        comparison.compare(
            "control total", declared: Self.declaredAmount(fields.next()?.field, exponent: exponent),
            computed: MoneyFormatter.decimal(total, exponent: exponent))
        comparison.compare("groups", declared: Self.declaredCount(fields.next()?.field), computed: String(groups))
        comparison.compare("records", declared: Self.declaredCount(fields.next()?.field), computed: String(records))
        return comparison.control("bai2 file: 99 file trailer", file: file, unreadable: unreadable)
    }
}
