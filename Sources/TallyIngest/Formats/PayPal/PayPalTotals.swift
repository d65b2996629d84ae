import TallyCore

/// Gross and fee credits and debits of one currency, in PayPal's hundredths: what an `SF` or `RF`
/// footer states and what the `SB` records add up to.
struct PayPalTotals: Equatable {
    var grossCredit: Int64 = 0
    var grossDebit: Int64 = 0
    var feeCredit: Int64 = 0
    var feeDebit: Int64 = 0

    /// What the movements do to the balance.
    var movement: Int64 { grossCredit &- grossDebit &+ feeCredit &- feeDebit }

    mutating func add(_ other: PayPalTotals) {
        grossCredit &+= other.grossCredit
        grossDebit &+= other.grossDebit
        feeCredit &+= other.feeCredit
        feeDebit &+= other.feeDebit
    }

    func text(_ currency: Currency) -> String {
        let parts = [
            ("gross CR", grossCredit), ("gross DR", grossDebit), ("fee CR", feeCredit), ("fee DR", feeDebit),
        ]
        return parts.map { "\($0.0) \(PayPalAmount.decimal($0.1))" }.joined(separator: ", ") + " \(currency.code)"
    }
}

/// An `SF` (section) or `RF` (report) footer row: per currency, the totals and the balances.
///
/// `SF, <currency>, TotalGrossCredit, TotalGrossDebit, TotalFeeCredit, TotalFeeDebit,
/// <CR|DR>, BeginningAvailableBalance, <CR|DR>, EndingAvailableBalance, …` (../shared/FORMATS.md §3.4).
/// The later balance pairs are not checked: their meaning is not documented.
struct PayPalFooter {
    var currency: Currency
    var totals: PayPalTotals
    /// Signed beginning and ending available balance, nil when the fields are not readable.
    var balances: (beginning: Int64, ending: Int64)?

    static func read(_ record: CSVRecord) throws(PayPalAmount.Problem) -> PayPalFooter {
        if let problem = record.problem { throw PayPalAmount.Problem(reason: problem) }
        guard record.count >= 6 else {
            throw PayPalAmount.Problem(reason: "a footer needs a currency and four totals, found \(record.count) fields")
        }
        guard let currency = Currency(bytes: record[1]) else {
            throw PayPalAmount.Problem(
                reason: "footer currency '\(String(decoding: record[1].prefix(16), as: UTF8.self))' is not an ISO 4217 code")
        }
        let totals = PayPalTotals(
            grossCredit: try PayPalAmount.hundredths(record[2], "total gross credit"),
            grossDebit: try PayPalAmount.hundredths(record[3], "total gross debit"),
            feeCredit: try PayPalAmount.hundredths(record[4], "total fee credit"),
            feeDebit: try PayPalAmount.hundredths(record[5], "total fee debit"))
        var balances: (Int64, Int64)?
        if record.count >= 10 {
            balances = try? (signed(record, 6), signed(record, 8))
        }
        return PayPalFooter(currency: currency, totals: totals, balances: balances)
    }

    private static func signed(_ record: CSVRecord, _ flag: Int) throws(PayPalAmount.Problem) -> Int64 {
        try PayPalAmount.direction(record[flag], "balance direction") * PayPalAmount.hundredths(record[flag + 1], "balance")
    }
}
