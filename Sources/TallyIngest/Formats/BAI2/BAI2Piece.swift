/// One record's worth of a physical BAI2 line: most lines are one record, but a bank may put
/// several on a line (`…,2/   02,…`) or break one over two lines (the second has no record code).
struct BAI2Piece {
    /// The two-digit record code, or nil for a line that continues the record above it.
    var code: Int?
    /// The bytes after `NN,` (or the whole continuation), without the `/` that ends the record.
    var content: Range<Int>

    /// The record codes a `/` may be followed by on the same line (`…/ 49,-1600,11/  03,…`).
    static func isKnown(_ code: Int) -> Bool {
        switch code {
        case 1, 2, 3, 16, 49, 88, 98, 99: true
        default: false
        }
    }

    /// The pieces of one physical line: a record starts at the line's start (after spaces) with two
    /// digits and a comma, or after a `/` and spaces with a known code and a comma; a `/` at the end
    /// of the line (spaces after it allowed) ends a record; any other `/` is text (`2/AV MAIN`).
    static func split(_ line: UnsafeBufferPointer<UInt8>) -> [BAI2Piece] {
        var pieces: [BAI2Piece] = []
        var start = 0
        while start < line.count && BankText.isSpace(line[start]) { start += 1 }
        guard start < line.count else { return [] }
        var code = recordCode(line, at: start)
        var contentStart = code == nil ? start : start + 3
        var index = contentStart
        while index < line.count {
            guard line[index] == UInt8(ascii: "/") else {
                index += 1
                continue
            }
            var next = index + 1
            while next < line.count && BankText.isSpace(line[next]) { next += 1 }
            if next == line.count {
                pieces.append(BAI2Piece(code: code, content: contentStart..<index))
                return pieces
            }
            if let following = recordCode(line, at: next), isKnown(following) {
                pieces.append(BAI2Piece(code: code, content: contentStart..<index))
                code = following
                contentStart = next + 3
                index = contentStart
                continue
            }
            index += 1
        }
        pieces.append(BAI2Piece(code: code, content: contentStart..<line.count))
        return pieces
    }

    /// `NN,` at `index`: the code.
    static func recordCode(_ line: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        guard index + 2 < line.count, BankText.isDigit(line[index]), BankText.isDigit(line[index + 1]),
            line[index + 2] == UInt8(ascii: ",")
        else { return nil }
        return Int(line[index] - 0x30) * 10 + Int(line[index + 1] - 0x30)
    }
}
