import TallyCore

/// One `SB` record (a balance-affecting event), read and checked, before it goes to the sink.
struct PayPalLine {
    var event: PayPalEventCode
    /// +1 for CR, −1 for DR (relative to the merchant account).
    var direction: Int64
    /// Gross in PayPal's hundredths, unsigned, and in minor units of ``currency``.
    var grossHundredths: Int64
    var grossMinor: Int64
    var currency: Currency
    /// The fee, when there is one: its direction, hundredths, minor units and currency.
    var fee: (direction: Int64, hundredths: Int64, minor: Int64, currency: Currency)?
    /// The matched kind, or nil for a non-transaction line.
    var kind: TransactionKind?

    static func read(_ record: CSVRecord, _ columns: PayPalLayout) throws(PayPalAmount.Problem) -> PayPalLine {
        typealias Problem = PayPalAmount.Problem
        if let problem = record.problem { throw Problem(reason: problem) }
        // reports pad records with empty fields; fewer fields than the CH or non-empty extras are errors
        guard record.count >= columns.count else {
            throw Problem(reason: "expected \(columns.count) fields as in the CH row, found \(record.count)")
        }
        for extra in columns.count..<record.count where !record[extra].isEmpty {
            throw Problem(reason: "field \(extra + 1) is beyond the CH row's \(columns.count) columns and not empty")
        }
        let codeBytes = record[columns.eventCode]
        guard let event = PayPalEventCode(codeBytes) else {
            throw Problem(
                reason:
                    "Transaction Event Code '\(String(decoding: codeBytes.prefix(16), as: UTF8.self))' is not T followed by four digits"
            )
        }
        let direction = try PayPalAmount.direction(record[columns.direction], "Transaction Debit or Credit")
        let currency = try Self.currency(record[columns.currency], "Gross Transaction Currency")
        let grossHundredths = try PayPalAmount.hundredths(record[columns.gross], "Gross Transaction Amount")
        let grossMinor = try PayPalAmount.minor(grossHundredths, currency)
        var fee: (Int64, Int64, Int64, Currency)?
        if let column = columns.fee, !record[column].isEmpty {
            let hundredths = try PayPalAmount.hundredths(record[column], "Fee Amount")
            if hundredths != 0 {
                guard let directionColumn = columns.feeDirection else {
                    throw Problem(reason: "a Fee Amount needs a Fee Debit or Credit column")
                }
                let feeDirection = try PayPalAmount.direction(record[directionColumn], "Fee Debit or Credit")
                var feeCurrency = currency
                if let column = columns.feeCurrency, !record[column].isEmpty {
                    feeCurrency = try Self.currency(record[column], "Fee Currency")
                }
                fee = (feeDirection, hundredths, try PayPalAmount.minor(hundredths, feeCurrency), feeCurrency)
            }
        }
        for (column, name) in [
            (columns.initiated, "Transaction Initiation Date"), (columns.completed, "Transaction Completion Date"),
        ] {
            guard let column, !record[column].isEmpty else { continue }
            guard PayPalTimestamp.parse(record[column]) != nil else {
                throw Problem(
                    reason:
                        "\(name) '\(String(decoding: record[column].prefix(40), as: UTF8.self))' is not YYYY/MM/DD HH:MM:SS ±hhmm"
                )
            }
        }
        let kind = event.kind(direction: direction)
        if kind != nil {
            let reference = record[columns.transactionID]
            guard !reference.isEmpty else { throw Problem(reason: "no reference: Transaction ID is empty") }
            guard UTF8Validation.isValid(reference) else { throw Problem(reason: "the reference is not valid UTF-8") }
        }
        return PayPalLine(
            event: event, direction: direction, grossHundredths: grossHundredths, grossMinor: grossMinor,
            currency: currency, fee: fee, kind: kind)
    }

    private static func currency(_ bytes: UnsafeBufferPointer<UInt8>, _ name: String) throws(PayPalAmount.Problem) -> Currency {
        guard let currency = Currency(bytes: bytes) else {
            throw PayPalAmount.Problem(
                reason: "\(name) '\(String(decoding: bytes.prefix(16), as: UTF8.self))' is not an ISO 4217 code")
        }
        return currency
    }

    /// Hands the line to the sink: a transaction by `Transaction ID`, or a non-transaction line.
    func emit(_ record: CSVRecord, _ columns: PayPalLayout, _ location: SourceLocation, into sink: inout some SettlementSink) {
        if let kind {
            sink.addTransaction(
                record[columns.transactionID], kind: kind, amount: Money(minor: grossMinor, currency: currency),
                location: location)
            if kind != .charge, let column = columns.referenceID {
                let original = record[column]
                if !original.isEmpty, UTF8Validation.isValid(original) { sink.noteOriginalReference(original) }
            }
            if let fee, fee.minor != 0 {
                sink.noteFee(Money(minor: -fee.direction * fee.minor, currency: fee.currency), of: kind)
            }
            return
        }
        let gross = direction * grossMinor
        // a fee in the line's currency is a deduction when DR (gross − fee = net, as Stripe's lines)
        var feeMinor: Int64 = 0
        if let fee, fee.currency == currency { feeMinor = -fee.direction * fee.minor }
        sink.addNonTransaction(
            NonTransactionLine(
                category: event.category(direction: direction), currency: currency, gross: gross, fee: feeMinor,
                net: gross &- feeMinor))
        // T0400, a general withdrawal: a payout to the bank, by its Transaction ID
        if event.number == 400, direction < 0, let reference = String(validating: record[columns.transactionID], as: UTF8.self),
            !reference.isEmpty
        {
            let date = columns.initiated.flatMap {
                CivilDate(iso: String(String(decoding: record[$0].prefix(10), as: UTF8.self).map { $0 == "/" ? "-" : $0 }))
            }
            sink.addPayout(
                AnnouncedPayout(
                    reference: reference, amount: Money(minor: grossMinor, currency: currency), date: date, location: location))
        }
    }
}
