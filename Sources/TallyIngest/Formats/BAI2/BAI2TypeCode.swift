/// What a BAI2 type code says: status and summary codes in 03 records, detail codes in 16s.
enum BAI2TypeCode {
    /// The opening and closing ledger balances of a 03 (the ledger check).
    static let openingLedger = 10
    static let closingLedger = 15

    /// The direction of a 16's type code: credits 100–399 (charges), debits 400–699 (refunds);
    /// loan (700–799), non-monetary (800–899) and bank-defined (900–999) details are listed.
    ///
    /// - Returns: nil for a code below 100 (a status code, which no 16 may carry).
    static func detailDirection(_ code: Int) -> BankEntry.Direction? {
        switch code {
        case 100...399: .credit
        case 400...699: .debit
        case 700...999: .listed(category: "bai2 type \(code)", sign: 1)
        default: nil
        }
    }

    /// How many availability fields follow a funds type: `S` three amounts (immediate, one day, two
    /// or more days), `V` a value date and time, `D` a count and that many (days, amount) pairs
    /// (the count is read from the fields, so nil here); none for `0`, `1`, `2`, `Z` or empty.
    static func availabilityFields(_ fundsType: ArraySlice<UInt8>) -> Int? {
        guard fundsType.count == 1 else { return 0 }
        switch fundsType.first! | 0x20 {
        case UInt8(ascii: "s"): return 3
        case UInt8(ascii: "v"): return 2
        case UInt8(ascii: "d"): return nil
        default: return 0
        }
    }
}
