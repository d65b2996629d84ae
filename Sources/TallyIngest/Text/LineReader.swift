#if canImport(Glibc)
import Glibc
#endif

/// One physical line handed to the body of ``LineReader/forEachLine(_:)``: valid only inside it.
struct TextLine {
    /// The line without its line end, as UTF-8 (a line that was not UTF-8 is transcoded, see ``legacy``).
    let bytes: UnsafeBufferPointer<UInt8>
    /// 1-based physical line number (CR, LF and CRLF each end one line).
    let number: Int
    /// The line was longer than the reader's limit: ``bytes`` holds its first part only.
    let overlong: Bool
    /// The line was not valid UTF-8 and was read as Windows-1252 (a superset of ISO-8859-1's text).
    let legacy: Bool
    /// Bytes of the file consumed so far (for progress).
    let bytesRead: Int
}

/// Physical lines of a text file, read 256 KiB at a time with `read(2)`: a line inside one chunk is
/// handed out in place, a line across chunks is gathered (up to `maxLineBytes`, the rest skipped, so
/// an endless line costs no memory), and a line that is not UTF-8 is transcoded from Windows-1252.
/// A UTF-8 BOM at the start is dropped.
struct LineReader: ~Copyable {
    private let descriptor: Int32
    private let path: String
    private let maxLineBytes: Int
    private var chunk: [UInt8]
    private var gathered: [UInt8] = []
    private var gatheredLength = 0
    private var transcoded: [UInt8] = []
    private var number = 0
    private var bytesRead = 0
    private var pendingCR = false
    private var atStart = true

    init(descriptor: Int32, path: String, maxLineBytes: Int) {
        self.descriptor = descriptor
        self.path = path
        self.maxLineBytes = max(1, maxLineBytes)
        chunk = [UInt8](repeating: 0, count: 256 << 10)
    }

    /// Calls `body` for every line, the last one included when it has no line end.
    ///
    /// - Throws: ``IngestError`` `.unreadable` when `read(2)` fails, or what `body` throws.
    mutating func forEachLine(_ body: (TextLine) throws(IngestError) -> Void) throws(IngestError) {
        var storage = chunk
        defer { chunk = storage }
        while true {
            let count = storage.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw IngestError(code: .unreadable, message: "read failed: \(String(cString: strerror(errno)))", path: path)
            }
            if count == 0 { break }
            bytesRead += count
            try storage.withUnsafeBufferPointer { (buffer) throws(IngestError) in
                try scan(UnsafeBufferPointer(rebasing: buffer[0..<count]), body)
            }
        }
        if gatheredLength > 0 || !gathered.isEmpty {
            try deliverGathered(body)
        }
    }

    private mutating func scan(
        _ input: UnsafeBufferPointer<UInt8>, _ body: (TextLine) throws(IngestError) -> Void
    ) throws(IngestError) {
        var start = 0
        if atStart {
            atStart = false
            if input.count >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF { start = 3 }
        }
        if pendingCR {
            pendingCR = false
            if start < input.count && input[start] == 0x0A { start += 1 }
        }
        var index = start
        while index < input.count {
            let byte = input[index]
            if byte == 0x0A || byte == 0x0D {
                let piece = UnsafeBufferPointer(rebasing: input[start..<index])
                if gatheredLength > 0 || !gathered.isEmpty {
                    gather(piece)
                    try deliverGathered(body)
                } else {
                    try deliver(piece, overlong: false, body)
                }
                if byte == 0x0D {
                    if index + 1 < input.count {
                        if input[index + 1] == 0x0A { index += 1 }
                    } else {
                        pendingCR = true
                    }
                }
                index += 1
                start = index
                continue
            }
            index += 1
        }
        if start < input.count { gather(UnsafeBufferPointer(rebasing: input[start..<input.count])) }
    }

    private mutating func gather(_ piece: UnsafeBufferPointer<UInt8>) {
        let room = maxLineBytes - gathered.count
        if room > 0 { gathered.append(contentsOf: piece.prefix(room)) }
        gatheredLength += piece.count
    }

    private mutating func deliverGathered(_ body: (TextLine) throws(IngestError) -> Void) throws(IngestError) {
        let line = gathered
        let overlong = gatheredLength > maxLineBytes
        gathered.removeAll(keepingCapacity: true)
        gatheredLength = 0
        try line.withUnsafeBufferPointer { (bytes) throws(IngestError) in try deliver(bytes, overlong: overlong, body) }
    }

    private mutating func deliver(
        _ raw: UnsafeBufferPointer<UInt8>, overlong: Bool, _ body: (TextLine) throws(IngestError) -> Void
    ) throws(IngestError) {
        number += 1
        let line = overlong || raw.count <= maxLineBytes ? raw : UnsafeBufferPointer(rebasing: raw.prefix(maxLineBytes))
        let tooLong = overlong || raw.count > maxLineBytes
        if UTF8Validation.isValid(line) {
            try body(TextLine(bytes: line, number: number, overlong: tooLong, legacy: false, bytesRead: bytesRead))
            return
        }
        Windows1252.transcode(line, into: &transcoded)
        let lineNumber = number
        let read = bytesRead
        try transcoded.withUnsafeBufferPointer { (bytes) throws(IngestError) in
            try body(TextLine(bytes: bytes, number: lineNumber, overlong: tooLong, legacy: true, bytesRead: read))
        }
    }
}

extension LineReader {
    /// Reads every line of a bank file into `body`, reporting progress every 16,384 lines.
    ///
    /// - Returns: the first line that was not UTF-8 (read as Windows-1252), if any.
    static func readBankFile(
        _ file: SettlementFile, descriptor: Int32, maxLineBytes: Int, progress: (Int) -> Void,
        _ body: (TextLine) throws(IngestError) -> Void
    ) throws(IngestError) -> Int? {
        var reader = LineReader(descriptor: descriptor, path: file.path, maxLineBytes: maxLineBytes)
        var lines = 0
        var legacyLine: Int?
        try reader.forEachLine { (line) throws(IngestError) in
            lines += 1
            if lines & 0x3FFF == 0 { progress(line.bytesRead) }
            if line.legacy && legacyLine == nil { legacyLine = line.number }
            try body(line)
        }
        return legacyLine
    }

    /// What `tally inspect` warns about a bank file in a legacy 8-bit encoding.
    static func legacyNotice(_ file: SettlementFile, line: Int) -> String {
        "\(file.path): not UTF-8 from line \(line) on: read as Windows-1252 (ISO-8859-1), as legacy bank files are written"
    }
}
