import TallyCore

/// The streaming state machine behind ``CamtReader``: a stack of element tags, the statement,
/// entry and transaction detail being read, and the text of the current leaf element. It holds one
/// entry's fields at a time (never a list of entries or details), so memory stays flat however
/// large the file is.
struct CamtParser: ~Copyable {
    let message: CamtReader.Message
    let file: SettlementFile
    /// Longest element text kept; a longer one makes its entry a reject.
    let maxTextBytes: Int

    private var xml: SafeXMLReader
    private var tags = CamtTag.Resolver()
    private var stack: [CamtTag] = []
    private var text: [UInt8] = []
    private var textTooLong = false
    private var attributeCurrency = ""
    private var messageFound = false
    private var statement: CamtStatement?
    private var balance: CamtStatement.Balance?
    private var entry: CamtEntry?
    private var detail: CamtDetail?
    private var entriesRead = 0
    /// Whether the sink wants ``TallyCore/LineDetails``: only then are their elements read at all.
    private var wantsDetails = false

    init(message: CamtReader.Message, file: SettlementFile, descriptor: Int32, maxFieldBytes: Int) throws(IngestError) {
        self.message = message
        self.file = file
        maxTextBytes = min(maxFieldBytes, 64 << 10)
        xml = try SafeXMLReader(fileDescriptor: descriptor, path: file.path)
    }

    mutating func run(into sink: inout some SettlementSink, progress: (Int) -> Void) throws(IngestError) {
        wantsDetails = sink.wantsLineDetails
        if wantsDetails { tags = CamtTag.Resolver(details: true) }
        while let node = try xml.next() {
            switch node {
            case .element(let name, let isEmpty):
                let tag = tags.tag(name)
                stack.append(tag)
                text.removeAll(keepingCapacity: true)
                textTooLong = false
                try start(tag, into: &sink)
                if isEmpty {
                    try end(tag, into: &sink, progress: progress)
                    stack.removeLast()
                }
            case .text(let bytes):
                guard messageFound, let top = stack.last, top != .other else { continue }
                if top.isDetailText {
                    // a line detail's text is capped, never a reason to reject its line
                    text.append(contentsOf: bytes.prefix(max(0, 4 * CamtText.limit - text.count)))
                } else if text.count + bytes.count > maxTextBytes {
                    textTooLong = true
                } else {
                    text.append(contentsOf: bytes)
                }
            case .endElement:
                guard let tag = stack.last else { continue }
                try end(tag, into: &sink, progress: progress)
                stack.removeLast()
            }
        }
        guard messageFound else {
            throw IngestError(
                code: .malformed,
                message:
                    "not a \(message.messageNumber) file: no \(message == .statement ? "BkToCstmrStmt" : "BkToCstmrDbtCdtNtfctn") element",
                path: file.path)
        }
        progress(xml.bytesConsumed)
    }

    // MARK: - Element starts

    private func parent(_ level: Int) -> CamtTag {
        let index = stack.count - 1 - level
        return index >= 0 ? stack[index] : .other
    }

    private mutating func start(_ tag: CamtTag, into sink: inout some SettlementSink) throws(IngestError) {
        switch tag {
        case .bkToCstmrStmt, .bkToCstmrDbtCdtNtfctn, .bkToCstmrAcctRpt:
            try checkMessage(tag)
        case .stmt, .ntfctn:
            if parent(1) == .bkToCstmrStmt || parent(1) == .bkToCstmrDbtCdtNtfctn {
                statement = CamtStatement(line: xml.nodeLine)
            }
        case .bal where parent(1) == .stmt:
            balance = CamtStatement.Balance()
        case .txsSummry where parent(1) == .stmt || parent(1) == .ntfctn:
            statement?.summary = CamtStatement.Summary()
        case .ntry where statement != nil && (parent(1) == .stmt || parent(1) == .ntfctn):
            entry = CamtEntry(line: xml.nodeLine)
        case .btch where entry != nil && parent(1) == .ntryDtls:
            entry?.batches.append(CamtEntry.Batch())
        case .txDtls where entry != nil && parent(1) == .ntryDtls:
            detail = CamtDetail(line: xml.nodeLine)
        case .amt, .ttlAmt:
            attributeCurrency = xml.attribute("Ccy") ?? ""
        default:
            break
        }
    }

    /// The message element must be the one `--format` names, in an ISO 20022 camt namespace.
    private mutating func checkMessage(_ tag: CamtTag) throws(IngestError) {
        let namespace = xml.namespaceURI ?? ""
        let expected: CamtTag = message == .statement ? .bkToCstmrStmt : .bkToCstmrDbtCdtNtfctn
        guard tag == expected else {
            let found =
                tag == .bkToCstmrStmt
                ? "a camt.053 bank statement (BkToCstmrStmt); read it with --format camt053"
                : tag == .bkToCstmrDbtCdtNtfctn
                    ? "a camt.054 notification (BkToCstmrDbtCdtNtfctn); read it with --format camt054"
                    : "a camt.052 account report (BkToCstmrAcctRpt), which Tally does not read"
            throw IngestError(code: .malformed, message: "this is \(found)", path: file.path, line: xml.nodeLine)
        }
        guard namespace.hasPrefix("urn:iso:std:iso:20022:tech:xsd:\(message.messageNumber).") else {
            throw IngestError(
                code: .malformed,
                message:
                    "the \(message == .statement ? "BkToCstmrStmt" : "BkToCstmrDbtCdtNtfctn") element is in another namespace than urn:iso:std:iso:20022:tech:xsd:\(message.messageNumber).001.NN",
                path: file.path, line: xml.nodeLine, excerpt: IngestError.excerpt([namespace]))
        }
        messageFound = true
    }

    // MARK: - Element ends

    private var trimmedText: String {
        var bytes = text[...]
        while let first = bytes.first, first == 0x20 || first == 0x0A || first == 0x0D || first == 0x09 { bytes.removeFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x0A || last == 0x0D || last == 0x09 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func end(
        _ tag: CamtTag, into sink: inout some SettlementSink, progress: (Int) -> Void
    ) throws(IngestError) {
        guard messageFound else { return }
        if textTooLong {
            let problem = "the text of <\(tag.localName)> is longer than \(maxTextBytes) bytes"
            if detail != nil {
                detail?.problem = problem
            } else if entry != nil {
                entry?.problem = problem
            } else {
                throw IngestError(code: .malformed, message: problem, path: file.path, line: xml.line)
            }
            return
        }
        let value = trimmedText
        let currency = attributeCurrency
        let valueBytes = Array(value.utf8)
        let p1 = parent(1)
        let p2 = parent(2)
        switch tag {
        case .amt:
            if p1 == .bal {
                balance?.amountText = valueBytes
                balance?.currency = currency
            } else if p1 == .ntry {
                entry?.amountText = valueBytes
                entry?.currency = currency
            } else if p1 == .txDtls {
                detail?.amountText = valueBytes
                detail?.currency = currency
            } else if p1 == .txAmt && p2 == .amtDtls && parent(3) == .txDtls {
                detail?.transactionAmountText = valueBytes
                detail?.transactionCurrency = currency
            } else if p1 == .ttlNetNtry {
                statement?.summary?.net = valueBytes
            }
        case .cdtDbtInd:
            switch p1 {
            case .bal: balance?.debit = value == "DBIT"
            case .ntry: entry?.direction = value
            case .txDtls: detail?.direction = value
            case .ttlNtries, .ttlNetNtry: statement?.summary?.netDebit = value == "DBIT"
            default: break
            }
        case .cd:
            if p1 == .cdOrPrtry && p2 == .tp && parent(3) == .bal {
                balance?.type = value
                balance?.label = value
            } else if p1 == .sts && p2 == .ntry {
                entry?.status = value
            }
        case .prtry where p1 == .cdOrPrtry && p2 == .tp && parent(3) == .bal:
            balance?.type = Self.balanceType(proprietary: value)
            balance?.label = "Prtry \(value)"
        case .sts where p1 == .ntry:
            if entry?.status.isEmpty == true { entry?.status = value }
        case .dt, .dtTm:
            if p1 == .dt && p2 == .bal {
                balance?.date = String(value.prefix(10))
            } else if p1 == .valDt && p2 == .ntry {
                entry?.valueDate = String(value.prefix(10))
            } else if p1 == .bookgDt && p2 == .ntry && wantsDetails {
                entry?.bookingDate = String(value.prefix(10))
            }
        case .rvslInd where p1 == .ntry:
            entry?.reversal = value == "true" || value == "1"
        case .acctSvcrRef:
            if p1 == .ntry {
                entry?.accountServicerReference = value
            } else if p1 == .refs && p2 == .txDtls {
                detail?.accountServicerReference = value
            }
        case .ntryRef where p1 == .ntry:
            entry?.entryReference = value
        case .endToEndId where p1 == .refs && p2 == .txDtls:
            detail?.endToEndId = value
        case .txId where p1 == .refs && p2 == .txDtls:
            detail?.transactionId = value
        case .instrId where p1 == .refs && p2 == .txDtls:
            detail?.instructionId = value
        case .uetr where p1 == .refs && p2 == .txDtls:
            detail?.uetr = value
        case .ref, .ustrd, .addtlTxInf, .addtlNtryInf, .nm:
            detailText(tag, p1, p2, value)
        case .nbOfTxs where p1 == .btch:
            if var batch = entry?.batches.popLast() {
                batch.count = Int(value)
                entry?.batches.append(batch)
            }
        case .ttlAmt where p1 == .btch:
            if var batch = entry?.batches.popLast() {
                batch.totalText = valueBytes
                batch.currency = currency
                entry?.batches.append(batch)
            }
        case .nbOfNtries, .sum, .ttlNetNtryAmt:
            summaryValue(tag, p1, value)
        case .id where entry == nil:
            if p1 == .stmt || p1 == .ntfctn {
                statement?.id = value
            } else if p1 == .othr && p2 == .id && parent(3) == .acct && statement?.account.isEmpty == true {
                statement?.account = value
            }
        case .iban where entry == nil && p1 == .id && p2 == .acct:
            statement?.account = value
        case .ccy where entry == nil && p1 == .acct:
            statement?.accountCurrency = value
        case .bal where p1 == .stmt:
            if let balance { statement?.balances.append(balance) }
            balance = nil
        case .txDtls where p1 == .ntryDtls:
            if let detail, entry != nil { finishDetail(detail, into: &sink) }
            detail = nil
        case .ntry where p1 == .stmt || p1 == .ntfctn:
            if let entry { finishEntry(entry, into: &sink) }
            entry = nil
            entriesRead += 1
            if entriesRead & 0xFFF == 0 { progress(xml.bytesConsumed) }
        case .stmt, .ntfctn:
            if let statement, p1 == .bkToCstmrStmt || p1 == .bkToCstmrDbtCdtNtfctn {
                CamtControls(format: message.format, file: file.index).check(statement, into: &sink)
            }
            statement = nil
        default:
            break
        }
    }

    /// BAI2 balance type codes some North American banks write as `Prtry` (`010` opening ledger,
    /// `015` closing ledger, `040`/`045` opening/closing available), and ISO codes written there,
    /// as the ISO code the balance control knows; anything else stays as written.
    static func balanceType(proprietary value: String) -> String {
        switch value.uppercased() {
        case "010": "OPBD"
        case "015": "CLBD"
        case "040": "OPAV"
        case "045": "CLAV"
        case let code where ["OPBD", "PRCD", "CLBD", "OPAV", "CLAV"].contains(code): code
        default: value
        }
    }

    /// The texts of ``TallyCore/LineDetails`` (their tags resolve only when the sink wants them).
    private mutating func detailText(_ tag: CamtTag, _ p1: CamtTag, _ p2: CamtTag, _ value: String) {
        switch tag {
        case .ref where p1 == .cdtrRefInf && p2 == .strd && parent(3) == .rmtInf:
            detail?.creditorReferences.append(part: value.utf8)
        case .ustrd where p1 == .rmtInf:
            detail?.unstructured.append(part: value.utf8)
        case .addtlTxInf where p1 == .txDtls:
            detail?.additionalInfo.append(part: value.utf8)
        case .addtlNtryInf where p1 == .ntry:
            entry?.additionalInfo.append(part: value.utf8)
        case .nm:
            // RltdPties/Dbtr/Nm (v02–v06) or RltdPties/Dbtr/Pty/Nm (v07 on); the first name wins
            let party = p1 == .pty ? p2 : p1
            guard (p1 == .pty ? parent(3) : p2) == .rltdPties else { return }
            if party == .dbtr && detail?.debtorName.isEmpty == true {
                detail?.debtorName.append(part: value.utf8)
            } else if party == .cdtr && detail?.creditorName.isEmpty == true {
                detail?.creditorName.append(part: value.utf8)
            }
        default:
            break
        }
    }

    private mutating func summaryValue(_ tag: CamtTag, _ parent: CamtTag, _ value: String) {
        guard statement?.summary != nil else { return }
        let valueBytes = Array(value.utf8)
        switch (tag, parent) {
        case (.nbOfNtries, .ttlNtries): statement?.summary?.entries = Int(value)
        case (.nbOfNtries, .ttlCdtNtries): statement?.summary?.credits = Int(value)
        case (.nbOfNtries, .ttlDbtNtries): statement?.summary?.debits = Int(value)
        case (.sum, .ttlNtries): statement?.summary?.entriesSum = valueBytes
        case (.sum, .ttlCdtNtries): statement?.summary?.creditsSum = valueBytes
        case (.sum, .ttlDbtNtries): statement?.summary?.debitsSum = valueBytes
        case (.ttlNetNtryAmt, .ttlNtries): statement?.summary?.net = valueBytes
        default: break
        }
    }

    // MARK: - Entries and details

    private func location(_ line: Int) -> SourceLocation { SourceLocation(file: file.index, line: line) }

    /// A transaction detail ends: it is a transaction of a booked entry, or held back when it has
    /// no amount of its own.
    private mutating func finishDetail(_ detail: CamtDetail, into sink: inout some SettlementSink) {
        guard var entry else { return }
        entry.details += 1
        if detail.hasOwnReference { entry.identifiedDetails += 1 }
        let amount =
            detail.amountText.map { ($0, detail.currency) }
            ?? detail.transactionAmountText.map { ($0, detail.transactionCurrency) }
        let direction = detail.direction.isEmpty ? entry.direction : detail.direction
        if let (text, currency) = amount, let value = CamtAmount(text: text, currency: currency, debit: direction == "DBIT") {
            entry.detailTotal.add(value)
        } else {
            entry.detailAmountsComplete = false
        }
        defer { self.entry = entry }
        guard entry.isBooked && !entry.reversal && entry.problem == nil else { return }
        if !detail.hasOwnReference && entry.declaredCount > 1 {
            // a summary line of a batch: the entry decides at its end whether it is a lump sum
            entry.anonymousBatchDetails.append(detail.line)
            return
        }
        if let pending = entry.pendingDetail {
            sink.addReject(Reject(location: location(pending.line), reason: Self.noAmount))
            entry.pendingDetail = nil
        }
        guard let (text, currency) = amount else {
            if entry.details == 1 {
                entry.pendingDetail = detail
            } else {
                sink.addReject(Reject(location: location(detail.line), reason: Self.noAmount))
            }
            return
        }
        let reference = detail.reference(entry: entry)
        if wantsDetails && entry.deferred.count < CamtEntry.deferredLimit {
            // its AddtlNtryInf is still to come
            entry.deferred.append(
                CamtEmission(
                    problem: detail.problem, reference: reference, text: text, currency: currency, direction: direction,
                    line: detail.line, detail: detail))
            return
        }
        emit(
            detail.problem, reference: reference, text: text, currency: currency, direction: direction, line: detail.line,
            details: wantsDetails ? detail.lineDetails(entry: entry, debit: direction == "DBIT") : nil, into: &sink)
    }

    private static let noAmount =
        "the transaction details carry no amount (TxDtls/Amt or AmtDtls/TxAmt) and the entry has several of them"

    /// An entry ends: its totals feed the statement's controls; without details it is itself a
    /// transaction, or a listed line when it is not booked, a reversal, or a batch whose payments are
    /// not itemised (no detail names a payment of its own).
    private mutating func finishEntry(_ entry: CamtEntry, into sink: inout some SettlementSink) {
        let signed = CamtAmount(text: entry.amountText, currency: entry.currency, debit: entry.isDebit)
        statement?.add(entry, amount: signed)
        for held in entry.deferred {
            emit(
                held.problem, reference: held.reference, text: held.text, currency: held.currency, direction: held.direction,
                line: held.line, details: held.detail.lineDetails(entry: entry, debit: held.direction == "DBIT"), into: &sink)
        }
        if let problem = entry.problem {
            sink.addReject(Reject(location: location(entry.line), reason: problem))
            return
        }
        if !entry.isBooked || entry.reversal {
            let category = entry.reversal ? "reversal (RvslInd)" : "entry \(entry.status), not booked"
            listed(entry, category: category, into: &sink)
            return
        }
        if entry.declaredCount > 1 && entry.identifiedDetails == 0 {
            // a lump sum whose payments are itemised elsewhere (a camt.054) or not at all
            listed(entry, category: "batch booking without transaction details", into: &sink)
            return
        }
        for line in entry.anonymousBatchDetails {
            sink.addReject(
                Reject(location: location(line), reason: "a transaction detail of this batch carries no reference of its own"))
        }
        if let pending = entry.pendingDetail {
            if entry.details == 1 {
                emit(
                    pending.problem, reference: pending.reference(entry: entry), text: entry.amountText,
                    currency: entry.currency, direction: entry.direction, line: pending.line,
                    details: wantsDetails ? pending.lineDetails(entry: entry, debit: entry.isDebit) : nil, into: &sink)
            } else {
                sink.addReject(Reject(location: location(pending.line), reason: Self.noAmount))
            }
        } else if entry.details == 0 {
            let reference = [entry.accountServicerReference, entry.entryReference].first(where: CamtDetail.isReference)
            emit(
                nil, reference: reference, text: entry.amountText, currency: entry.currency,
                direction: entry.direction, line: entry.line,
                details: wantsDetails
                    ? LineDetails(date: entry.lineDate, remittance: entry.additionalInfo.string) : nil,
                into: &sink)
        }
    }

    /// An entry that is listed and summed, never matched.
    private func listed(_ entry: CamtEntry, category: String, into sink: inout some SettlementSink) {
        guard let currency = Currency(code: entry.currency) else {
            sink.addReject(Reject(location: location(entry.line), reason: Self.currencyProblem(entry.currency)))
            return
        }
        do throws(MoneyError) {
            let minor = try entry.amountText.withUnsafeBufferPointer { bytes throws(MoneyError) in
                try MoneyParser.parseMinor(bytes, exponent: currency.exponent)
            }
            let signed = entry.isDebit ? -minor : minor
            sink.addNonTransaction(NonTransactionLine(category: category, currency: currency, gross: signed, net: signed))
        } catch {
            let text = String(decoding: entry.amountText, as: UTF8.self)
            sink.addReject(Reject(location: location(entry.line), reason: "amount '\(text)': \(error) (\(currency.code))"))
        }
    }

    /// Why a `Ccy` is not a currency a transaction can be in: missing, ISO 4217's `XXX` (the code for
    /// "no currency"), or no ISO 4217 code with a minor unit.
    static func currencyProblem(_ code: String) -> String {
        if code.isEmpty { return "the amount has no Ccy attribute" }
        if code.uppercased() == "XXX" {
            return "currency '\(code)' is ISO 4217's code for no currency (XXX): the amount is in no currency at all"
        }
        return "currency '\(code)' is not an ISO 4217 code"
    }

    /// A transaction, or a reject saying why it cannot be one. A booked line with no reference at all
    /// is valid ISO 20022: it goes to the sink as an unreferenced transaction, for the rule passes.
    /// `details` are given only when the sink wants them.
    private func emit(
        _ problem: String?, reference: String?, text: [UInt8], currency code: String, direction: String, line: Int,
        details: LineDetails?, into sink: inout some SettlementSink
    ) {
        func reject(_ reason: String) { sink.addReject(Reject(location: location(line), reason: reason)) }
        if let problem { return reject(problem) }
        guard let currency = Currency(code: code) else { return reject(Self.currencyProblem(code)) }
        let kind: TransactionKind
        switch direction {
        case "CRDT": kind = .charge
        case "DBIT": kind = .refund
        default: return reject("CdtDbtInd '\(direction)' is neither CRDT nor DBIT")
        }
        let minor: Int64
        do throws(MoneyError) {
            minor = try text.withUnsafeBufferPointer { bytes throws(MoneyError) in
                try MoneyParser.parseMinor(bytes, exponent: currency.exponent)
            }
        } catch {
            return reject("amount '\(String(decoding: text, as: UTF8.self))': \(error) (\(currency.code))")
        }
        guard minor >= 0 else {
            return reject(
                "amount '\(String(decoding: text, as: UTF8.self))' is negative; camt amounts are unsigned, CdtDbtInd gives the direction"
            )
        }
        let amount = Money(minor: minor, currency: currency)
        guard let reference else {
            return sink.addUnreferencedTransaction(
                kind: kind, amount: amount, location: location(line), details: details ?? LineDetails())
        }
        var bytes = Array(reference.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            sink.addTransaction(UnsafeBufferPointer(buffer), kind: kind, amount: amount, location: location(line))
        }
        if let details { sink.noteDetails(details) }
    }
}
