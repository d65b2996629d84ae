import TallyCore

/// The control checks of one camt statement or notification (../shared/FORMATS.md §5.4), turned into
/// ``ControlResult``s when it ends.
struct CamtControls {
    var format: String
    var file: Int

    func check(_ statement: CamtStatement, into sink: inout some SettlementSink) {
        let prefix = "\(format) \(statement.displayName)"
        if let control = balance(statement, prefix: prefix) { sink.addControl(control) }
        if let control = summary(statement, prefix: prefix) { sink.addControl(control) }
        if statement.batchChecked > 0 {
            let lines = statement.batchOff.map(String.init).joined(separator: ", ")
            let more = statement.batchOffCount > statement.batchOff.count ? ", …" : ""
            sink.addControl(
                ControlResult(
                    name: "\(prefix): batches and transaction details add up to their entry",
                    ok: statement.batchOffCount == 0,
                    expected: "\(statement.batchChecked) entr\(statement.batchChecked == 1 ? "y" : "ies") agree",
                    actual: statement.batchOffCount == 0
                        ? "\(statement.batchChecked) agree"
                        : "\(statement.batchOffCount) off (line\(statement.batchOffCount == 1 ? "" : "s") \(lines)\(more))",
                    file: file))
        }
    }

    /// Opening + booked entries = closing: `OPBD` (else `PRCD`) to `CLBD`, else `OPAV` to `CLAV`
    /// (BAI `Prtry` codes count as the ISO ones, ``CamtParser/balanceType(proprietary:)``);
    /// when that fails, entries valued after the closing date are left out, as some banks do.
    /// A statement with balances but no such pair gets a passing control that says it was not
    /// checked: the file is not wrong, Tally just cannot tell.
    private func balance(_ statement: CamtStatement, prefix: String) -> ControlResult? {
        func find(_ types: String...) -> CamtStatement.Balance? {
            for type in types { if let found = statement.balances.first(where: { $0.type == type }) { return found } }
            return nil
        }
        let pair: (CamtStatement.Balance, CamtStatement.Balance)
        if let opening = find("OPBD", "PRCD"), let closing = find("CLBD") {
            pair = (opening, closing)
        } else if let opening = find("OPAV"), let closing = find("CLAV") {
            pair = (opening, closing)
        } else if statement.balances.isEmpty {
            return nil
        } else {
            let written = statement.balances.map { $0.label.isEmpty ? "(no type)" : $0.label }
            return ControlResult(
                name: "\(prefix): balance not checked", ok: true,
                expected:
                    "an opening and a closing balance: OPBD or PRCD and CLBD, or OPAV and CLAV (or BAI Prtry 010/015, 040/045)",
                actual: "not checked: the statement's balances are \(written.joined(separator: ", "))", file: file)
        }
        let (opening, closing) = pair
        let name = "\(prefix): \(opening.label) + booked entries = \(closing.label)"
        guard let open = CamtAmount(text: opening.amountText, currency: opening.currency, debit: opening.debit),
            let close = CamtAmount(text: closing.amountText, currency: closing.currency, debit: closing.debit)
        else {
            return ControlResult(
                name: name, ok: false, expected: "readable balances", actual: "a balance amount cannot be read", file: file)
        }
        let expected = "\(closing.label) \(close.text)"
        if open.currency != close.currency {
            return ControlResult(
                name: name, ok: false, expected: expected,
                actual:
                    "\(opening.label) is in \(open.currency.isEmpty ? "no currency" : open.currency), \(closing.label) in \(close.currency.isEmpty ? "no currency" : close.currency)",
                file: file)
        }
        if statement.unreadableAmounts > 0 {
            return ControlResult(
                name: name, ok: false, expected: expected,
                actual:
                    "\(statement.unreadableAmounts) entr\(statement.unreadableAmounts == 1 ? "y has" : "ies have") an unreadable amount",
                file: file)
        }
        let all = open.units &+ statement.bookedTotal[close.currency]
        if all == close.units && !statement.bookedTotal.overflowed {
            return ControlResult(name: name, ok: true, expected: expected, actual: amountText(all, close.currency), file: file)
        }
        if !closing.date.isEmpty {
            var valued = CamtTotals()
            for (date, totals) in statement.bookedByValueDate where date <= closing.date { valued.add(totals) }
            let upToDate = open.units &+ valued[close.currency]
            if upToDate == close.units && !valued.overflowed {
                return ControlResult(
                    name: name, ok: true, expected: expected,
                    actual:
                        "\(amountText(upToDate, close.currency)) counting entries valued on or before \(closing.date) (the bank books later value dates after \(closing.label))",
                    file: file)
            }
        }
        return ControlResult(
            name: name, ok: false, expected: expected,
            actual:
                "\(amountText(all, close.currency)) (\(opening.label) \(open.text) + booked \(amountText(statement.bookedTotal[close.currency], close.currency)))",
            file: file)
    }

    /// `TxsSummry`: the counts and sums it declares against the entries read.
    private func summary(_ statement: CamtStatement, prefix: String) -> ControlResult? {
        guard let summary = statement.summary else { return nil }
        let currency =
            statement.accountCurrency.isEmpty
            ? (statement.creditTotal.units.keys.first ?? statement.debitTotal.units.keys.first ?? "XXX")
            : statement.accountCurrency
        let credits = statement.creditTotal.units.values.reduce(0, &+)
        let debits = statement.debitTotal.units.values.reduce(0, &+)  // negative
        var expected: [String] = []
        var actual: [String] = []
        var ok = true
        func compare(_ label: String, _ declared: String?, _ computed: String) {
            guard let declared else { return }
            expected.append("\(label) \(declared)")
            actual.append("\(label) \(computed)")
            if declared != computed { ok = false }
        }
        func decimal(_ text: [UInt8]?, magnitude: Bool = false, debit: Bool = false) -> String? {
            guard let text else { return nil }
            guard let value = CamtAmount(text: text, currency: currency, debit: debit) else {
                return String(decoding: text, as: UTF8.self)
            }
            return CamtAmount.format(magnitude ? abs(value.units) : value.units, currency: currency)
        }
        compare("entries", summary.entries.map(String.init), String(statement.entryCount))
        compare("sum", decimal(summary.entriesSum, magnitude: true), CamtAmount.format(credits &- debits, currency: currency))
        compare("net", decimal(summary.net, debit: summary.netDebit), CamtAmount.format(credits &+ debits, currency: currency))
        compare("credits", summary.credits.map(String.init), String(statement.creditCount))
        compare("credit sum", decimal(summary.creditsSum, magnitude: true), CamtAmount.format(credits, currency: currency))
        compare("debits", summary.debits.map(String.init), String(statement.debitCount))
        // Wise writes the debit sum negative: compare magnitudes.
        compare("debit sum", decimal(summary.debitsSum, magnitude: true), CamtAmount.format(-debits, currency: currency))
        guard !expected.isEmpty else { return nil }
        return ControlResult(
            name: "\(prefix): TxsSummry agrees with the entries", ok: ok && statement.unreadableAmounts == 0,
            expected: expected.joined(separator: "; "), actual: actual.joined(separator: "; "), file: file)
    }

    private func amountText(_ units: Int64, _ currency: String) -> String {
        CamtAmount(units: units, currency: currency).text
    }
}
