/// Sums per currency over a handful of currencies, kept in a short list instead of a dictionary so
/// that adding a million amounts hashes nothing.
struct CurrencySums {
    private var packed: [UInt32] = []
    private var sums: [Int64] = []

    @inline(__always)
    mutating func add(_ currency: UInt32, _ minor: Int64) {
        if let position = packed.firstIndex(of: currency) {
            sums[position] &+= minor
        } else {
            packed.append(currency)
            sums.append(minor)
        }
    }

    var byCurrency: [Currency: Int64] {
        var result: [Currency: Int64] = [:]
        for (code, sum) in zip(packed, sums) {
            if let currency = Currency(packed: code) { result[currency, default: 0] &+= sum }
        }
        return result
    }
}
