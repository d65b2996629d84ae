import TallyCore

/// The controls of an MT940/MT942 file: per statement page opening + Σ `:61:` = closing, MT942's
/// `:90D:`/`:90C:` against the entries, and per account that the pages of a statement follow each
/// other (`:62M:` → `:60M:` of the next `:28C:` sequence number, at the same balance).
struct MT940Controls {
    var format: String
    var file: Int

    private func text(_ minor: Int64, _ code: String) -> String {
        MoneyFormatter.decimal(minor, exponent: MT940Amount.exponent(code)) + " " + code
    }

    func check(_ statement: MT940Statement, into sink: inout some SettlementSink) {
        if let control = balance(statement) { sink.addControl(control) }
        if let control = turnover(statement) { sink.addControl(control) }
    }

    private func balance(_ statement: MT940Statement) -> ControlResult? {
        guard let opening = statement.opening, let closing = statement.closing else { return nil }
        let openTag = opening.intermediate ? ":60M:" : ":60F:"
        let closeTag = closing.intermediate ? ":62M:" : ":62F:"
        let name = "\(format) \(statement.displayName): \(openTag) + entries = \(closeTag)"
        let expected = "\(closeTag) \(closing.text)"
        if opening.currencyCode != closing.currencyCode {
            return ControlResult(
                name: name, ok: false, expected: expected,
                actual: "\(openTag) is in \(opening.currencyCode), \(closeTag) in \(closing.currencyCode)", file: file)
        }
        if !statement.unreadable.isEmpty {
            return ControlResult(
                name: name, ok: false, expected: expected,
                actual: "cannot be added up: \(statement.unreadable.prefix(3).joined(separator: "; "))", file: file)
        }
        let computed = opening.minor &+ statement.net
        let code = closing.currencyCode
        return ControlResult(
            name: name, ok: computed == closing.minor, expected: expected,
            actual:
                "\(text(computed, code)) (\(openTag) \(opening.text) + \(statement.entries) entr\(statement.entries == 1 ? "y" : "ies") \(text(statement.net, code)))",
            file: file)
    }

    /// MT942: the declared number and sum of debit and credit entries.
    private func turnover(_ statement: MT940Statement) -> ControlResult? {
        guard statement.declaredDebits != nil || statement.declaredCredits != nil else { return nil }
        var expected: [String] = []
        var actual: [String] = []
        var ok = statement.unreadable.isEmpty
        func compare(_ label: String, _ declared: MT940Turnover?, _ computed: (count: Int, sum: Int64)) {
            guard let declared else { return }
            expected.append("\(label) \(declared.count), \(text(declared.minor, declared.currencyCode))")
            actual.append("\(label) \(computed.count), \(text(computed.sum, declared.currencyCode))")
            if declared.count != computed.count || declared.minor != computed.sum
                || (statement.currencyCode.map { $0 != declared.currencyCode } ?? false)
            {
                ok = false
            }
        }
        compare(":90D: debits", statement.declaredDebits, statement.debits)
        compare(":90C: credits", statement.declaredCredits, statement.credits)
        return ControlResult(
            name: "\(format) \(statement.displayName): :90D:/:90C: = the entries", ok: ok,
            expected: expected.joined(separator: "; "),
            actual: actual.joined(separator: "; ") + (statement.unreadable.isEmpty ? "" : " (unreadable entries)"), file: file)
    }
}

/// The pages of each account in file order, for the `:28C:` sequence control.
struct MT940Pages {
    private struct Page {
        var statementNumber: Int64?
        var sequenceNumber: Int64?
        var numberText: String
        var closing: MT940Balance?
        var line: Int
    }

    private struct Account {
        var pages = 0
        var last: Page?
        var chained = false
        var problems: [String] = []
    }

    private var accounts: [String: Account] = [:]
    private var order: [String] = []

    mutating func add(_ statement: MT940Statement) {
        guard statement.opening != nil || statement.closing != nil else { return }
        if accounts[statement.account] == nil { order.append(statement.account) }
        var account = accounts[statement.account, default: Account()]
        account.pages += 1
        let page = Page(
            statementNumber: statement.statementNumber, sequenceNumber: statement.sequenceNumber,
            numberText: statement.numberText, closing: statement.closing, line: statement.line)
        let opensIntermediate = statement.opening?.intermediate ?? false
        if let previous = account.last, previous.closing?.intermediate == true {
            account.chained = true
            if !opensIntermediate {
                account.problems.append(
                    "line \(statement.line): page \(previous.numberText) closed with :62M:, the next page opens with :60F:")
            } else {
                if let opening = statement.opening, let closing = previous.closing,
                    opening.minor != closing.minor
                        || opening.currencyCode != closing.currencyCode
                {
                    account.problems.append(
                        "line \(statement.line): :60M: \(opening.text) is not the :62M: \(closing.text) of page \(previous.numberText)"
                    )
                }
                if let before = previous.sequenceNumber, let now = statement.sequenceNumber,
                    now != before + 1 || previous.statementNumber != statement.statementNumber
                {
                    account.problems.append(
                        "line \(statement.line): page \(statement.numberText) follows page \(previous.numberText) (sequence gap)")
                }
            }
        } else if opensIntermediate {
            account.chained = true
            account.problems.append(
                "line \(statement.line): page \(statement.numberText) opens with :60M:, but no page before it closed with :62M: (a page is missing)"
            )
        }
        account.last = page
        accounts[statement.account] = account
    }

    func controls(format: String, file: Int) -> [ControlResult] {
        order.compactMap { name in
            guard var account = accounts[name] else { return nil }
            if let last = account.last, last.closing?.intermediate == true {
                account.chained = true
                account.problems.append("page \(last.numberText) closed with :62M:, but no page follows it (a page is missing)")
            }
            guard account.chained else { return nil }
            return ControlResult(
                name: "\(format) account \(name.isEmpty ? "(no :25:)" : name): :28C: pages in sequence, :62M: = next :60M:",
                ok: account.problems.isEmpty, expected: "every :62M: page followed by the next page's :60M:",
                actual: account.problems.isEmpty
                    ? "\(account.pages) pages in sequence"
                    : account.problems.prefix(5).joined(separator: "; ") + (account.problems.count > 5 ? "; …" : ""),
                file: file)
        }
    }
}
