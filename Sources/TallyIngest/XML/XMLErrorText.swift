/// libxml2's error messages as sentences a person can act on.
///
/// libxml2 speaks of its parser ("Document is empty", "Start tag expected, '<' not found",
/// "Premature end of data in tag Stmt"); the operator needs to know what is wrong with the file and
/// what to do. Unknown messages keep libxml2's words after "the XML is not well formed".
enum XMLErrorText {
    /// - Parameters:
    ///   - message: libxml2's message (trimmed).
    ///   - head: the first bytes of the file, to say what it looks like when it is not XML at all.
    ///   - atLastLine: the error is on the file's last line, with the whole file read: what a file
    ///     cut short looks like, whatever libxml2 says about it.
    static func sentence(_ message: String, head: [UInt8], atLastLine: Bool = false) -> String {
        let lower = message.lowercased()
        if lower.contains("document is empty") || lower.contains("start tag expected") {
            guard let shown = Self.shown(head) else {
                return "the file is empty: an ISO 20022 statement (camt.053/camt.054) is an XML document"
            }
            let looksLikeCSV = shown.contains(",") || shown.contains(";") || shown.contains("\t")
            return "the file is not XML: it begins «\(shown)»\(looksLikeCSV ? ", which looks like CSV" : ""); "
                + "this format reads ISO 20022 XML statements, so check the provider's format (--format or providers.<name>.format)"
        }
        if atLastLine || lower.contains("premature end of data") || lower.contains("extra content at the end") {
            return "the XML ends before its elements are closed (\(message)): the file looks truncated; fetch it again"
        }
        if lower.contains("not proper utf-8") || lower.contains("encoding") {
            return
                "the file's bytes are not valid in its declared encoding (\(message)): it was probably converted or cut; fetch the original file"
        }
        return "the XML is not well formed: \(message)"
    }

    /// The file's first line, up to 40 characters, without a byte-order mark or leading blanks; nil
    /// when nothing is left.
    static func shown(_ head: [UInt8]) -> String? {
        var bytes = head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        bytes = bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let line = bytes.prefix { $0 != 0x0A && $0 != 0x0D }
        guard !line.isEmpty else { return nil }
        let text = String(decoding: line, as: UTF8.self)
        let printable = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
        return printable.count > 40 ? String(printable.prefix(40)) + "…" : printable
    }
}
