/// A logical BAI2 record: its first physical record and every 88 that continues it, each a
/// segment of one byte buffer. The fields of the segments follow each other (an 88 may start with
/// the amount of a type code that ended the record before it), except the text of a 16, which runs
/// to the end of its segment and goes on in the next ones.
struct BAI2Record {
    var code = 0
    var line = 0
    /// Physical records (the first and its 88s): what the trailers count.
    var pieces = 0
    var bytes: [UInt8] = []
    var segments: [Range<Int>] = []
    /// The record and its continuations grew past the size limit: its bytes are cut.
    var overlong = false

    mutating func start(code: Int, line: Int) {
        self.code = code
        self.line = line
        pieces = 1
        bytes.removeAll(keepingCapacity: true)
        segments.removeAll(keepingCapacity: true)
        overlong = false
    }

    /// Adds a segment (an 88's bytes, or the first record's).
    mutating func append(segment content: UnsafeBufferPointer<UInt8>, limit: Int) {
        let start = bytes.count
        let room = max(0, limit - bytes.count)
        if content.count > room { overlong = true }
        bytes.append(contentsOf: content.prefix(room))
        segments.append(start..<bytes.count)
    }

    /// Adds the bytes of a physical line that continues the last segment (a record broken over lines).
    mutating func extendLast(_ content: UnsafeBufferPointer<UInt8>, limit: Int) {
        let room = max(0, limit - bytes.count)
        if content.count > room { overlong = true }
        bytes.append(contentsOf: content.prefix(room))
        if segments.isEmpty {
            segments.append(0..<bytes.count)
        } else {
            segments[segments.count - 1] = segments.last!.lowerBound..<bytes.count
        }
    }

    /// Reads the fields in order across the segments.
    struct Fields {
        let record: BAI2Record
        private var segment = 0
        /// Position in the current segment; nil before its first field.
        private var position: Int?

        init(_ record: BAI2Record) { self.record = record }

        /// The next field and whether it was the last of its segment; nil when none is left.
        mutating func next() -> (field: ArraySlice<UInt8>, last: Bool)? {
            while segment < record.segments.count {
                let range = record.segments[segment]
                let start = position ?? range.lowerBound
                if start <= range.upperBound {
                    if let comma = record.bytes[start..<range.upperBound].firstIndex(of: UInt8(ascii: ",")) {
                        position = comma + 1
                        return (record.bytes[start..<comma], false)
                    }
                    position = range.upperBound + 1
                    return (record.bytes[start..<range.upperBound], true)
                }
                segment += 1
                position = nil
            }
            return nil
        }

        /// The rest as text: what is left of this segment (or the next one when this one is used
        /// up), then every later segment, joined by single spaces, empty parts left out.
        mutating func text() -> [UInt8] {
            var parts: [ArraySlice<UInt8>] = []
            while segment < record.segments.count {
                let range = record.segments[segment]
                let start = position ?? range.lowerBound
                if start <= range.upperBound { parts.append(record.bytes[start..<range.upperBound]) }
                segment += 1
                position = nil
            }
            var text: [UInt8] = []
            for part in parts {
                let trimmed = BankText.trimmed(part)
                guard !trimmed.isEmpty else { continue }
                if !text.isEmpty { text.append(0x20) }
                text.append(contentsOf: trimmed)
            }
            return text
        }
    }
}
