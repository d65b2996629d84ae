import TallyCore

/// One data row of a settlement details report, read and checked, before it goes to the sink.
struct AdyenRow {
    var type: AdyenJournalType
    /// Signed gross (credit − debit) in the gross currency, when the row has one.
    var gross: Money?
    /// Signed net (credit − debit) in the net currency, when the row has one.
    var net: Money?
    /// The amount a transaction is matched on: the gross of its direction, absolute.
    var matched: Money?
    /// The currency of a non-transaction line: the net currency, else the gross currency.
    var lineCurrency: Currency?

    struct Problem: Error {
        var reason: String
    }

    static func read(_ record: CSVRecord, _ columns: AdyenLayout) -> Result<AdyenRow, Problem> {
        do throws(Problem) {
            return .success(try parse(record, columns))
        } catch {
            return .failure(error)
        }
    }

    private static func parse(_ record: CSVRecord, _ columns: AdyenLayout) throws(Problem) -> AdyenRow {
        if let problem = record.problem { throw Problem(reason: problem) }
        guard record.count == columns.count else {
            throw Problem(reason: "expected \(columns.count) fields as in the header, found \(record.count)")
        }
        guard let type = AdyenJournalType(record[columns.type]) else {
            throw Problem(reason: "Type is empty or not valid UTF-8")
        }
        let grossCurrency = try currency(record, columns.grossCurrency, "Gross Currency")
        let netCurrency = try currency(record, columns.netCurrency, "Net Currency")
        let grossDebit = try amount(record, columns.grossDebit, "Gross Debit (GC)", grossCurrency, "Gross Currency")
        let grossCredit = try amount(record, columns.grossCredit, "Gross Credit (GC)", grossCurrency, "Gross Currency")
        let netDebit = try amount(record, columns.netDebit, "Net Debit (NC)", netCurrency, "Net Currency")
        let netCredit = try amount(record, columns.netCredit, "Net Credit (NC)", netCurrency, "Net Currency")
        let created = record[columns.creationDate]
        if !created.isEmpty || type.isTransaction {
            switch AdyenCreationDate.parse(date: created, zone: record[columns.timeZone]) {
            case .success: break
            case .failure(.date):
                throw Problem(reason: "Creation Date '\(text(created))' is not YYYY-MM-DD HH:MM:SS")
            case .failure(.zone):
                throw Problem(
                    reason: "TimeZone '\(text(record[columns.timeZone]))' is not a known zone abbreviation or offset")
            }
        }
        var row = AdyenRow(type: type)
        if let grossCurrency, grossDebit != nil || grossCredit != nil {
            row.gross = Money(minor: try difference(grossCredit ?? 0, grossDebit ?? 0), currency: grossCurrency)
        }
        if let netCurrency, netDebit != nil || netCredit != nil {
            row.net = Money(minor: try difference(netCredit ?? 0, netDebit ?? 0), currency: netCurrency)
        }
        if case .transaction(let kind) = type {
            guard let grossCurrency else { throw Problem(reason: "a \(kind.name) line needs a Gross Currency") }
            let primary = kind == .charge ? grossCredit : grossDebit
            let other = kind == .charge ? grossDebit : grossCredit
            guard let amount = primary ?? other else {
                throw Problem(reason: "a \(kind.name) line needs Gross Credit (GC) or Gross Debit (GC)")
            }
            guard amount != .min else { throw Problem(reason: "the gross does not fit in 64-bit minor units") }
            row.matched = Money(minor: abs(amount), currency: grossCurrency)
            let reference = record[kind == .charge ? columns.pspReference : columns.modificationReference]
            guard !reference.isEmpty else {
                throw Problem(reason: "no reference: \(kind == .charge ? "Psp Reference" : "Modification Reference") is empty")
            }
            guard UTF8Validation.isValid(reference) else { throw Problem(reason: "the reference is not valid UTF-8") }
        } else {
            guard let currency = netCurrency ?? grossCurrency else {
                throw Problem(reason: "a \(type.category) line needs a Net Currency")
            }
            row.lineCurrency = currency
        }
        return row
    }

    private init(type: AdyenJournalType) { self.type = type }

    /// Hands the row to the sink: a transaction with its reference, or a non-transaction line.
    func emit(_ record: CSVRecord, _ columns: AdyenLayout, _ location: SourceLocation, into sink: inout some SettlementSink) {
        if case .transaction(let kind) = type, let matched {
            // parse() checked that the reference is there and valid UTF-8
            let reference = record[kind == .charge ? columns.pspReference : columns.modificationReference]
            sink.addTransaction(reference, kind: kind, amount: matched, location: location)
            let original = record[columns.pspReference]
            if kind != .charge, !original.isEmpty, UTF8Validation.isValid(original) { sink.noteOriginalReference(original) }
            // commission, markup, scheme fees, interchange and a chargeback's fee: what the net
            // lacks of the gross, when both are in one currency
            if let gross, let net, gross.currency == net.currency, gross.minor != net.minor {
                sink.noteFee(Money(minor: gross.minor &- net.minor, currency: net.currency), of: kind)
            }
            return
        }
        sink.addNonTransaction(nonTransactionLine)
    }

    /// A payout, fee, correction or reversal in the net currency (+ = into the merchant account).
    ///
    /// Gross and fee are given only when the gross is in the same currency as the net; otherwise
    /// (and for rows without a gross) the gross is the net and the fee 0.
    var nonTransactionLine: NonTransactionLine {
        guard let net else {
            // no net: the gross when there is one, else a line of zero (a payout row with empty amounts);
            // parse() sets lineCurrency on every row that is not a transaction
            let gross = gross ?? Money(minor: 0, currency: lineCurrency!)
            return NonTransactionLine(category: type.category, currency: gross.currency, gross: gross.minor, net: gross.minor)
        }
        if let gross, gross.currency == net.currency {
            return NonTransactionLine(
                category: type.category, currency: net.currency, gross: gross.minor, fee: gross.minor &- net.minor,
                net: net.minor)
        }
        return NonTransactionLine(category: type.category, currency: net.currency, gross: net.minor, net: net.minor)
    }

    // MARK: Fields

    private static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes.prefix(64), as: UTF8.self)
    }

    /// The currency of a column, nil when empty.
    private static func currency(_ record: CSVRecord, _ column: Int, _ name: String) throws(Problem) -> Currency? {
        let bytes = record[column]
        if bytes.isEmpty { return nil }
        guard let currency = Currency(bytes: bytes) else {
            throw Problem(reason: "\(name) '\(text(bytes))' is not an ISO 4217 code")
        }
        return currency
    }

    /// An amount column in minor units of `currency`; nil when empty or zero (Adyen writes all three).
    private static func amount(
        _ record: CSVRecord, _ column: Int, _ name: String, _ currency: Currency?, _ currencyName: String
    ) throws(Problem) -> Int64? {
        let bytes = record[column]
        if bytes.isEmpty { return nil }
        guard let currency else {
            // a bare 0 without a currency is as absent as an empty field
            if bytes.allSatisfy({ $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: ".") }) { return nil }
            throw Problem(reason: "\(name) '\(text(bytes))' has no \(currencyName)")
        }
        do throws(MoneyError) {
            let minor = try MoneyParser.parseMinor(bytes, exponent: currency.exponent)
            return minor == 0 ? nil : minor
        } catch {
            throw Problem(reason: "\(name) '\(text(bytes))': \(error) (\(currency.code))")
        }
    }

    private static func difference(_ credit: Int64, _ debit: Int64) throws(Problem) -> Int64 {
        let (value, overflow) = credit.subtractingReportingOverflow(debit)
        if overflow { throw Problem(reason: "credit − debit does not fit in 64-bit minor units") }
        return value
    }
}

extension AdyenJournalType {
    var isTransaction: Bool {
        if case .transaction = self { return true }
        return false
    }
}
