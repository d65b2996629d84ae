/// Writes JSON that is safe inside an HTML `<script type="application/json">` element.
///
/// The HTML parser ends a script element at the first `</script` whatever the JSON means, and
/// `<!--` switches it into an escaped state; so besides JSON's own escapes (`"`, `\`, control
/// characters) every `<`, `>` and `&` is written as `\u003c`, `\u003e`, `\u0026`, and U+2028 and
/// U+2029 as `\u2028`, `\u2029`. `JSON.parse` reads the same strings back; no provider text
/// can end the element or be seen by the HTML parser as markup.
struct ScriptJSON {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func int(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        let utf8 = Array(value.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            switch byte {
            case 0x22: raw(#"\""#)
            case 0x5C: raw(#"\\"#)
            case 0x0A: raw(#"\n"#)
            case 0x0D: raw(#"\r"#)
            case 0x09: raw(#"\t"#)
            case 0x3C: raw(#"\u003c"#)
            case 0x3E: raw(#"\u003e"#)
            case 0x26: raw(#"\u0026"#)
            case 0..<0x20, 0x7F:
                raw(#"\u00"#)
                bytes.append(Self.hex[Int(byte >> 4)])
                bytes.append(Self.hex[Int(byte & 0xF)])
            case 0xE2
            where index + 2 < utf8.count && utf8[index + 1] == 0x80
                && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9):
                // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR
                raw(utf8[index + 2] == 0xA8 ? #"\u2028"# : #"\u2029"#)
                index += 2
            default:
                bytes.append(byte)
            }
            index += 1
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// A JSON array of strings.
    mutating func strings(_ values: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            string(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}
