import TallyCore

/// Both sides' amounts of a break or open item as the terminal listings print them:
/// `provider 100.01 EUR, ledger 100.00 EUR` (a side that does not exist is left out).
enum AmountText {
    static func sides(provider: Money?, ledger: Money?) -> String {
        let parts = [provider.map { "provider \($0)" }, ledger.map { "ledger \($0)" }].compactMap { $0 }
        return parts.isEmpty ? "no amount" : parts.joined(separator: ", ")
    }
}
