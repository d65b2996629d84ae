import TallyCore

/// The state machine of ``BAI2Reader``: physical lines → pieces → logical records (a record with
/// its 88s) → file, group and account, with the trailers checked as they arrive.
struct BAI2Parser {
    let file: SettlementFile
    let maxRecordBytes: Int
    private let controls: BAI2Controls
    private let emitter: BankEntryEmitter
    private var record = BAI2Record()
    private var hasRecord = false
    private var started = false

    private var group: BAI2Group?
    private var account: BAI2Account?
    private var fileTotal: Int64 = 0
    private var fileRecords = 0
    private var groups = 0
    private var firstGroupExponent: Int?
    private var unreadable = 0
    private var closed = false
    /// Records out of order (a 03 outside a group, a group without its 98, …): the first few.
    private var structure: [String] = []
    private var structureCount = 0

    init(file: SettlementFile, maxRecordBytes: Int) {
        self.file = file
        self.maxRecordBytes = maxRecordBytes
        controls = BAI2Controls(file: file.index)
        emitter = BankEntryEmitter(file: file.index)
    }

    mutating func run(descriptor: Int32, into sink: inout some SettlementSink, progress: (Int) -> Void) throws(IngestError) {
        let legacyLine = try LineReader.readBankFile(
            file, descriptor: descriptor, maxLineBytes: maxRecordBytes, progress: progress
        ) { (line) throws(IngestError) in try take(line, into: &sink) }
        if hasRecord { dispatch(into: &sink) }
        guard started else {
            throw IngestError(code: .malformed, message: "not a BAI2 file: it is empty (no 01 file header)", path: file.path)
        }
        finish(into: &sink)
        if let legacyLine { sink.addNotice(LineReader.legacyNotice(file, line: legacyLine)) }
    }

    private func location(_ line: Int) -> SourceLocation { SourceLocation(file: file.index, line: line) }

    private mutating func take(_ line: TextLine, into sink: inout some SettlementSink) throws(IngestError) {
        for piece in BAI2Piece.split(line.bytes) {
            let content = UnsafeBufferPointer(rebasing: line.bytes[piece.content])
            if !started {
                guard piece.code == 1 else {
                    let what =
                        piece.code == 88
                        ? "it starts with an 88 continuation, with no record before it"
                        : "it does not start with a 01 file header"
                    throw IngestError(
                        code: .malformed, message: "not a BAI2 file: \(what)", path: file.path, line: line.number,
                        excerpt: IngestError.excerpt([String(decoding: line.bytes.prefix(60), as: UTF8.self)]))
                }
                started = true
            }
            switch piece.code {
            case nil:
                // a record broken over two physical lines (only a 16's text can be)
                if hasRecord && record.code == 16 {
                    record.extendLast(content, limit: maxRecordBytes)
                } else {
                    sink.addReject(
                        Reject(
                            location: location(line.number),
                            reason:
                                "not a BAI2 record: '\(BankText.quoted(content))' (a record starts with its two-digit type and a comma)"
                        ))
                }
            case 88?:
                record.pieces += 1
                record.append(segment: content, limit: maxRecordBytes)
            case let code?:
                if hasRecord { dispatch(into: &sink) }
                record.start(code: code, line: line.number)
                record.append(segment: content, limit: maxRecordBytes)
                hasRecord = true
            }
            if line.overlong { record.overlong = true }
        }
    }

    private mutating func problem(_ text: String) {
        structureCount += 1
        if structure.count < 5 { structure.append(text) }
    }

    private mutating func dispatch(into sink: inout some SettlementSink) {
        hasRecord = false
        fileRecords += record.pieces
        if closed {
            problem("line \(record.line): a \(Self.name(record.code)) record after the 99 file trailer")
            sink.addReject(Reject(location: location(record.line), reason: "a record after the 99 file trailer"))
            return
        }
        if record.code != 1 && record.code != 99 { group?.records += record.pieces }
        if ![1, 2, 3, 98, 99].contains(record.code) { account?.records += record.pieces }
        if record.overlong {
            sink.addReject(
                Reject(
                    location: location(record.line),
                    reason:
                        "the \(Self.name(record.code)) record with its continuations is longer than \(maxRecordBytes) bytes; not read"
                ))
            if record.code == 3 || record.code == 16 { account?.unreadable.append(record.line) }
            return
        }
        switch record.code {
        case 1: if fileRecords != record.pieces { problem("line \(record.line): a second 01 file header") }
        case 2: openGroup(into: &sink)
        case 3: openAccount(into: &sink)
        case 16: detail(into: &sink)
        case 49: closeAccount(trailer: true, into: &sink)
        case 98: closeGroup(trailer: true, into: &sink)
        case 99: closeFile(into: &sink)
        default:
            sink.addReject(
                Reject(location: location(record.line), reason: "record type \(Self.name(record.code)) is not a BAI2 record type")
            )
        }
    }

    static func name(_ code: Int) -> String { code < 10 ? "0\(code)" : String(code) }

    private mutating func openGroup(into sink: inout some SettlementSink) {
        if let open = group {
            problem("line \(record.line): a 02 group header before the 98 trailer of the group at line \(open.line)")
            closeGroup(trailer: false, into: &sink)
        }
        var fields = BAI2Record.Fields(record)
        for _ in 0..<3 { _ = fields.next() }  // ultimate receiver, originator, group status
        let asOf = fields.next().flatMap { BankText.date(yymmdd: BankText.trimmed($0.field)) }
        _ = fields.next()  // as-of time
        let currency = fields.next().map { String(decoding: BankText.trimmed($0.field), as: UTF8.self) } ?? ""
        group = BAI2Group(line: record.line, currencyCode: currency, records: record.pieces, asOf: asOf)
        if firstGroupExponent == nil { firstGroupExponent = group!.exponent }
    }

    private mutating func openAccount(into sink: inout some SettlementSink) {
        if let open = account {
            problem("line \(record.line): a 03 account before the 49 trailer of the account at line \(open.line)")
            closeAccount(trailer: false, into: &sink)
        }
        if group == nil { problem("line \(record.line): a 03 account outside a group (no 02 before it)") }
        group?.accounts += 1
        var fields = BAI2Record.Fields(record)
        let number = fields.next().map { String(decoding: BankText.trimmed($0.field), as: UTF8.self) } ?? ""
        var code = fields.next().map { String(decoding: BankText.trimmed($0.field), as: UTF8.self) } ?? ""
        if code.isEmpty { code = group?.currencyCode ?? "" }
        if code.isEmpty { code = "USD" }  // the BAI2 default
        var opened = BAI2Account(
            number: number, line: record.line, currencyCode: code, currency: Currency(code: code), records: record.pieces)
        while let type = fields.next() {
            if type.field.isEmpty && type.last { continue }  // `…,,,/`: an empty field before the slash
            let amount = fields.next()?.field ?? []
            _ = fields.next()  // item count
            let funds = fields.next()?.field ?? []
            Self.skipAvailability(funds, &fields)
            switch BAI2Amount.parse(amount, signed: true) {
            case .absent: break
            case .unreadable: opened.unreadable.append(record.line)
            case .value(let value):
                opened.total &+= value
                switch BankText.integer(type.field).map(Int.init) {
                case BAI2TypeCode.openingLedger: opened.opening = value
                case BAI2TypeCode.closingLedger: opened.closing = value
                default: break
                }
            }
        }
        account = opened
    }

    static func skipAvailability(_ funds: ArraySlice<UInt8>, _ fields: inout BAI2Record.Fields) {
        if let count = BAI2TypeCode.availabilityFields(funds) {
            for _ in 0..<count { _ = fields.next() }
        } else {
            let pairs = fields.next().flatMap { BankText.integer(BankText.trimmed($0.field)) } ?? 0
            for _ in 0..<(2 * min(pairs, 1000)) { _ = fields.next() }
        }
    }

    private mutating func detail(into sink: inout some SettlementSink) {
        func reject(_ reason: String) { sink.addReject(Reject(location: location(record.line), reason: reason)) }
        guard account != nil else {
            problem("line \(record.line): a 16 detail outside an account (no 03 before it)")
            return reject("a 16 detail outside an account (no 03 before it)")
        }
        var fields = BAI2Record.Fields(record)
        let type = fields.next()?.field ?? []
        let amountField = fields.next()?.field ?? []
        let funds = fields.next()?.field ?? []
        Self.skipAvailability(funds, &fields)
        let bankReference = fields.next()?.field ?? []
        let customerReference = fields.next()?.field ?? []
        let text = fields.text()
        let amount = BAI2Amount.parse(amountField, signed: false)
        let code = BankText.integer(BankText.trimmed(type)).map(Int.init)
        var minor: Int64 = 0
        switch amount {
        case .absent: break
        case .unreadable:
            account!.unreadable.append(record.line)
            return reject("amount '\(BankText.quoted(amountField))' is not a BAI2 amount (unsigned digits in minor units)")
        case .value(let value):
            minor = value
            account!.total &+= value
        }
        guard let code else { return reject("type code '\(BankText.quoted(type))' is not a number") }
        guard let direction = BAI2TypeCode.detailDirection(code) else {
            return reject("type code \(BankText.quoted(type)) is a status code; a 16 carries a detail type (100–999)")
        }
        switch direction {
        case .credit: account!.credits &+= minor
        case .debit: account!.debits &+= minor
        case .listed: break
        }
        var listed = false
        if case .listed = direction { listed = true }
        if amount == .absent && !listed { return reject("the 16 (type \(code)) has no amount") }
        guard let currency = account!.currency else {
            return reject("currency '\(account!.currencyCode)' is not an ISO 4217 code")
        }
        emitter.emit(
            BankEntry(
                line: record.line, direction: direction, amountMinor: minor, currency: currency,
                customerReference: Array(customerReference), bankReference: Array(bankReference), text: text, layout: .bai2,
                date: group?.asOf),
            into: &sink)
    }

    private mutating func closeAccount(trailer: Bool, into sink: inout some SettlementSink) {
        guard let closing = account else {
            if trailer { problem("line \(record.line): a 49 account trailer with no 03 account open") }
            return
        }
        account = nil
        if trailer {
            sink.addControl(controls.accountTrailer(closing, record))
        } else {
            problem("line \(closing.line): account \(closing.number) has no 49 trailer")
        }
        if let ledger = controls.ledger(closing) { sink.addControl(ledger) }
        group?.total &+= closing.total
        group?.unreadable += closing.unreadable.count
        if group == nil { fileTotal &+= closing.total }
        unreadable += closing.unreadable.count
    }

    private mutating func closeGroup(trailer: Bool, into sink: inout some SettlementSink) {
        if account != nil { closeAccount(trailer: false, into: &sink) }
        guard let closing = group else {
            if trailer { problem("line \(record.line): a 98 group trailer with no 02 group open") }
            return
        }
        group = nil
        groups += 1
        fileTotal &+= closing.total
        if trailer {
            sink.addControl(controls.groupTrailer(closing, record))
        } else {
            problem("line \(closing.line): the group has no 98 trailer")
        }
    }

    private mutating func closeFile(into sink: inout some SettlementSink) {
        if group != nil || account != nil { closeGroup(trailer: false, into: &sink) }
        closed = true
        sink.addControl(
            controls.fileTrailer(
                total: fileTotal, groups: groups, records: fileRecords, exponent: firstGroupExponent ?? 2,
                unreadable: unreadable, record))
    }

    private mutating func finish(into sink: inout some SettlementSink) {
        if !closed {
            if group != nil || account != nil { closeGroup(trailer: false, into: &sink) }
            problem("the file ends without its 99 file trailer (truncated?)")
        }
        let shown = structure.joined(separator: "; ") + (structureCount > structure.count ? "; …" : "")
        sink.addControl(
            ControlResult(
                name: "bai2 file: every account, group and the file closed by its trailer", ok: structureCount == 0,
                expected: "01, then per group 02 … 98 with per account 03 … 49, then 99",
                actual: structureCount == 0
                    ? "in order"
                    : "\(structureCount) problem\(structureCount == 1 ? "" : "s"): \(shown)", file: file.index))
    }
}
