import TallyCore
import TallyYAML
import Yams

/// `items:` of tally.yml: how people may close items (docs/items.md, docs/configuration.md).
public struct ItemSettings: Sendable, Hashable {
    /// The codes `tally items resolve --reason` accepts.
    public var reasonCodes: [String] = ItemDeskDefaults.reasonCodes

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
    static let itemKeys = ["reason_codes"]

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
        return settings
    }
}
