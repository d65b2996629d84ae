internal import CLibPQ

/// Bulk writes: `COPY … FROM STDIN` for the run's rows, and a statement with one binary parameter
/// for the rendered reports.
extension PostgresConnection {
    /// Runs `COPY table (columns) FROM STDIN` in text format with `rows` rows whose fields come
    /// from `value(row, column)` (`nil` is NULL).
    ///
    /// COPY because it is the cheapest way in: measured here ~1.7 M rows/s (../shared/TECH-NOTES.md §1.6), where
    /// one `INSERT … SELECT FROM unnest(text arrays)` of 5,000 breaks took ~50 ms of the server's
    /// time. Values are escaped as COPY's text format wants (`\\`, `\t`, `\n`, `\r`), so any text
    /// is safe; the statement itself carries no values.
    public func copyIn(_ sql: String, rows: Int, columns: Int, value: (_ row: Int, _ column: Int) -> String?) throws {
        let connection = try startCopy(sql, PGRES_COPY_IN, "a COPY … FROM STDIN")
        var buffer: [UInt8] = []
        buffer.reserveCapacity(80 << 10)
        var sent = true
        func send() {
            guard sent, !buffer.isEmpty else { return }
            sent = buffer.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(connection, $0.baseAddress, Int32($0.count)) == 1 }
            }
            buffer.removeAll(keepingCapacity: true)
        }
        for row in 0..<rows {
            for column in 0..<columns {
                if column > 0 { buffer.append(UInt8(ascii: "\t")) }
                guard var text = value(row, column) else {
                    buffer.append(UInt8(ascii: "\\"))
                    buffer.append(UInt8(ascii: "N"))
                    continue
                }
                text.withUTF8 { Self.appendCopyEscaped($0, to: &buffer) }
            }
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= 64 << 10 { send() }
        }
        send()
        let ended = PQputCopyEnd(connection, sent ? nil : "tally could not send the rows") == 1
        try finishCopy(connection)
        guard sent, ended else {
            throw PostgresError(code: .connection, message: Self.oneLine(PQerrorMessage(connection)))
        }
    }

    /// Appends a value in COPY's text format.
    static func appendCopyEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"):
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\t"):
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "t"))
            case UInt8(ascii: "\n"):
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"):
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "r"))
            default: buffer.append(byte)
            }
        }
    }

    /// Runs a statement whose text parameters are `$1…$n` and whose last parameter, `$(n+1)`, is
    /// `bytes` sent in binary (a `bytea` goes over as it is, with no base64 or hex on either side).
    public func execute(_ sql: String, _ parameters: [String?], bytes: [UInt8]) throws(PostgresError) {
        let connection = try handle()
        let payload = bytes.isEmpty ? [0] : bytes  // a valid pointer even for no bytes
        let result = withParameters(parameters) { count, text in
            payload.withUnsafeBufferPointer { data -> OpaquePointer? in
                let values = text + [UnsafeRawPointer(data.baseAddress!).assumingMemoryBound(to: CChar.self)]
                let lengths = [Int32](repeating: 0, count: Int(count)) + [Int32(bytes.count)]
                let formats = [Int32](repeating: 0, count: Int(count)) + [1]
                return PQexecParams(connection, sql, count + 1, nil, values, lengths, formats, 0)
            }
        }
        defer { PQclear(result) }
        try check(result, connection: connection)
    }
}
