import TallyCore

/// What the camt reader remembers of the statement (camt.053 `Stmt`) or notification
/// (camt.054 `Ntfctn`) it is in: identity, balances, the summary it declares, and what its entries
/// add up to, for the controls checked when it ends.
struct CamtStatement {
    var line: Int
    var id = ""
    var account = ""
    var accountCurrency = ""

    /// One `Bal` element: type code, signed amount, date (`YYYY-MM-DD`, from `Dt` or `DtTm`).
    struct Balance {
        /// The ISO code (`Cd`), or the one a proprietary code stands for (BAI `010` → `OPBD`).
        var type = ""
        /// How the file writes the type, for the control's name: `OPBD`, or `Prtry 010`.
        var label = ""
        var amountText: [UInt8] = []
        var currency = ""
        var debit = false
        var date = ""
    }
    var balances: [Balance] = []

    /// `TxsSummry` as declared: counts and unsigned sums (as text until checked).
    struct Summary {
        var entries: Int?
        var entriesSum: [UInt8]?
        var net: [UInt8]?
        var netDebit = false
        var credits: Int?
        var creditsSum: [UInt8]?
        var debits: Int?
        var debitsSum: [UInt8]?
    }
    var summary: Summary?

    /// What the entries add up to.
    var entryCount = 0
    var creditCount = 0
    var debitCount = 0
    var creditTotal = CamtTotals()
    var debitTotal = CamtTotals()
    /// Booked entries only, signed; and the same split by value date, for the value-date rule
    /// (a handful of dates per statement, so memory stays flat however many entries there are).
    var bookedTotal = CamtTotals()
    var bookedByValueDate: [String: CamtTotals] = [:]
    /// Entries whose amount could not be read for the controls (the controls then say so).
    var unreadableAmounts = 0

    /// Entries whose batch or transaction-detail totals disagree with the entry (their lines).
    var batchChecked = 0
    var batchOffCount = 0
    /// The first few lines of entries that are off (the count says how many there are in all).
    var batchOff: [Int] = []

    var displayName: String {
        let identity = id.isEmpty ? "at line \(line)" : id
        return account.isEmpty ? identity : "\(identity) (\(account))"
    }
}

/// The `Ntry` being read: its own fields, its batch declarations and what its transaction
/// details add up to so far.
struct CamtEntry {
    var line: Int
    var amountText: [UInt8] = []
    var currency = ""
    var direction = ""
    var reversal = false
    var status = ""
    var valueDate = ""
    var accountServicerReference = ""
    var entryReference = ""
    /// `BookgDt/Dt` (or the date of `BookgDt/DtTm`), kept only when the sink wants line details.
    var bookingDate = ""
    /// `AddtlNtryInf`, kept only when the sink wants line details.
    var additionalInfo = CamtText()
    /// The transactions of its details, held until the entry ends when the sink wants line details
    /// (`AddtlNtryInf` comes after `NtryDtls`); at most ``CamtEntry/deferredLimit`` of them.
    var deferred: [CamtEmission] = []
    static let deferredLimit = 1024

    /// The line's date: the booking date, else the value date.
    var lineDate: CivilDate? { CivilDate(iso: bookingDate) ?? CivilDate(iso: valueDate) }

    struct Batch {
        var count: Int?
        var totalText: [UInt8]?
        var currency = ""
    }
    var batches: [Batch] = []

    var details = 0
    /// Details that carry a reference of their own.
    var identifiedDetails = 0
    /// Lines of details of a batch without a reference of their own (a lump sum's summary line, or
    /// a detail that cannot be matched).
    var anonymousBatchDetails: [Int] = []
    /// Σ `Btch/NbOfTxs`.
    var declaredCount: Int { batches.compactMap(\.count).reduce(0, +) }
    var detailTotal = CamtTotals()
    var detailAmountsComplete = true
    /// A transaction detail without an amount, held back: it takes the entry's amount if it turns out
    /// to be the entry's only detail.
    var pendingDetail: CamtDetail?
    /// Why the entry cannot be read (an element too long), making it a reject.
    var problem: String?

    var isDebit: Bool { direction == "DBIT" }
    /// Booked unless the status says otherwise (`BOOK` in every version; absent in broken files).
    var isBooked: Bool { status.isEmpty || status == "BOOK" }
}

/// One `TxDtls` element: the references and amount of one transaction inside an entry.
struct CamtDetail {
    var line: Int
    var endToEndId = ""
    var transactionId = ""
    var accountServicerReference = ""
    var instructionId = ""
    var uetr = ""
    var amountText: [UInt8]?
    var currency = ""
    var direction = ""
    var transactionAmountText: [UInt8]?
    var transactionCurrency = ""
    /// Why the detail cannot be read (an element too long), making it a reject.
    var problem: String?
    /// The texts of ``TallyCore/LineDetails``, kept only when the sink wants them.
    var creditorReferences = CamtText()
    var unstructured = CamtText()
    var additionalInfo = CamtText()
    var debtorName = CamtText()
    var creditorName = CamtText()

    /// `EndToEndId`, then `TxId`, then the detail's or the entry's `AcctSvcrRef`, then `InstrId`,
    /// `UETR`, then the entry's `NtryRef` (so a detail without `Refs`, or an empty `<TxDtls/>`,
    /// takes its entry's reference); nil when none is a reference (``CamtDetail/isReference(_:)``).
    func reference(entry: CamtEntry) -> String? {
        for candidate in [
            endToEndId, transactionId, accountServicerReference, entry.accountServicerReference, instructionId, uetr,
            entry.entryReference,
        ]
        where Self.isReference(candidate) {
            return candidate
        }
        return nil
    }

    /// Whether the detail names its own payment (rather than only repeating its entry).
    var hasOwnReference: Bool {
        [endToEndId, transactionId, accountServicerReference, instructionId, uetr].contains(where: Self.isReference)
    }

    /// A (trimmed) value names a payment unless it is empty or says there is none: `NOTPROVIDED`
    /// (the ISO 20022 placeholder of `EndToEndId`) or `NONREF` (the SWIFT one), in any case.
    static func isReference(_ value: String) -> Bool {
        switch value.utf8.count {
        case 0: false
        case 6, 11:
            value.uppercased() != "NONREF" && value.uppercased() != "NOTPROVIDED"
        default: true
        }
    }

    /// What the rule passes read of the detail, with its entry's date and `AddtlNtryInf` (the
    /// debtor for a credit, the creditor for a debit, whichever there is otherwise).
    func lineDetails(entry: CamtEntry, debit: Bool) -> LineDetails {
        var remittance = creditorReferences
        remittance.append(unstructured)
        remittance.append(additionalInfo)
        remittance.append(entry.additionalInfo)
        let (first, second) = debit ? (creditorName, debtorName) : (debtorName, creditorName)
        return LineDetails(
            date: entry.lineDate, remittance: remittance.string, counterparty: (first.isEmpty ? second : first).string)
    }
}

/// A transaction (or the reject it turns out to be) of a detail, held until its entry ends.
struct CamtEmission {
    var problem: String?
    var reference: String?
    var text: [UInt8]
    var currency: String
    var direction: String
    var line: Int
    var detail: CamtDetail
}

/// The text of a line detail: parts joined by single spaces, runs of white space folded into one,
/// at most ``CamtText/limit`` bytes (cut before a UTF-8 sequence, so a hostile file cannot make it
/// grow and never leaves half a character).
struct CamtText {
    static let limit = 1024
    private(set) var bytes: [UInt8] = []

    var isEmpty: Bool { bytes.isEmpty }
    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends one part (an element's text), after a space when there is text already.
    mutating func append<Bytes: Collection<UInt8>>(part: Bytes) {
        var pendingSpace = !bytes.isEmpty
        for byte in part {
            guard bytes.count < Self.limit else { break }
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                pendingSpace = !bytes.isEmpty
                continue
            }
            if pendingSpace {
                bytes.append(0x20)
                pendingSpace = false
                if bytes.count == Self.limit { break }
            }
            bytes.append(byte)
        }
        if bytes.count >= Self.limit { cut() }
    }

    mutating func append(_ other: CamtText) { append(part: other.bytes) }

    /// Drops a character whose bytes the limit cut, and trailing white space.
    private mutating func cut() {
        var end = bytes.count
        // back to the start of the last sequence; keep it only if it is complete
        var start = end - 1
        while start > 0 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        let lead = bytes[start]
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        if end - start < length { end = start }
        bytes.removeSubrange(end...)
        while bytes.last == 0x20 { bytes.removeLast() }
    }
}

extension CamtStatement {
    /// Adds an entry to the statement's totals and checks it against its batch and details.
    mutating func add(_ entry: CamtEntry, amount: CamtAmount?) {
        entryCount += 1
        guard let amount else {
            unreadableAmounts += 1
            return
        }
        if amount.units < 0 || entry.isDebit {
            debitCount += 1
            debitTotal.add(amount)
        } else {
            creditCount += 1
            creditTotal.add(amount)
        }
        if entry.isBooked {
            bookedTotal.add(amount)
            bookedByValueDate[entry.valueDate, default: CamtTotals()].add(amount)
        }
        checkBatch(entry, amount: amount)
    }

    /// Batch count and total, and the sum of the details, against the entry.
    private mutating func checkBatch(_ entry: CamtEntry, amount: CamtAmount) {
        var checked = false
        var off = false
        let declaredCounts = entry.batches.compactMap(\.count)
        if entry.identifiedDetails > 0 && !declaredCounts.isEmpty {
            checked = true
            if declaredCounts.reduce(0, +) != entry.details { off = true }
        }
        if entry.batches.count == 1, let total = entry.batches[0].totalText {
            checked = true
            let currency = entry.batches[0].currency.isEmpty ? amount.currency : entry.batches[0].currency
            if CamtAmount(text: total, currency: currency, debit: false)?.units != abs(amount.units)
                || currency != amount.currency
            {
                off = true
            }
        }
        if entry.details > 0 && entry.detailAmountsComplete && entry.detailTotal.units.keys.allSatisfy({ $0 == amount.currency })
        {
            checked = true
            if entry.detailTotal[amount.currency] != amount.units { off = true }
        }
        guard checked else { return }
        batchChecked += 1
        if off {
            batchOffCount += 1
            if batchOff.count < 10 { batchOff.append(entry.line) }
        }
    }
}
