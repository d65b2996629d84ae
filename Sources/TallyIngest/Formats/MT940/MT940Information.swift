import Foundation

/// An MT940 `:86:` as the bank structured it: `?NN` sub-fields (`166?00SEPA-UEBERWEISUNG?20EREF+…`),
/// `/CODE/value` pairs (`/TRTP/SEPA Overboeking/IBAN/…/NAME/…/REMI/…`), or free text.
struct MT940Information {
    /// The lines as written (LF between them).
    let lines: [Substring]
    let joined: String

    init(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // structured fields wrap at a fixed width, mid-word: their lines join without a space
        joined = lines.joined()
    }

    /// Free text: the lines trimmed and joined by single spaces.
    var freeText: String {
        lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The `?NN` sub-fields in the ranges, in order, joined; nil when the text has no `?` structure.
    func subfields(_ ranges: ClosedRange<Int>...) -> String? {
        let parts = joined.split(separator: "?", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return nil }
        var values: [String] = []
        for part in parts.dropFirst() {
            guard part.count >= 2, let number = Int(part.prefix(2)), ranges.contains(where: { $0.contains(number) }) else {
                continue
            }
            values.append(String(part.dropFirst(2)))
        }
        return values.isEmpty ? nil : values.joined()
    }

    /// The value of a `/CODE/value` pair; nil when the text has none.
    func code(_ name: String) -> String? {
        guard joined.hasPrefix("/"), let range = joined.range(of: "/\(name)/") else { return nil }
        let rest = joined[range.upperBound...]
        let end = rest.range(of: "/[A-Z]{2,4}/", options: .regularExpression)?.lowerBound ?? rest.endIndex
        let value = rest[..<end].trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }
}
