import TallyCore

/// The totals of one category and currency of non-transaction lines, as report.json's
/// `summary.non_transactions` and `tally inspect --json`'s `non_transactions` both write them.
public struct NonTransactionEntry: Encodable, Sendable {
    var category: String
    var currency: String
    var count: Int
    var grossMinor: Int64
    var feeMinor: Int64
    var netMinor: Int64

    enum CodingKeys: String, CodingKey {
        case category, currency, count
        case grossMinor = "gross_minor"
        case feeMinor = "fee_minor"
        case netMinor = "net_minor"
    }

    /// - Parameter category: the category as it is to be written (masked, when personal data is).
    public init(category: String, currency: Currency, total: NonTransactionTotals.Total) {
        self.category = category
        self.currency = currency.code
        count = total.count
        grossMinor = total.gross
        feeMinor = total.fee
        netMinor = total.net
    }
}

/// One line of a file that fails a per-line control, in report.json and `tally inspect --json`.
public struct ControlLineEntry: Encodable, Sendable {
    var line: Int
    var expected: String
    var actual: String

    public init(_ line: ControlLine) {
        self.line = line.line
        expected = line.expected
        actual = line.actual
    }
}
