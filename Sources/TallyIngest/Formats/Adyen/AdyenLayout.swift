/// The columns of a settlement details report, bound by name from its header row.
///
/// Adyen has shipped at least six header variants (25 to 49 columns, `Reserved4…10` placeholders
/// that newer files fill with `Booking Date`, `Metadata` and more), so nothing is bound by position.
struct AdyenLayout {
    static let required = [
        "Type", "Psp Reference", "Modification Reference", "Creation Date", "TimeZone", "Gross Currency",
        "Gross Debit (GC)", "Gross Credit (GC)", "Net Currency", "Net Debit (NC)", "Net Credit (NC)",
    ]

    var count: Int
    var type: Int
    var pspReference: Int
    var modificationReference: Int
    var creationDate: Int
    var timeZone: Int
    var grossCurrency: Int
    var grossDebit: Int
    var grossCredit: Int
    var netCurrency: Int
    var netDebit: Int
    var netCredit: Int
    var batchNumber: Int?
    /// `Merchant Account` (else `Company Account`): whose batches these are, for the payouts.
    var merchantAccount: Int?

    /// - Throws: a message naming the missing columns (and what the header has instead).
    init(header: CSVRecord) throws(HeaderProblem) {
        if let problem = header.problem { throw HeaderProblem(message: "unreadable header row: \(problem)") }
        let names = try HeaderNames(header)
        let missing = names.missing(Self.required)
        guard missing.isEmpty else {
            throw HeaderProblem(
                message: "not an Adyen settlement details report: the header lacks \(missing.joined(separator: ", "))",
                excerpt: names.sample)
        }
        count = header.count
        type = names["Type"]!
        pspReference = names["Psp Reference"]!
        modificationReference = names["Modification Reference"]!
        creationDate = names["Creation Date"]!
        timeZone = names["TimeZone"]!
        grossCurrency = names["Gross Currency"]!
        grossDebit = names["Gross Debit (GC)"]!
        grossCredit = names["Gross Credit (GC)"]!
        netCurrency = names["Net Currency"]!
        netDebit = names["Net Debit (NC)"]!
        netCredit = names["Net Credit (NC)"]!
        batchNumber = names["Batch Number"]
        merchantAccount = names["Merchant Account"] ?? names["Company Account"]
    }
}
