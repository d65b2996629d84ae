/// One tagged field of an MT940/MT942 message: `:61:` and the lines that continue it.
struct MT940Field {
    /// The tag without its colons: `20`, `28C`, `60F`, `61`, `86`, `NS`, …
    var tag: [UInt8] = []
    var line = 0
    /// The field's lines, joined by LF (a `:61:`'s second line is its supplementary details).
    var content: [UInt8] = []
    /// The field grew past the size limit: ``content`` holds its first part.
    var overlong = false

    func `is`(_ name: StaticString) -> Bool {
        name.utf8CodeUnitCount == tag.count && tag.elementsEqual(UnsafeBufferPointer(start: name.utf8Start, count: tag.count))
    }

    /// Whether lines without a tag continue this field: free text (`:86:`, `:NS:`) and a `:61:`'s
    /// supplementary details. After any other field they are envelope or header lines, and skipped.
    var continues: Bool { self.is("86") || self.is("61") || self.is("NS") }

    /// The first line of the content.
    var firstLine: ArraySlice<UInt8> { content[..<(content.firstIndex(of: 0x0A) ?? content.endIndex)] }
}

/// What one physical line of an MT940 file is.
enum MT940Line {
    /// A tag and the rest of its line.
    case tag(tag: Range<Int>, rest: Range<Int>)
    /// A line that continues the field before it (or is a header line, when that field does not continue).
    case text(Range<Int>)
    /// The end of a message: `-`, `-}`, `-XXX`, `-å` (Handelsbanken's national-variant `}`).
    case end
    /// A block header `{1:…}{2:…}` (anything after `{4:` is read as a line of its own).
    case envelope(after: Range<Int>?)
    case blank

    /// Classifies a line; control characters (SOH, ETX, SUB) before the text are skipped.
    static func classify(_ line: UnsafeBufferPointer<UInt8>) -> MT940Line {
        var start = 0
        while start < line.count && line[start] < 0x20 && line[start] != 0x09 { start += 1 }
        var end = line.count
        while end > start && (line[end - 1] == 0x20 || line[end - 1] == 0x09 || line[end - 1] < 0x20) { end -= 1 }
        guard start < end else { return .blank }
        let first = line[start]
        if first == UInt8(ascii: "{") || (first == 0xC3 && start + 1 < end && line[start + 1] == 0xA4) {
            // `{4:` or Handelsbanken's `ä4:`: what follows is the message text
            var index = start + 1
            while index + 1 < line.count {
                if line[index] == UInt8(ascii: "4") && line[index + 1] == UInt8(ascii: ":")
                    && (line[index - 1] == UInt8(ascii: "{") || line[index - 1] == 0xA4)
                {
                    return .envelope(after: (index + 2)..<line.count)
                }
                index += 1
            }
            return .envelope(after: nil)
        }
        if first == UInt8(ascii: "-") {
            let rest = UnsafeBufferPointer(rebasing: line[(start + 1)..<end])
            if rest.isEmpty || rest.first == UInt8(ascii: "}") || rest.first == 0xC3 || rest.elementsEqual("XXX".utf8)
                || !rest.contains(where: { BankText.isLetter($0) || BankText.isDigit($0) })
            {
                return .end
            }
        }
        if first == UInt8(ascii: ":"), let tagEnd = tagEnd(line, from: start + 1, to: end) {
            return .tag(tag: (start + 1)..<tagEnd, rest: (tagEnd + 1)..<line.count)
        }
        return .text(start..<line.count)
    }

    /// `NN:`, `NNa:` or `NS:` after the first colon: the index of the closing colon.
    private static func tagEnd(_ line: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard start + 2 < end else { return nil }
        if line[start] == UInt8(ascii: "N") && line[start + 1] == UInt8(ascii: "S") && line[start + 2] == UInt8(ascii: ":") {
            return start + 2
        }
        guard BankText.isDigit(line[start]), BankText.isDigit(line[start + 1]) else { return nil }
        if line[start + 2] == UInt8(ascii: ":") { return start + 2 }
        if start + 3 < end && BankText.isUpper(line[start + 2]) && line[start + 3] == UInt8(ascii: ":") { return start + 3 }
        return nil
    }
}
