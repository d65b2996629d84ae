import TallyCore

/// One booked line of a bank statement, held until its continuations are read: a BAI2 16 with its
/// 88s, an MT940 `:61:` with its `:86:`.
///
/// It keeps the entry's text as the bank wrote it (``text``), from which ``remittance`` and
/// ``counterparty`` are derived per format (`BankEntry+Text.swift`) for the rule passes that match
/// on them, together with its ``date``; the sink is given them only when it asks
/// (``SettlementSink/wantsLineDetails``).
struct BankEntry {
    /// Which way the money moved, as the file says it.
    enum Direction: Equatable {
        /// BAI2 detail types 100–399, MT940 `C`: a transaction of kind charge.
        case credit
        /// BAI2 detail types 400–699, MT940 `D`: a transaction of kind refund.
        case debit
        /// Listed and summed, never matched (MT940 `RC`/`RD`, BAI2 detail types outside 100–699),
        /// under `category`, with the signed effect on the balance.
        case listed(category: String, sign: Int64)
    }

    /// Where the text came from, which decides how ``remittance`` and ``counterparty`` read it.
    enum Layout { case bai2, mt940 }

    var line: Int
    var direction: Direction
    /// The unsigned amount in minor units of ``currency``.
    var amountMinor: Int64
    var currency: Currency
    var customerReference: [UInt8]
    var bankReference: [UInt8]
    /// BAI2: the 16's text with its 88 continuations; MT940: the `:86:` lines (and the `:61:`'s
    /// supplementary details in ``supplementary``).
    var text: [UInt8]
    var supplementary: [UInt8] = []
    var layout: Layout
    /// The booking date: BAI2 the group's as-of date (02), MT940 the `:61:` entry date, else its
    /// value date.
    var date: CivilDate?
}

/// Turns a ``BankEntry`` into a transaction, a listed line or a reject.
struct BankEntryEmitter {
    var file: Int

    func emit(_ entry: BankEntry, into sink: inout some SettlementSink) {
        let location = SourceLocation(file: file, line: entry.line)
        switch entry.direction {
        case .listed(let category, let sign):
            sink.addNonTransaction(
                NonTransactionLine(
                    category: category, currency: entry.currency, gross: sign * entry.amountMinor, net: sign * entry.amountMinor))
            return
        case .credit, .debit: break
        }
        let kind: TransactionKind = entry.direction == .credit ? .charge : .refund
        let amount = Money(minor: entry.amountMinor, currency: entry.currency)
        let reference = Self.reference(entry.customerReference) ?? Self.reference(entry.bankReference)
        guard var reference else {
            // a booked line with no reference (both empty, or NONREF) is a transaction for the rule
            // passes, as in camt, not a reject that counts against --max-rejects
            return sink.addUnreferencedTransaction(
                kind: kind, amount: amount, location: location,
                details: sink.wantsLineDetails ? Self.details(of: entry) : LineDetails())
        }
        reference.withUnsafeMutableBufferPointer { buffer in
            sink.addTransaction(UnsafeBufferPointer(buffer), kind: kind, amount: amount, location: location)
        }
        if sink.wantsLineDetails { sink.noteDetails(Self.details(of: entry)) }
    }

    /// What the rule passes read of an entry: its date, remittance text and counterparty.
    static func details(of entry: BankEntry) -> LineDetails {
        LineDetails(date: entry.date, remittance: entry.remittance, counterparty: entry.counterparty)
    }

    /// A reference without surrounding spaces; nil when empty, `NONREF` or `NOTPROVIDED` (any case).
    static func reference(_ bytes: [UInt8]) -> [UInt8]? {
        let trimmed = BankText.trimmed(bytes[...])
        guard !trimmed.isEmpty else { return nil }
        let upper = trimmed.lazy.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        if upper.elementsEqual("NONREF".utf8) || upper.elementsEqual("NOTPROVIDED".utf8) { return nil }
        return Array(trimmed)
    }
}
