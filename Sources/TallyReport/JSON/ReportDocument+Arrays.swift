import Foundation

/// `report.json` with its two long arrays, `breaks` and `open_items`, written by hand.
///
/// Foundation's `JSONEncoder` took about 0.3 s of CPU for the 25,000 breaks and 21,000 open items
/// of the 5M benchmark, on the two cores the store's writes and the other reports share, and the
/// store waited for it. Everything else is still encoded by `JSONEncoder`; the arrays are written
/// in exactly its format (keys in byte order, two-space indentation, `"key" : value`, its string
/// escapes) and put where it writes them empty. A test holds the result to `JSONEncoder`'s output
/// of the whole document, byte for byte.
extension ReportDocument {
    func encodedJSON() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var shell = self
        shell.breaks = []
        shell.openItems = []
        let bytes = Array(try encoder.encode(shell))
        var breaksWriter = JSONArrayWriter(reservingCapacity: breaks.count * 640)
        for entry in breaks { breaksWriter.element { $0.write(entry) } }
        var openItemsWriter = JSONArrayWriter(reservingCapacity: openItems.count * 200)
        for entry in openItems { openItemsWriter.element { $0.write(entry) } }
        // The elements go in place of the empty arrays JSONEncoder wrote, found in the small shell.
        let fills = try [("breaks", breaksWriter.bytes), ("open_items", openItemsWriter.bytes)]
            .filter { !$0.1.isEmpty }
            .map { key, elements in (try Self.emptyArray(key, in: bytes), elements) }
            .sorted { $0.0.lowerBound < $1.0.lowerBound }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + fills.reduce(0) { $0 + $1.1.count })
        var start = 0
        for (range, elements) in fills {
            output += bytes[start..<range.lowerBound]
            output += elements
            start = range.upperBound
        }
        output += bytes[start...]
        return output
    }

    /// Where the elements go in the empty array `JSONEncoder` wrote for a top-level key
    /// (`"key" : [` line break, line break, `  ]`): between the two line breaks.
    private static func emptyArray(_ key: String, in bytes: [UInt8]) throws -> Range<Int> {
        // Unique: raw line breaks occur only between tokens, and only top-level keys have this indent.
        let empty = Array("\n  \"\(key)\" : [\n\n  ]".utf8)
        guard let range = bytes.firstRange(of: empty) else {
            throw EncodingError.invalidValue(
                key, EncodingError.Context(codingPath: [], debugDescription: "no empty top-level array \(key) to fill"))
        }
        return range.upperBound - 4..<range.upperBound - 4
    }
}

/// The elements of a top-level array, each an object at depth 2, in `JSONEncoder`'s pretty format.
struct JSONArrayWriter {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 0) { bytes.reserveCapacity(capacity) }
    private var first = true
    private var firstMember = true

    /// One element: `body` writes its members in key order.
    mutating func element(_ body: (inout JSONArrayWriter) -> Void) {
        if !first { bytes.append(contentsOf: ",\n".utf8) }
        first = false
        indent(2)
        open()
        body(&self)
        close(level: 2)
    }

    mutating func write(_ entry: ReportDocument.BreakEntry) {
        integerMember("age_days", entry.ageDays, level: 3)
        optionalStringMember("assignee", entry.assignee, level: 3)
        if !entry.candidates.isEmpty {
            member("candidates", level: 3)
            bytes.append(contentsOf: "[\n".utf8)
            for (number, candidate) in entry.candidates.enumerated() {
                indent(4)
                open()
                integerMember("amount_minor", candidate.amountMinor, level: 5)
                stringMember("created_at", candidate.createdAt, level: 5)
                stringMember("currency", candidate.currency, level: 5)
                stringMember("kind", candidate.kind, level: 5)
                stringMember("reason", candidate.reason, level: 5)
                stringMember("reference", candidate.reference, level: 5)
                close(level: 4)
                if number < entry.candidates.count - 1 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(UInt8(ascii: "\n"))
            }
            indent(3)
            bytes.append(UInt8(ascii: "]"))
            firstMember = false
        }
        stringMember("class", entry.breakClass, level: 3)
        if let control = entry.control {
            objectMember("control", control) { writer, control in
                writer.stringMember("actual", control.actual, level: 4)
                writer.stringMember("expected", control.expected, level: 4)
                writer.stringMember("file", control.file, level: 4)
                writer.stringMember("name", control.name, level: 4)
                writer.literalMember("ok", control.ok ? "true" : "false", level: 4)
            }
        }
        member("differences", level: 3)
        bytes.append(contentsOf: "[\n".utf8)
        if entry.differences.isEmpty { bytes.append(UInt8(ascii: "\n")) }
        for (number, difference) in entry.differences.enumerated() {
            indent(4)
            string(difference)
            if number < entry.differences.count - 1 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\n"))
        }
        indent(3)
        bytes.append(UInt8(ascii: "]"))
        stringMember("first_seen", entry.firstSeen, level: 3)
        optionalStringMember("item_id", entry.itemID, level: 3)
        optionalStringMember("kind", entry.kind, level: 3)
        optionalStringMember("last_note", entry.lastNote, level: 3)
        objectMember("ledger", entry.ledger) { writer, ledger in
            writer.integerMember("amount_minor", ledger.amountMinor, level: 4)
            writer.stringMember("created_at", ledger.createdAt, level: 4)
            writer.stringMember("currency", ledger.currency, level: 4)
            writer.optionalStringMember("merchant_ref", ledger.merchantRef, level: 4)
            writer.stringMember("status", ledger.status, level: 4)
        }
        optionalStringMember("matched_by", entry.matchedBy, level: 3)
        literalMember("new", entry.isNew ? "true" : "false", level: 3)
        if !entry.passes.isEmpty {
            member("passes", level: 3)
            bytes.append(contentsOf: "[\n".utf8)
            for (number, step) in entry.passes.enumerated() {
                indent(4)
                open()
                stringMember("note", step.note, level: 5)
                stringMember("pass", step.pass, level: 5)
                stringMember("verdict", step.verdict, level: 5)
                close(level: 4)
                if number < entry.passes.count - 1 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(UInt8(ascii: "\n"))
            }
            indent(3)
            bytes.append(UInt8(ascii: "]"))
            firstMember = false
        }
        objectMember("provider", entry.provider) { writer, provider in
            writer.integerMember("amount_minor", provider.amountMinor, level: 4)
            writer.stringMember("currency", provider.currency, level: 4)
            writer.stringMember("file", provider.file, level: 4)
            writer.integerMember("line", provider.line, level: 4)
        }
        stringMember("reference", entry.reference, level: 3)
        stringMember("severity", entry.severity, level: 3)
        optionalStringMember("state", entry.state, level: 3)
    }

    mutating func write(_ entry: ReportDocument.OpenItemEntry) {
        integerMember("age_days", entry.ageDays, level: 3)
        optionalStringMember("assignee", entry.assignee, level: 3)
        stringMember("class", entry.breakClass, level: 3)
        stringMember("first_seen", entry.firstSeen, level: 3)
        stringMember("item_id", entry.itemID, level: 3)
        stringMember("kind", entry.kind, level: 3)
        optionalStringMember("last_note", entry.lastNote, level: 3)
        stringMember("reference", entry.reference, level: 3)
        stringMember("state", entry.state, level: 3)
    }

    /// `{` and a line break: members follow.
    private mutating func open() {
        bytes.append(contentsOf: "{\n".utf8)
        firstMember = true
    }

    /// A line break and `}` at indentation `level`.
    private mutating func close(level: Int) {
        bytes.append(UInt8(ascii: "\n"))
        indent(level)
        bytes.append(UInt8(ascii: "}"))
        firstMember = false
    }

    private mutating func stringMember(_ key: String, _ value: String, level: Int) {
        member(key, level: level)
        string(value)
    }

    private mutating func optionalStringMember(_ key: String, _ value: String?, level: Int) {
        member(key, level: level)
        if let value { string(value) } else { literal("null") }
    }

    private mutating func integerMember(_ key: String, _ value: some BinaryInteger, level: Int) {
        member(key, level: level)
        bytes.append(contentsOf: String(value).utf8)
    }

    private mutating func literalMember(_ key: String, _ value: String, level: Int) {
        member(key, level: level)
        literal(value)
    }

    /// A member of a break whose value is an object (its members at level 4), or `null`.
    private mutating func objectMember<Value>(_ key: String, _ value: Value?, members: (inout Self, Value) -> Void) {
        member(key, level: 3)
        guard let value else { return literal("null") }
        open()
        members(&self, value)
        close(level: 3)
    }

    /// The separator, indentation and `"key" : ` of a member at indentation `level`.
    private mutating func member(_ key: String, level: Int) {
        if !firstMember { bytes.append(contentsOf: ",\n".utf8) }
        firstMember = false
        indent(level)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: key.utf8)  // keys are plain ASCII: nothing to escape
        bytes.append(contentsOf: "\" : ".utf8)
    }

    private mutating func indent(_ depth: Int) {
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
    }

    private mutating func literal(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// A string with `JSONEncoder`'s escapes: `\"`, `\\`, `\b \t \n \f \r`, other controls as
    /// `\u00xx`; `/` and everything else as raw UTF-8.
    private mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Most text needs no escape: append it whole, and escape byte by byte only otherwise.
            guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 { escape(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(byte)
        case 0x08: bytes.append(contentsOf: "\\b".utf8)
        case 0x09: bytes.append(contentsOf: "\\t".utf8)
        case 0x0A: bytes.append(contentsOf: "\\n".utf8)
        case 0x0C: bytes.append(contentsOf: "\\f".utf8)
        case 0x0D: bytes.append(contentsOf: "\\r".utf8)
        case 0..<0x20:
            bytes.append(contentsOf: "\\u00".utf8)
            bytes.append(Self.hex[Int(byte >> 4)])
            bytes.append(Self.hex[Int(byte & 15)])
        default: bytes.append(byte)
        }
    }
}
