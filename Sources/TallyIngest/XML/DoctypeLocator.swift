/// Finds the line a DOCTYPE declaration starts on, from the bytes on their way to libxml2.
///
/// libxml2's reader parses ahead of the node it returns, so its line number at a DOCTYPE node is
/// wherever its last chunk ended (line 11 or 13 for a DOCTYPE on line 2). A DOCTYPE can only stand in
/// the prolog, before the root element, among comments, processing instructions and white space; so
/// following those few forms over the first bytes is enough, and the rest of the file costs one
/// comparison per chunk. Fed LF-normalised bytes (see `LineEndInput`); UTF-16 input is not fed, and
/// the refusal then falls back to libxml2's line.
struct DoctypeLocator {
    private enum State {
        case text
        /// after `<`
        case open
        /// after `<!`, with the bytes matched so far
        case declaration(matched: Int)
        case comment(dashes: Int)
        case instruction(afterQuestionMark: Bool)
        /// the root element started or the DOCTYPE was found: nothing more to learn
        case done
    }

    private var state = State.text
    private var line = 1
    private var openLine = 1
    /// The 1-based line of `<!DOCTYPE`, once seen.
    private(set) var doctypeLine: Int?

    private static let doctype = Array("DOCTYPE".utf8)

    var isDone: Bool {
        if case .done = state { return true }
        return false
    }

    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes {
            if isDone { return }
            step(byte)
            if byte == 0x0A { line += 1 }
        }
    }

    private mutating func step(_ byte: UInt8) {
        switch state {
        case .text:
            if byte == UInt8(ascii: "<") {
                openLine = line
                state = .open
            }
        case .open:
            switch byte {
            case UInt8(ascii: "!"): state = .declaration(matched: 0)
            case UInt8(ascii: "?"): state = .instruction(afterQuestionMark: false)
            default: state = .done  // the root element
            }
        case .declaration(let matched):
            if matched == 0, byte == UInt8(ascii: "-") {
                state = .comment(dashes: -1)  // the second dash of `<!--` still to come
            } else if byte == Self.doctype[matched] {
                if matched + 1 == Self.doctype.count {
                    doctypeLine = openLine
                    state = .done
                } else {
                    state = .declaration(matched: matched + 1)
                }
            } else {
                state = .done  // not a prolog form: libxml2 reports it
            }
        case .comment(let dashes):
            if dashes < 0 {
                state = byte == UInt8(ascii: "-") ? .comment(dashes: 0) : .done
            } else if byte == UInt8(ascii: "-") {
                state = .comment(dashes: dashes + 1)
            } else if byte == UInt8(ascii: ">"), dashes >= 2 {
                state = .text
            } else {
                state = .comment(dashes: 0)
            }
        case .instruction(let afterQuestionMark):
            if afterQuestionMark, byte == UInt8(ascii: ">") {
                state = .text
            } else {
                state = .instruction(afterQuestionMark: byte == UInt8(ascii: "?"))
            }
        case .done:
            break
        }
    }
}
