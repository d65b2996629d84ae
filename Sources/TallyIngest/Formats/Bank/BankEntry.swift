import TallyCore

/// One booked line of a bank statement, held until its continuations are read: a BAI2 16 with its
/// 88s, an MT940 `:61:` with its `:86:`.
///
/// It keeps the entry's text as the bank wrote it (``text``), from which ``remittance`` and
/// ``counterparty`` are derived per format (`BankEntry+Text.swift`), for the rule passes that will
/// match on them; the sink sees only the reference, kind and amount so far.
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
        let reference = Self.reference(entry.customerReference) ?? Self.reference(entry.bankReference)
        guard var reference else {
            sink.addReject(
                Reject(
                    location: location,
                    reason: "no reference: the customer and the bank reference are both empty (or NONREF)"))
            return
        }
        reference.withUnsafeMutableBufferPointer { buffer in
            sink.addTransaction(
                UnsafeBufferPointer(buffer), kind: entry.direction == .credit ? .charge : .refund,
                amount: Money(minor: entry.amountMinor, currency: entry.currency), location: location)
        }
    }

    /// A reference without surrounding spaces; nil when empty, `NONREF` or `NOTPROVIDED`.
    static func reference(_ bytes: [UInt8]) -> [UInt8]? {
        let trimmed = BankText.trimmed(bytes[...])
        guard !trimmed.isEmpty else { return nil }
        if trimmed.elementsEqual("NONREF".utf8) || trimmed.elementsEqual("NOTPROVIDED".utf8) { return nil }
        return Array(trimmed)
    }
}
