import TallyCore
import TallyIngest
import TallyReport

/// `tally inspect --json`: what Tally reads in one file. The keys are a contract; they stay.
struct InspectDocument: Encodable {
    var file: String
    var format: String
    var detected: Bool
    var transactionCount: Int
    /// Of those, the ones with no reference at all (their `reference` is empty).
    var unreferencedCount: Int
    var nonTransactionCount: Int
    var transactions: [Transactions]
    var nonTransactions: [NonTransactionEntry]
    var controls: [Control]
    var rejectCount: Int
    var rejects: [Reject]
    var firstRecords: [Record]
    /// How the file was read, when a person should know (a legacy 8-bit encoding).
    var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case file, format, detected, transactions, controls, rejects, warnings
        case transactionCount = "transaction_count"
        case unreferencedCount = "unreferenced_count"
        case nonTransactionCount = "non_transaction_count"
        case nonTransactions = "non_transactions"
        case rejectCount = "reject_count"
        case firstRecords = "first_records"
    }

    /// The transactions of one kind and currency.
    struct Transactions: Encodable {
        var kind: String
        var currency: String
        var count: Int
        var amountMinor: Int64
        var amount: String
        /// The fees the lines state: positive when charged (added after schema 1's first fields).
        var feeMinor: Int64

        enum CodingKeys: String, CodingKey {
            case kind, currency, count, amount
            case amountMinor = "amount_minor"
            case feeMinor = "fee_minor"
        }
    }

    /// One of the file's own controls, with the first lines that fail it.
    struct Control: Encodable {
        var name: String
        var ok: Bool
        var expected: String
        var actual: String
        var lines: [ControlLineEntry]
        var moreLines: Int

        enum CodingKeys: String, CodingKey {
            case name, ok, expected, actual, lines
            case moreLines = "more_lines"
        }
    }

    struct Reject: Encodable {
        var line: Int
        var reason: String
    }

    /// One of the first transactions; `original_reference` only when the file names one.
    struct Record: Encodable {
        var line: Int
        var reference: String
        var kind: String
        var amountMinor: Int64
        var currency: String
        var originalReference: String?

        enum CodingKeys: String, CodingKey {
            case line, reference, kind, currency
            case amountMinor = "amount_minor"
            case originalReference = "original_reference"
        }
    }

    init(_ sink: InspectionSink, format: SettlementFormat, detected: Bool, file: String, mask: Masking) {
        self.file = file
        self.format = format.rawValue
        self.detected = detected
        transactionCount = sink.transactionCount
        unreferencedCount = sink.unreferencedCount
        nonTransactionCount = sink.nonTransactionCount
        transactions = sink.sortedTransactions.map {
            Transactions(
                kind: $0.key.kind.name, currency: $0.key.currency.code, count: $0.total.count,
                amountMinor: $0.total.amountMinor,
                amount: MoneyFormatter.decimal($0.total.amountMinor, exponent: $0.key.currency.exponent),
                feeMinor: $0.total.feeMinor)
        }
        nonTransactions = sink.nonTransactions.sorted.map {
            NonTransactionEntry(category: mask.freeText($0.key.category), currency: $0.key.currency, total: $0.total)
        }
        controls = sink.controls.map {
            Control(
                name: mask.message($0.name), ok: $0.ok, expected: mask.message($0.expected), actual: mask.message($0.actual),
                lines: $0.lines.map(ControlLineEntry.init),
                moreLines: $0.moreLines)
        }
        rejectCount = sink.rejectCount
        warnings = sink.notices.map(mask.message)
        rejects = sink.rejects.map { Reject(line: $0.location.line, reason: mask.message($0.reason)) }
        firstRecords = sink.firstRecords.map {
            Record(
                line: $0.location.line, reference: $0.reference, kind: $0.kind.name, amountMinor: $0.amount.minor,
                currency: $0.amount.currency.code, originalReference: $0.originalReference)
        }
    }
}
