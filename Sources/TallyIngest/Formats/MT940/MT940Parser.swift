import TallyCore

/// The state machine of ``MT940Reader``: physical lines → tagged fields → statements, with each
/// `:61:` held until its `:86:` is read and each statement checked when the next one starts.
struct MT940Parser {
    let file: SettlementFile
    let format: String
    let maxFieldBytes: Int
    private let controls: MT940Controls
    private let emitter: BankEntryEmitter
    private var field = MT940Field()
    private var hasField = false
    private var statement: MT940Statement?
    private var pending: BankEntry?
    private var pages = MT940Pages()
    private var sawTag = false

    init(file: SettlementFile, format: String, maxFieldBytes: Int) {
        self.file = file
        self.format = format
        self.maxFieldBytes = maxFieldBytes
        controls = MT940Controls(format: format, file: file.index)
        emitter = BankEntryEmitter(file: file.index)
    }

    mutating func run(descriptor: Int32, into sink: inout some SettlementSink, progress: (Int) -> Void) throws(IngestError) {
        let legacyLine = try LineReader.readBankFile(
            file, descriptor: descriptor, maxLineBytes: maxFieldBytes, progress: progress
        ) { line in take(line.bytes, number: line.number, overlong: line.overlong, into: &sink) }
        endField(into: &sink)
        guard sawTag else {
            throw IngestError(
                code: .malformed, message: "not an \(format.uppercased()) file: no :20: or :25: tag in it", path: file.path)
        }
        endStatement(into: &sink)
        for control in pages.controls(format: format, file: file.index) { sink.addControl(control) }
        if let legacyLine { sink.addNotice(LineReader.legacyNotice(file, line: legacyLine)) }
    }

    private func location(_ line: Int) -> SourceLocation { SourceLocation(file: file.index, line: line) }

    private mutating func take(
        _ bytes: UnsafeBufferPointer<UInt8>, number: Int, overlong: Bool, into sink: inout some SettlementSink
    ) {
        switch MT940Line.classify(bytes) {
        case .blank: return
        case .end:
            endField(into: &sink)
            endStatement(into: &sink)
        case .envelope(let after):
            endField(into: &sink)
            if let after, !after.isEmpty {
                take(UnsafeBufferPointer(rebasing: bytes[after]), number: number, overlong: overlong, into: &sink)
            }
        case .tag(let tag, let rest):
            endField(into: &sink)
            field.tag = Array(bytes[tag])
            field.line = number
            field.content = Array(bytes[rest].prefix(maxFieldBytes))
            field.overlong = overlong
            hasField = true
            if field.is("20") || field.is("25") { sawTag = true }
        case .text(let range):
            guard hasField && field.continues else { return }
            let room = maxFieldBytes - field.content.count
            if room <= range.count { field.overlong = true }
            if room > 1 {
                field.content.append(0x0A)
                field.content.append(contentsOf: bytes[range].prefix(room - 1))
            }
            if overlong { field.overlong = true }
        }
    }

    private mutating func endField(into sink: inout some SettlementSink) {
        guard hasField else { return }
        hasField = false
        process(into: &sink)
    }

    private mutating func reject(_ line: Int, _ reason: String, into sink: inout some SettlementSink) {
        sink.addReject(Reject(location: location(line), reason: reason))
    }

    private mutating func process(into sink: inout some SettlementSink) {
        if field.overlong && !field.is("86") && !field.is("NS") {
            let name = String(decoding: field.tag, as: UTF8.self)
            if field.is("61") { statement?.unreadable.append("line \(field.line): :61: too long") }
            return reject(field.line, ":\(name): longer than \(maxFieldBytes) bytes; not read", into: &sink)
        }
        if field.is("20") {
            endStatement(into: &sink)
            open()
            statement!.reference = String(decoding: BankText.trimmed(field.firstLine), as: UTF8.self)
            return
        }
        if field.is("25") {
            if let current = statement, current.closing != nil { endStatement(into: &sink) }
            if statement == nil { open() }
            let account = BankText.trimmed(field.firstLine)
            statement!.account = String(decoding: account, as: UTF8.self)
            if statement!.currencyCode == nil, account.count > 3,
                let currency = Currency(code: String(decoding: account.suffix(3), as: UTF8.self)),
                account.suffix(3).allSatisfy(BankText.isUpper)
            {
                statement!.currencyCode = currency.code
            }
            return
        }
        if field.is("60F") || field.is("60M") {
            if let current = statement, current.opening != nil { endStatement(into: &sink) }
        }
        if statement == nil {
            guard field.is("60F") || field.is("60M") || field.is("61") || field.is("34F") else { return }
            open()
        }
        if field.is("86") || field.is("NS") {
            information(into: &sink)
            return
        }
        flushPending(into: &sink)
        switch String(decoding: field.tag, as: UTF8.self) {
        case "28", "28C": statement!.setNumber(field.firstLine)
        case "60F", "60M": balance(opening: true, into: &sink)
        case "62F", "62M": balance(opening: false, into: &sink)
        case "64", "65":
            do throws(MT940Balance.Problem) {
                _ = try MT940Balance(field, fallbackCurrency: statement!.currencyCode)
            } catch {
                reject(field.line, error.reason, into: &sink)
            }
        case "34F": floorLimit(into: &sink)
        case "90D", "90C":
            do throws(MT940Balance.Problem) {
                let turnover = try MT940Turnover(field)
                if field.is("90D") { statement!.declaredDebits = turnover } else { statement!.declaredCredits = turnover }
            } catch {
                statement!.unreadable.append("line \(field.line): \(error.reason)")
                reject(field.line, error.reason, into: &sink)
            }
        case "61": entry(into: &sink)
        default: break  // :21:, :13D:, … carry nothing Tally checks
        }
    }

    private mutating func open() {
        statement = MT940Statement(line: field.line)
    }

    private mutating func balance(opening: Bool, into sink: inout some SettlementSink) {
        do throws(MT940Balance.Problem) {
            let balance = try MT940Balance(field, fallbackCurrency: statement!.currencyCode)
            if opening {
                statement!.opening = balance
                statement!.currencyCode = balance.currencyCode
            } else {
                statement!.closing = balance
            }
        } catch {
            statement!.unreadable.append("line \(field.line): \(error.reason)")
            reject(field.line, error.reason, into: &sink)
        }
    }

    /// MT942 `:34F:` floor limit: currency, optional D or C, amount. It names the report's currency.
    private mutating func floorLimit(into sink: inout some SettlementSink) {
        let bytes = BankText.trimmed(field.firstLine)
        guard bytes.count >= 4, let currency = Currency(code: String(decoding: bytes.prefix(3), as: UTF8.self)) else {
            return reject(field.line, ":34F: '\(BankText.quoted(bytes))' is not a currency and floor limit", into: &sink)
        }
        var amount = bytes.dropFirst(3)
        if amount.first == UInt8(ascii: "D") || amount.first == UInt8(ascii: "C") { amount = amount.dropFirst() }
        do throws(MT940Balance.Problem) {
            _ = try MT940Amount.parse(amount, currency: currency, field: "34F")
            if statement!.currencyCode == nil { statement!.currencyCode = currency.code }
        } catch {
            reject(field.line, error.reason, into: &sink)
        }
    }

    private mutating func entry(into sink: inout some SettlementSink) {
        guard let code = statement!.currencyCode else {
            statement!.unreadable.append("line \(field.line): :61: without a currency")
            return reject(
                field.line, ":61: the statement names no currency before it (no :60F:, :60M: or :34F:)", into: &sink)
        }
        do throws(MT940StatementLine.Problem) {
            let line = try MT940StatementLine(field, currencyCode: code)
            statement!.add(line)
            guard let currency = Currency(code: code) else {
                // added up for the balance, but not an amount Tally can match
                return reject(field.line, ":61: currency '\(code)' is not an active ISO 4217 code", into: &sink)
            }
            let direction: BankEntry.Direction
            switch line.mark {
            case .credit: direction = .credit
            case .debit: direction = .debit
            case .reversedCredit: direction = .listed(category: "\(format) reversal RC", sign: -1)
            case .reversedDebit: direction = .listed(category: "\(format) reversal RD", sign: 1)
            }
            pending = BankEntry(
                line: field.line, direction: direction, amountMinor: line.minor, currency: currency,
                customerReference: Array(line.customerReference), bankReference: Array(line.bankReference), text: [],
                supplementary: line.supplementary, layout: .mt940, date: line.entryDate ?? line.valueDate)
        } catch {
            statement!.unreadable.append("line \(field.line): \(error.reason)")
            reject(field.line, error.reason, into: &sink)
        }
    }

    /// `:86:` after a `:61:` is its information to the account owner; after the closing balance it
    /// is about the statement. `:NS:` (FinTS) sub-fields go with the entry the same way.
    private mutating func information(into sink: inout some SettlementSink) {
        if field.overlong {
            reject(
                field.line,
                ":\(String(decoding: field.tag, as: UTF8.self)): longer than \(maxFieldBytes) bytes; its text is not read",
                into: &sink)
            return
        }
        guard pending != nil else { return }
        if !pending!.text.isEmpty { pending!.text.append(0x0A) }
        pending!.text.append(contentsOf: field.content)
    }

    private mutating func flushPending(into sink: inout some SettlementSink) {
        guard let entry = pending else { return }
        pending = nil
        emitter.emit(entry, into: &sink)
    }

    private mutating func endStatement(into sink: inout some SettlementSink) {
        flushPending(into: &sink)
        guard let done = statement else { return }
        statement = nil
        guard done.hasContent else { return }
        controls.check(done, into: &sink)
        pages.add(done)
    }
}
