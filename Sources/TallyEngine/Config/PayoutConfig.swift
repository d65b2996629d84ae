import TallyCore
import TallyIngest
import TallyYAML
import Yams

/// Reads a provider's `payouts:` (docs/payouts.md), every problem with its key path
/// (`providers.acmepay.payouts.arrival_days: expected a whole number from 0 to 60`).
enum PayoutConfig {
    static let keys = ["to", "arrival_days", "bank_text"]
    /// The formats whose lines can announce payouts.
    static let announcing: Set<SettlementFormat> = [.stripe, .adyen, .paypal]
    /// The formats of a bank statement that receives them.
    static let statements: Set<SettlementFormat> = [.camt053, .camt054, .bai2, .mt940, .mt942, .csv]

    static func read(_ node: Node, _ reader: YAMLReader, at base: String, format: SettlementFormat?) -> PayoutTerms? {
        guard let map = node.mapping else {
            reader.problem(base, "expected a mapping with to:, arrival_days: and bank_text:")
            return nil
        }
        let at = "\(base)."
        reader.allow(map, keys: keys, at: at)
        for key in keys where map[key] == nil {
            reader.problem("\(at)\(key)", "missing")
        }
        if let format, !announcing.contains(format) {
            reader.problem(base, "format \(format.rawValue) announces no payouts; payouts: is for stripe, adyen and paypal")
        }
        let to = reader.text(map, "to", at: at)
        let days = reader.integer(map, "arrival_days", in: 0...60, at: at)
        let text = reader.text(map, "bank_text", at: at)
        if let text, (try? Regex(text)) == nil {
            reader.problem("\(at)bank_text", "'\(text)' is not a regular expression")
        }
        guard let to, let days, let text else { return nil }
        return PayoutTerms(to: to, arrivalDays: Int(days), bankText: text)
    }

    /// Every `payouts.to` names a configured bank provider (not the provider itself).
    static func check(_ providers: [TallyConfig.Provider], _ reader: YAMLReader) {
        for provider in providers {
            guard let terms = provider.payouts else { continue }
            let at = "providers.\(provider.name).payouts.to"
            guard let bank = providers.first(where: { $0.name == terms.to }), bank.name != provider.name else {
                reader.problem(
                    at, "'\(terms.to)' is not another provider of this file (the bank whose statements receive the payouts)")
                continue
            }
            if !statements.contains(bank.format) {
                reader.problem(at, "'\(terms.to)' has format \(bank.format.rawValue), not a bank statement format")
            }
        }
    }
}

extension TallyConfig {
    /// The providers that pay out into `bank`, with their terms, in file order.
    public func payoutSources(into bank: String) -> [PayoutSource] {
        providers.compactMap { provider in
            provider.payouts.flatMap { $0.to == bank ? PayoutSource(provider: provider.name, terms: $0) : nil }
        }
    }
}
