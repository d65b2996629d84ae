/// Text made safe for an operator's terminal: provider- or ledger-supplied strings (references,
/// descriptions, reasons quoting a file) may hold ESC, BEL or other control characters that would
/// retitle, recolour or garble the terminal, or bidirectional overrides that reorder what is shown.
///
/// Every such character is shown as an escape instead: C0 controls and DEL as `\x1b`-style, C1
/// controls and the bidirectional formatting characters as `\u{202e}`-style, and a backslash that
/// would make an escape ambiguous stays as it is. Line feeds and tabs are kept unless
/// `keepingLayout` is false (a one-line field).
public enum TerminalText {
    public static func escaped(_ text: String, keepingLayout: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepingLayout: keepingLayout) }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar, keepingLayout: keepingLayout) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16)
            if scalar.value < 0x80 {
                result += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                result += "\\u{" + hex + "}"
            }
        }
        return result
    }

    /// Whether a scalar is shown escaped.
    public static func needsEscape(_ scalar: Unicode.Scalar, keepingLayout: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: !keepingLayout
        case 0x00...0x1F, 0x7F, 0x80...0x9F: true
        // bidirectional embeddings, overrides and isolates; the line and paragraph separators
        case 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }
}
