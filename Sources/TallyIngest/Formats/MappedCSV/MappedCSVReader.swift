import TallyCore

#if canImport(Glibc)
import Glibc
#endif

/// Any CSV read through a ``CSVMapping`` (`--format csv --mapping FILE.yml`): columns by header
/// name, kinds through the mapping's value map (other values become non-transaction lines named
/// after the value), amounts as signed decimals, debit/credit pairs or minor units.
public struct MappedCSVReader: SettlementReader {
    public var mapping: CSVMapping
    public var maxFieldBytes: Int

    public init(mapping: CSVMapping, maxFieldBytes: Int = 1 << 20) {
        self.mapping = mapping
        self.maxFieldBytes = maxFieldBytes
    }

    public func read(
        _ file: SettlementFile, into sink: inout some SettlementSink, progress: (Int) -> Void
    ) throws(IngestError) {
        let descriptor = try file.open()
        defer { close(descriptor) }
        var reader = CSVReader(fileDescriptor: descriptor, delimiter: mapping.delimiter, maxFieldBytes: maxFieldBytes)
        let bound = try reader.forEachRow(
            of: file, skipping: mapping.skipRows,
            bind: { header throws(IngestError) in (try bind(header, file: file), header.count) }
        ) { record, columns in
            readRow(record, columns.0, columns.1, file, &sink)
        }
        guard bound != nil else {
            throw IngestError(
                code: .malformed,
                message: "no header row after skipping \(mapping.skipRows) row\(mapping.skipRows == 1 ? "" : "s")",
                path: file.path)
        }
    }

    func bind(_ header: CSVRecord, file: SettlementFile) throws(IngestError) -> [String: Int] {
        var positions: [String: Int] = [:]
        for column in 0..<header.count {
            guard let name = header.string(column) else {
                throw IngestError(
                    code: .malformed, message: "header column \(column + 1) is not valid UTF-8", path: file.path,
                    line: header.line)
            }
            if positions[name] == nil { positions[name] = column }
        }
        let missing = mapping.columns.filter { positions[$0] == nil }
        guard missing.isEmpty else {
            throw IngestError(
                code: .malformed,
                message:
                    "the header lacks the mapped column\(missing.count == 1 ? "" : "s") \(missing.map { "'\($0)'" }.joined(separator: ", "))",
                path: file.path, line: header.line,
                excerpt: IngestError.excerpt(positions.sorted { $0.value < $1.value }.prefix(15).map(\.key)))
        }
        return positions
    }

    private func readRow(
        _ record: CSVRecord, _ columns: [String: Int], _ headerCount: Int, _ file: SettlementFile,
        _ sink: inout some SettlementSink
    ) {
        let location = SourceLocation(file: file.index, line: record.line)
        func reject(_ reason: String) { sink.addReject(Reject(location: location, reason: reason)) }
        if let problem = record.problem { return reject(problem) }
        guard record.count == headerCount else {
            return reject("expected \(headerCount) fields as in the header, found \(record.count)")
        }
        func field(_ name: String) -> UnsafeBufferPointer<UInt8> { record[columns[name]!] }
        func text(_ name: String) -> String { String(decoding: field(name), as: UTF8.self) }

        let currency: Currency
        switch mapping.currency {
        case .constant(let value): currency = value
        case .column(let name):
            guard let value = Currency(bytes: field(name)) else {
                return reject("\(name) '\(text(name))' is not an ISO 4217 code")
            }
            currency = value
        }
        func parse(_ name: String) -> Int64?? {
            let bytes = field(name)
            if bytes.isEmpty { return .some(nil) }
            do throws(MoneyError) {
                let exponent = mapping.minorUnits ? 0 : currency.exponent
                guard let grouping = mapping.thousandsSeparator, bytes.contains(grouping) else {
                    return .some(
                        try MoneyParser.parseMinor(bytes, exponent: exponent, decimalSeparator: mapping.decimalSeparator))
                }
                let digits = bytes.filter { $0 != grouping }
                let result = digits.withUnsafeBufferPointer { digits in
                    Result { () throws(MoneyError) in
                        try MoneyParser.parseMinor(digits, exponent: exponent, decimalSeparator: mapping.decimalSeparator)
                    }
                }
                return .some(try result.get())
            } catch {
                reject("\(name) '\(text(name))': \(error) (\(currency.code))")
                return nil
            }
        }
        let amount: Int64
        switch mapping.amount {
        case .signed(let column):
            guard let parsed = parse(column) else { return }
            guard let value = parsed else { return reject("\(column) is empty") }
            amount = value
        case .debitCredit(let debitColumn, let creditColumn):
            guard let debit = parse(debitColumn), let credit = parse(creditColumn) else { return }
            guard debit != nil || credit != nil else { return reject("both \(debitColumn) and \(creditColumn) are empty") }
            amount = abs(credit ?? 0) - abs(debit ?? 0)
        }
        var fee: Int64 = 0
        var net = amount
        if let name = mapping.fee {
            guard let parsed = parse(name) else { return }
            fee = parsed ?? 0
        }
        if let name = mapping.net {
            guard let parsed = parse(name) else { return }
            net = parsed ?? amount
        }
        if let name = mapping.timestampColumn, let format = mapping.timestampFormat, !field(name).isEmpty,
            format.parse(field(name)) == nil
        {
            return reject("\(name) '\(text(name))' does not match the mapping's timestamp format")
        }
        let kind: TransactionKind?
        var category = ""
        switch mapping.kind {
        case .constant(let value): kind = value
        case .column(let name, let values):
            category = text(name)
            kind = values[category]
        }
        guard let kind else {
            guard !category.isEmpty else { return reject("the kind column is empty") }
            sink.addNonTransaction(NonTransactionLine(category: category, currency: currency, gross: amount, fee: fee, net: net))
            return
        }
        let reference = field(mapping.reference)
        guard amount != .min else { return reject("the amount does not fit in 64-bit minor units") }
        func details() -> LineDetails {
            let date = mapping.timestampColumn.flatMap { name in
                mapping.timestampFormat?.parse(field(name)).map {
                    CivilDate(daysSinceEpoch: Int($0.microseconds / 86_400_000_000))
                }
            }
            return LineDetails(
                date: date, remittance: mapping.remittance.map(text) ?? "", counterparty: mapping.counterparty.map(text) ?? "")
        }
        guard !reference.isEmpty else {
            // with rule passes configured, a line without reference is theirs to pair; without, a reject
            guard sink.wantsLineDetails else { return reject("\(mapping.reference) (the reference) is empty") }
            return sink.addUnreferencedTransaction(
                kind: kind, amount: Money(minor: abs(amount), currency: currency), location: location, details: details())
        }
        guard UTF8Validation.isValid(reference) else { return reject("the reference is not valid UTF-8") }
        sink.addTransaction(reference, kind: kind, amount: Money(minor: abs(amount), currency: currency), location: location)
        // With a net column the fee is what the net lacks of the signed gross, whatever sign the
        // export gives its fee column (Checkout.com writes a negative deduction); without one, a fee
        // column is a charge whatever its sign.
        let lineFee = mapping.net != nil ? amount &- net : fee == .min ? 0 : abs(fee)
        if lineFee != 0 { sink.noteFee(Money(minor: lineFee, currency: currency), of: kind) }
        if sink.wantsLineDetails { sink.noteDetails(details()) }
    }
}
