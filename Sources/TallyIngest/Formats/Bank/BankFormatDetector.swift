/// Recognises the bank formats by content: BAI2 by a first record `01,` followed by a 02 or 99
/// record; MT940/MT942 by lines starting with `:20:` and `:25:` (after an optional envelope, SOH
/// or prose), MT942 by `:34F:`, `:90D:`/`:90C:` or `942` in the `{2:` block.
enum BankFormatDetector {
    static func detect(_ bytes: [UInt8]) -> SettlementFormat? {
        // lines, without the bytes no text starts with (SOH, ETX, SUB, spaces)
        var lines: [ArraySlice<UInt8>] = []
        for raw in bytes.split(omittingEmptySubsequences: true, whereSeparator: { $0 == 0x0A || $0 == 0x0D }) {
            let line = raw.drop { $0 < 0x21 }
            if !line.isEmpty { lines.append(line) }
            if lines.count >= 400 { break }
        }
        guard let first = lines.first else { return nil }
        if first.starts(with: "01,".utf8) {
            if lines.dropFirst().contains(where: { $0.starts(with: "02,".utf8) || $0.starts(with: "99,".utf8) }) {
                return .bai2
            }
            return nil
        }
        func has(_ tag: String) -> Bool {
            lines.contains { $0.starts(with: tag.utf8) || Self.afterBlock4($0).starts(with: tag.utf8) }
        }
        guard has(":20:") || has(":25:"), has(":28C:") || has(":28:") || has(":60F:") || has(":61:") || has(":34F:")
        else { return nil }
        let envelope942 = lines.contains { line in
            line.starts(with: "{1:".utf8)
                && (line.firstRange(of: "{2:I942".utf8) != nil || line.firstRange(of: "{2:O942".utf8) != nil)
        }
        if envelope942 || has(":34F:") || (!has(":60F:") && (has(":90D:") || has(":90C:"))) { return .mt942 }
        return .mt940
    }

    /// The text after `{4:` on an envelope line.
    private static func afterBlock4(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard line.first == UInt8(ascii: "{"), let range = line.firstRange(of: "{4:".utf8) else { return [] }
        return line[range.upperBound...]
    }
}
