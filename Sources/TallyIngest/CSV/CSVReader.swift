#if canImport(Glibc)
import Glibc
#endif

/// One CSV record handed to the caller of ``CSVReader/forEachRecord(_:)``.
///
/// Its field views point into the reader's buffer: they are valid only inside the callback.
public struct CSVRecord {
    /// 1-based physical line where the record starts (quoted line breaks count as lines).
    public let line: Int
    /// Number of fields.
    public let count: Int
    /// `nil` when the record is well formed; otherwise why it is not (the fields are still given).
    public let problem: String?
    /// Bytes of input consumed when the record was handed out (for progress).
    public let bytesRead: Int
    let bytes: UnsafeBufferPointer<UInt8>
    let ends: UnsafeBufferPointer<Int>
    /// Bytes between one field's end and the next one's start: 0 when the fields were copied out
    /// back to back, 1 when the record is read in place from the input (the delimiters stay).
    let gap: Int

    /// The unescaped bytes of field `index` (surrounding quotes removed, `""` turned into `"`).
    @inline(__always)
    public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = index == 0 ? 0 : ends[index - 1] &+ gap
        return UnsafeBufferPointer(start: bytes.baseAddress.map { $0 + start }, count: ends[index] &- start)
    }

    /// Field `index` decoded as UTF-8, or `nil` when it is not valid UTF-8.
    public func string(_ index: Int) -> String? {
        String(validating: self[index], as: UTF8.self)
    }
}

/// Why reading the input itself failed (an I/O error, not a malformed record).
public struct CSVReadError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var errno: Int32

    public var description: String { message }
}

/// A streaming RFC 4180 reader over bytes.
///
/// Written by hand rather than taken from yaslab/CSV.swift: measured here (../shared/TECH-NOTES.md §3.3) a byte
/// state machine is about 9× faster than CSV.swift 2.5.2 when it builds Strings and 30× when it does
/// not, and it gives exact control over what settlement files need: physical line numbers, strict
/// quoting errors as per-record problems instead of exceptions, a BOM, CR-only line ends, and a hard
/// bound on field size. It reads 256 KiB at a time with `read(2)` and never holds more than one
/// record (bounded by `maxFieldBytes` per field) plus one chunk.
///
/// ```swift
/// var reader = CSVReader(fileDescriptor: fd)
/// try reader.forEachRecord { record in print(record.line, record.string(0) ?? "") }
/// ```
public struct CSVReader: ~Copyable {
    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    private let descriptor: Int32
    private var memory: [UInt8]?
    private let delimiter: UInt8
    private let maxFieldBytes: Int
    private var chunk: [UInt8]

    /// Bytes consumed so far (for progress).
    public private(set) var bytesRead = 0

    // record under construction
    private var record: [UInt8] = []
    private var ends: [Int] = []
    private var recordLine = 1
    private var recordStarted = false
    private var problem: String?
    private var fieldStart = 0
    private var fieldOverflow = false
    // scanner position
    private var state = State.fieldStart
    private var line = 1
    private var pendingCR = false
    private var crInQuoted = false
    private var quoteOpenedLine = 1
    private var atStart = true
    private let readsInPlace: Bool
    /// Field ends of a record read in place (``readInPlace(_:from:_:)``); at most `inPlaceFields`.
    private let inPlaceEnds: UnsafeMutablePointer<Int>
    private static let inPlaceFields = 256

    /// Reads from an open file descriptor (not closed by the reader).
    public init(fileDescriptor: Int32, delimiter: UInt8 = UInt8(ascii: ","), maxFieldBytes: Int = 16 << 20) {
        self.init(
            fileDescriptor: fileDescriptor, delimiter: delimiter, maxFieldBytes: maxFieldBytes, chunkBytes: 256 << 10,
            readsInPlace: true)
    }

    /// Reads from bytes in memory (tests, small inputs).
    public init(bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), maxFieldBytes: Int = 16 << 20) {
        self.init(bytes: bytes, delimiter: delimiter, maxFieldBytes: maxFieldBytes, readsInPlace: true)
    }

    /// - Parameters:
    ///   - chunkBytes: bytes per `read(2)` (tests use tiny chunks to cut records anywhere).
    ///   - readsInPlace: whether whole plain records take the in-place fast path; tests compare
    ///     the reader with and without it.
    init(fileDescriptor: Int32, delimiter: UInt8, maxFieldBytes: Int, chunkBytes: Int, readsInPlace: Bool) {
        self.descriptor = fileDescriptor
        self.memory = nil
        self.delimiter = delimiter
        self.maxFieldBytes = maxFieldBytes
        self.chunk = [UInt8](repeating: 0, count: chunkBytes)
        self.readsInPlace = readsInPlace
        self.inPlaceEnds = .allocate(capacity: Self.inPlaceFields)
    }

    init(bytes: [UInt8], delimiter: UInt8, maxFieldBytes: Int, readsInPlace: Bool) {
        self.descriptor = -1
        self.memory = bytes
        self.delimiter = delimiter
        self.maxFieldBytes = maxFieldBytes
        self.chunk = []
        self.readsInPlace = readsInPlace
        self.inPlaceEnds = .allocate(capacity: Self.inPlaceFields)
    }

    deinit { inPlaceEnds.deallocate() }

    /// Calls `body` once per record, in order, until the input ends.
    ///
    /// Blank lines give no record. Malformed records are delivered with ``CSVRecord/problem`` set,
    /// and reading goes on with the next record.
    ///
    /// - Throws: ``CSVReadError`` when `read(2)` fails, or whatever `body` throws.
    public mutating func forEachRecord(_ body: (CSVRecord) throws -> Void) throws {
        if let bytes = memory {
            memory = nil
            try bytes.withUnsafeBufferPointer { try scan($0, body) }
        } else {
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    let code = errno
                    throw CSVReadError(message: "read failed: \(String(cString: strerror(code)))", errno: code)
                }
                if count == 0 { break }
                let local = chunk
                chunk = []
                defer { chunk = local }
                try local.withUnsafeBufferPointer { try scan(UnsafeBufferPointer(rebasing: $0[0..<count]), body) }
            }
        }
        try finish(body)
    }

    private mutating func scan(_ input: UnsafeBufferPointer<UInt8>, _ body: (CSVRecord) throws -> Void) throws {
        bytesRead += input.count
        var index = 0
        let count = input.count
        if atStart {
            atStart = false
            if count >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF { index = 3 }
        }
        let quote = UInt8(ascii: "\"")
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        let delimiter = self.delimiter
        while index < count {
            if readsInPlace && state == .fieldStart && !recordStarted && !pendingCR,
                let next = try readInPlace(input, from: index, body)
            {
                index = next
                continue
            }
            let byte = input[index]
            if pendingCR {
                pendingCR = false
                if byte == lf {
                    index += 1
                    continue
                }
            }
            switch state {
            case .fieldStart:
                if byte == quote {
                    beginRecord()
                    state = .quoted
                    quoteOpenedLine = line
                    index += 1
                } else if byte == delimiter {
                    beginRecord()
                    endField()
                    index += 1
                } else if byte == cr || byte == lf {
                    if recordStarted {
                        endField()
                        try endRecord(body)
                    }
                    newline(byte)
                    index += 1
                } else {
                    beginRecord()
                    state = .unquoted
                }
            case .unquoted:
                // fast path: copy the run of ordinary bytes in one go
                var end = index
                while end < count {
                    let b = input[end]
                    if b == delimiter || b == cr || b == lf || b == quote { break }
                    end += 1
                }
                if end > index { append(UnsafeBufferPointer(rebasing: input[index..<end])) }
                index = end
                guard index < count else { break }
                let b = input[index]
                if b == delimiter {
                    endField()
                    state = .fieldStart
                } else if b == quote {
                    setProblem("quote inside an unquoted field")
                    append(UnsafeBufferPointer(rebasing: input[index..<index + 1]))
                } else {
                    endField()
                    try endRecord(body)
                    state = .fieldStart
                    newline(b)
                }
                index += 1
            case .quoted:
                var end = index
                while end < count {
                    let b = input[end]
                    if b == quote || b == cr || b == lf { break }
                    end += 1
                }
                if end > index {
                    crInQuoted = false
                    append(UnsafeBufferPointer(rebasing: input[index..<end]))
                }
                index = end
                guard index < count else { break }
                let b = input[index]
                if b == quote {
                    state = .quoteInQuoted
                } else {
                    if b == cr {
                        line += 1
                        crInQuoted = true
                    } else if crInQuoted {
                        crInQuoted = false
                    } else {
                        line += 1
                    }
                    append(UnsafeBufferPointer(rebasing: input[index..<index + 1]))
                }
                index += 1
            case .quoteInQuoted:
                crInQuoted = false
                if byte == quote {
                    append(UnsafeBufferPointer(rebasing: input[index..<index + 1]))
                    state = .quoted
                    index += 1
                } else if byte == delimiter {
                    endField()
                    state = .fieldStart
                    index += 1
                } else if byte == cr || byte == lf {
                    endField()
                    try endRecord(body)
                    state = .fieldStart
                    newline(byte)
                    index += 1
                } else {
                    setProblem("unexpected character after a closing quote")
                    state = .unquoted
                }
            }
        }
    }

    /// The fast path for the common record: one that lies whole in the chunk, has no quote and no
    /// field over the size limit, and ends in LF, CRLF or a lone CR followed by more input. It is
    /// handed to `body` in place, without copying a byte, and the position after its line end is
    /// returned. Anything else returns `nil` before consuming a byte, and the state machine below
    /// reads the record instead.
    @inline(__always)
    private mutating func readInPlace(
        _ input: UnsafeBufferPointer<UInt8>, from start: Int, _ body: (CSVRecord) throws -> Void
    ) throws -> Int? {
        let base = input.baseAddress!
        let count = input.count
        let delimiter = self.delimiter
        let quote = UInt8(ascii: "\"")
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        // one comparison rules out most ordinary bytes: every special byte is at most `highest`
        let highest = max(delimiter, quote)
        var index = start
        var fields = 0
        var fieldStart = start
        while index < count {
            let byte = base[index]
            if byte > highest || (byte != delimiter && byte != quote && byte != cr && byte != lf) {
                index &+= 1
                continue
            }
            if byte == quote { return nil }
            if index - fieldStart > maxFieldBytes || fields == Self.inPlaceFields { return nil }
            if byte == delimiter {
                inPlaceEnds[fields] = index - start
                fields &+= 1
                index &+= 1
                fieldStart = index
                continue
            }
            // a line end: a blank line, or a CR whose LF may be in the next chunk, goes the slow way
            if index == start { return nil }
            var next = index + 1
            if byte == cr {
                guard next < count else { return nil }
                if base[next] == lf { next += 1 }
            }
            inPlaceEnds[fields] = index - start
            fields &+= 1
            let record = CSVRecord(
                line: line, count: fields, problem: nil, bytesRead: bytesRead,
                bytes: UnsafeBufferPointer(start: base + start, count: index - start),
                ends: UnsafeBufferPointer(start: inPlaceEnds, count: fields), gap: 1)
            line += 1
            try body(record)
            return next
        }
        return nil
    }

    private mutating func finish(_ body: (CSVRecord) throws -> Void) throws {
        switch state {
        case .quoted:
            setProblem("unterminated quoted field (opened on line \(quoteOpenedLine))")
            endField()
            try endRecord(body)
        case .unquoted, .quoteInQuoted:
            endField()
            try endRecord(body)
        case .fieldStart:
            if recordStarted {
                endField()
                try endRecord(body)
            }
        }
        state = .fieldStart
    }

    @inline(__always) private mutating func newline(_ byte: UInt8) {
        line += 1
        if byte == UInt8(ascii: "\r") { pendingCR = true }
    }

    @inline(__always) private mutating func beginRecord() {
        if !recordStarted {
            recordStarted = true
            recordLine = line
        }
    }

    @inline(__always) private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard !fieldOverflow else { return }
        if record.count - fieldStart + bytes.count > maxFieldBytes {
            fieldOverflow = true
            setProblem("field longer than \(maxFieldBytes) bytes")
            return
        }
        record.append(contentsOf: bytes)
    }

    @inline(__always) private mutating func endField() {
        ends.append(record.count)
        fieldStart = record.count
        fieldOverflow = false
    }

    private mutating func setProblem(_ text: String) {
        if problem == nil { problem = text }
    }

    private mutating func endRecord(_ body: (CSVRecord) throws -> Void) throws {
        let line = recordLine
        let problem = self.problem
        let consumed = bytesRead
        try record.withUnsafeBufferPointer { bytes in
            try ends.withUnsafeBufferPointer { ends in
                try body(
                    CSVRecord(
                        line: line, count: ends.count, problem: problem, bytesRead: consumed, bytes: bytes, ends: ends,
                        gap: 0))
            }
        }
        record.removeAll(keepingCapacity: record.capacity <= 1 << 20)
        ends.removeAll(keepingCapacity: true)
        fieldStart = 0
        fieldOverflow = false
        self.problem = nil
        recordStarted = false
    }
}
