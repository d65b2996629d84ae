import TallyCore
import TallyYAML
import Yams

/// `items:` of tally.yml: how people may close items (docs/items.md, docs/configuration.md).
public struct ItemSettings: Sendable, Hashable {
    /// The codes `tally items resolve --reason` accepts.
    public var reasonCodes: [String] = ItemDeskDefaults.reasonCodes
    /// `write_off_limit`: per currency, the largest amount (minor units) one person may write off
    /// alone; above it a write-off waits for another person's `approve`. A currency not listed has
    /// no limit.
    public var writeOffLimits: [Currency: Int64] = [:]

    public init() {}
}

/// The defaults of ``ItemSettings``.
public enum ItemDeskDefaults {
    /// The reason codes without `items.reason_codes`.
    public static let reasonCodes = [
        "rounding", "provider_fee", "bank_charge", "duplicate_refunded", "customer_goodwill", "known_provider_issue",
        "ledger_corrected_manually", "other",
    ]
}

extension TallyConfig {
    static let itemKeys = ["reason_codes", "write_off_limit"]

    /// `items: { reason_codes: [rounding, …] }`: each code letters, digits and `_`, at least one.
    static func items(_ top: Node.Mapping, _ reader: YAMLReader) -> ItemSettings {
        var settings = ItemSettings()
        guard let node = top["items"] else { return settings }
        guard let map = node.mapping else {
            reader.problem("items", "expected a mapping with reason_codes")
            return settings
        }
        reader.allow(map, keys: itemKeys, at: "items.")
        if let codes = map["reason_codes"] {
            let texts = codes.sequence?.compactMap { $0.scalar?.string } ?? []
            let valid = texts.allSatisfy { code in
                !code.isEmpty && code.utf8.allSatisfy { $0 == 0x5F || (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) }
            }
            if texts.isEmpty || texts.count != codes.sequence?.count || !valid {
                reader.problem(
                    "items.reason_codes",
                    "expected a list of codes in lower-case letters, digits and _, e.g. [rounding, provider_fee]")
            } else {
                settings.reasonCodes = texts
            }
        }
        if let node = map["write_off_limit"] {
            settings.writeOffLimits = writeOffLimits(node, reader)
        }
        return settings
    }

    /// `write_off_limit: { EUR: 50.00, JPY: 5000 }`: a non-negative amount per ISO 4217 currency.
    static func writeOffLimits(_ node: Node, _ reader: YAMLReader) -> [Currency: Int64] {
        guard let amounts = node.mapping else {
            reader.problem("items.write_off_limit", "expected a mapping of currency to amount, e.g. { EUR: 50.00 }")
            return [:]
        }
        var limits: [Currency: Int64] = [:]
        for (key, value) in amounts {
            let code = key.string ?? "?"
            guard let currency = Currency(code: code) else {
                reader.problem("items.write_off_limit.\(code)", "not an ISO 4217 currency code such as EUR")
                continue
            }
            let text = value.scalar?.string ?? ""
            do throws(MoneyError) {
                let money = try Money(parsing: text, currency: currency)
                guard money.minor >= 0 else { throw .empty }
                limits[currency] = money.minor
            } catch {
                reader.problem(
                    "items.write_off_limit.\(code)",
                    "expected an amount of 0 or more in \(code) with at most \(currency.exponent) decimals, found '\(text)'")
            }
        }
        return limits
    }
}
