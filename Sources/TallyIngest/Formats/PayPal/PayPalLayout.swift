/// The SB columns of a PayPal report, bound by name from its `CH` record.
///
/// Column sets differ by report version (18, 22 and the 55-column TRR-style header all occur in
/// STL files), and one published header spells `Transaction  Debit or Credit` with two spaces, so
/// names are compared after whitespace normalisation and without case.
struct PayPalLayout {
    static let required = [
        "Transaction ID", "Transaction Event Code", "Transaction Debit or Credit", "Gross Transaction Amount",
        "Gross Transaction Currency",
    ]

    /// Fields of the CH record up to its last named column, the `CH` itself included (SB records
    /// line up with it; both may be padded with empty fields beyond).
    var count: Int
    var transactionID: Int
    var eventCode: Int
    var direction: Int
    var gross: Int
    var currency: Int
    var feeDirection: Int?
    var fee: Int?
    var feeCurrency: Int?
    var referenceID: Int?
    var initiated: Int?
    var completed: Int?
    /// `Transactional Status` (S, D, V, P): filled in a Transaction Detail Report (TRR) only; an
    /// STL with the 55-column header leaves it empty.
    var transactionalStatus: Int?

    init(header: CSVRecord) throws(HeaderProblem) {
        if let problem = header.problem { throw HeaderProblem(message: "unreadable CH row: \(problem)") }
        let names = try HeaderNames(header, skip: 1)
        let missing = names.missing(Self.required)
        guard missing.isEmpty else {
            throw HeaderProblem(
                message: "the CH row lacks \(missing.joined(separator: ", "))", excerpt: names.sample)
        }
        count = names.namedCount
        transactionID = names["Transaction ID"]!
        eventCode = names["Transaction Event Code"]!
        direction = names["Transaction Debit or Credit"]!
        gross = names["Gross Transaction Amount"]!
        currency = names["Gross Transaction Currency"]!
        feeDirection = names["Fee Debit or Credit"]
        fee = names["Fee Amount"]
        feeCurrency = names["Fee Currency"]
        referenceID = names["PayPal Reference ID"]
        initiated = names["Transaction Initiation Date"]
        completed = names["Transaction Completion Date"]
        transactionalStatus = names["Transactional Status"]
    }
}
