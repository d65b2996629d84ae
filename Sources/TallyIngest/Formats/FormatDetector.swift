#if canImport(Glibc)
import Glibc
#endif

/// Guesses a settlement file's format from its first bytes, for `tally inspect` without `--format`:
/// camt by the `Document` namespace, PayPal by its record types (`RH`, or `FH`/`SH`/`CH` in files that
/// start further in), Stripe and Adyen by header columns, BAI2 by its 01 file header, MT940/MT942 by
/// their `:20:` and `:25:` tags (MT942 by `:34F:` or `:90D:`/`:90C:`, or `942` in the envelope).
/// UTF-16 text is decoded first.
public enum FormatDetector {
    /// - Returns: the format, or nil when the first 64 KiB say nothing conclusive.
    public static func detect(_ file: SettlementFile) throws(IngestError) -> SettlementFormat? {
        let descriptor = try file.open()
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return detect(prefix: Array(buffer[0..<count]))
    }

    /// Detection on the first bytes of a file.
    public static func detect(prefix bytes: [UInt8]) -> SettlementFormat? {
        var bytes = bytes[...]
        if let order = UTF16Transcoding.byteOrder(of: bytes) {
            bytes = (UTF16Transcoding.utf8(from: bytes.prefix(32 << 10), order, lenient: true) ?? [])[...]
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let text = String(decoding: bytes.prefix(16 << 10), as: UTF8.self)
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        if trimmed.hasPrefix("<") {
            // the message element first: comments and schema locations may name other messages
            if text.contains("BkToCstmrStmt") { return .camt053 }
            if text.contains("BkToCstmrDbtCdtNtfctn") { return .camt054 }
            if text.contains("camt.053") { return .camt053 }
            if text.contains("camt.054") { return .camt054 }
            return nil
        }
        if let bank = BankFormatDetector.detect(Array(bytes.prefix(16 << 10))) { return bank }
        let firstLine = trimmed.prefix { $0 != "\n" && $0 != "\r" }
        let firstField = firstLine.prefix { $0 != "," }.filter { $0 != "\"" && $0 != " " }
        let header = firstLine.lowercased()
        switch firstField {
        case "RH", "FH", "SH": return .paypal
        case "CH" where header.contains("transaction event code"): return .paypal
        default: break
        }
        if header.contains("reporting_category") { return .stripe }
        if header.contains("psp reference") && header.contains("type") { return .adyen }
        return nil
    }
}
