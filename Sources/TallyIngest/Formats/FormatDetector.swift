#if canImport(Glibc)
import Glibc
#endif

/// Guesses a settlement file's format from its first bytes, for `tally inspect` without `--format`:
/// camt by the `Document` namespace, PayPal by its `RH` record, Stripe and Adyen by header columns.
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
        let firstLine = trimmed.prefix { $0 != "\n" && $0 != "\r" }
        let firstField = firstLine.prefix { $0 != "," }.filter { $0 != "\"" }
        if firstField == "RH" { return .paypal }
        let header = firstLine.lowercased()
        if header.contains("reporting_category") { return .stripe }
        if header.contains("psp reference") && header.contains("type") { return .adyen }
        return nil
    }
}
