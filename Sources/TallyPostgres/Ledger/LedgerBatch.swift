import TallyCore

/// Ledger rows packed into one buffer for the trip from the streaming thread to the matcher.
///
/// Each row is seven fields (`provider_ref, kind, amount_minor, currency, status, created_at,
/// merchant_ref`). Rows from single-row mode are copied out of libpq's per-row result as
/// `[i32 LE length (−1 for NULL)][bytes]` per field; rows from `COPY … (FORMAT binary)` are kept as
/// the server sent them (``Layout/copyBinary``), so the streaming thread copies each row once and
/// parses nothing. Either way the stream runs ahead of the matcher by a bounded amount.
public struct LedgerBatch: Sendable {
    /// How the rows of a batch are laid out, and how `amount_minor` and `created_at` are written.
    public enum Layout: UInt8, Sendable {
        /// `[i32 LE length][bytes]` per field, every field as text (single-row mode).
        case packedText = 0
        /// The same layout with `amount_minor` and `created_at` in PostgreSQL's binary form (int8,
        /// timestamptz): rows of a COPY stream kept for later (a spilled run's partitions).
        case packedBinary = 1
        /// COPY binary tuples: `[i16 BE field count]`, then per field `[i32 BE length][bytes]`.
        case copyBinary = 2
    }

    public static let columns = 7
    public private(set) var bytes: [UInt8] = []
    public private(set) var rows = 0
    public private(set) var layout: Layout
    /// Columns (bit `1 << column`) of a ``Layout/copyBinary`` batch whose type is `char(n)`: binary
    /// COPY sends their padding, and reading drops trailing spaces as the cast to `text` does.
    public private(set) var paddedColumns: UInt8

    public init(reservingBytes capacity: Int, layout: Layout = .packedText, paddedColumns: UInt8 = 0) {
        self.layout = layout
        self.paddedColumns = paddedColumns
        bytes.reserveCapacity(capacity)
    }

    /// A batch read back from bytes this type wrote (a spill file's chunk).
    public init(bytes: [UInt8], rows: Int, layout: Layout, paddedColumns: UInt8 = 0) {
        self.bytes = bytes
        self.rows = rows
        self.layout = layout
        self.paddedColumns = paddedColumns
    }

    mutating func append(_ row: RowView) {
        let available = row.columnCount
        for column in 0..<Self.columns {
            if column >= available || row.isNull(column) {
                appendLength(-1)
            } else {
                let value = row.bytes(column)
                appendLength(Int32(value.count))
                bytes.append(contentsOf: value)
            }
        }
        rows += 1
    }

    /// Appends one tuple of a COPY binary stream as it came (``Layout/copyBinary`` batches).
    mutating func appendTuple(_ tuple: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: tuple)
        rows += 1
    }

    /// Appends a row given as fields (keeping a row for later). The first row decides whether the
    /// batch holds text or binary values; every later row must agree.
    public mutating func append(_ fields: LedgerFields) {
        if rows == 0 { layout = fields.binaryValues ? .packedBinary : .packedText }
        precondition(fields.binaryValues == (layout == .packedBinary), "a ledger batch mixes text and binary rows")
        for column in 0..<Self.columns {
            if let value = fields[column] {
                appendLength(Int32(value.count))
                bytes.append(contentsOf: value)
            } else {
                appendLength(-1)
            }
        }
        rows += 1
    }

    private mutating func appendLength(_ length: Int32) {
        withUnsafeBytes(of: length.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Calls `body` with the fields of each row in order (a NULL field is `nil`).
    public func forEachRow(_ body: (LedgerFields) -> Void) {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let end = buffer.count
            var offset = 0
            if layout == .copyBinary {
                for _ in 0..<rows {
                    guard offset + 2 <= end else { return }
                    let count = Int(Int16(bigEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: Int16.self)))
                    offset += 2
                    guard count >= 0 else { return }  // the trailer
                    var fields = LedgerFields()
                    fields.binaryValues = true
                    for column in 0..<count {
                        guard offset + 4 <= end else { return }
                        let length = Int(Int32(bigEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: Int32.self)))
                        offset += 4
                        if length >= 0 {
                            guard offset + length <= end else { return }
                            if column < Self.columns {
                                var kept = length
                                if paddedColumns & (1 << column) != 0 {
                                    while kept > 0 && base[offset + kept - 1] == UInt8(ascii: " ") { kept -= 1 }
                                }
                                fields[column] = UnsafeBufferPointer(start: base + offset, count: kept)
                            }
                            offset += length
                        }
                    }
                    body(fields)
                }
                return
            }
            for _ in 0..<rows {
                var fields = LedgerFields()
                fields.binaryValues = layout == .packedBinary
                for column in 0..<Self.columns {
                    let length = Int(
                        Int32(littleEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: Int32.self)))
                    offset += 4
                    if length >= 0 {
                        fields[column] = UnsafeBufferPointer(start: base + offset, count: length)
                        offset += length
                    }
                }
                body(fields)
            }
        }
    }
}

/// Splits the messages of `COPY … TO STDOUT (FORMAT binary)` into tuples: checks and strips the
/// file header the server puts in front of the first tuple, and recognises the trailer.
struct CopyBinaryFraming {
    private static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]
    private var headerSeen = false

    /// The tuple in one message, or `nil` for the trailer (or a message with the header only).
    mutating func tuple(in message: UnsafeBufferPointer<UInt8>) throws(PostgresError) -> UnsafeBufferPointer<UInt8>? {
        var start = 0
        if !headerSeen {
            // 11-byte signature, i32 flags, i32 length of the header extension, the extension.
            guard message.count >= 19, message.prefix(11).elementsEqual(Self.signature) else {
                throw PostgresError(code: .stream, message: "the ledger's COPY output does not start with the binary COPY header")
            }
            let extensionLength = Int(
                UInt32(bigEndian: UnsafeRawBufferPointer(message).loadUnaligned(fromByteOffset: 15, as: UInt32.self)))
            start = 19 + extensionLength
            guard start <= message.count else {
                throw PostgresError(code: .stream, message: "the ledger's COPY header is truncated")
            }
            headerSeen = true
        }
        let rest = UnsafeBufferPointer(rebasing: message[start...])
        if rest.isEmpty || (rest.count == 2 && rest[0] == 0xFF && rest[1] == 0xFF) { return nil }
        return rest
    }
}

/// The seven fields of one ledger row as views into a buffer (valid only inside the callback).
public struct LedgerFields {
    private var values:
        (
            UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>?,
            UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>?,
            UnsafeBufferPointer<UInt8>?
        ) = (nil, nil, nil, nil, nil, nil, nil)

    /// Whether `amount_minor` and `created_at` are PostgreSQL's binary int8 and timestamptz (a COPY
    /// binary stream) rather than text.
    public var binaryValues = false

    public init() {}

    init(_ row: RowView) {
        for column in 0..<min(LedgerBatch.columns, row.columnCount) where !row.isNull(column) {
            self[column] = row.bytes(column)
        }
    }

    public subscript(column: Int) -> UnsafeBufferPointer<UInt8>? {
        get {
            switch column {
            case 0: values.0
            case 1: values.1
            case 2: values.2
            case 3: values.3
            case 4: values.4
            case 5: values.5
            default: values.6
            }
        }
        set {
            switch column {
            case 0: values.0 = newValue
            case 1: values.1 = newValue
            case 2: values.2 = newValue
            case 3: values.3 = newValue
            case 4: values.4 = newValue
            case 5: values.5 = newValue
            default: values.6 = newValue
            }
        }
    }

    /// A field by its column.
    public subscript(column: LedgerColumn) -> UnsafeBufferPointer<UInt8>? {
        get { self[column.rawValue] }
        set { self[column.rawValue] = newValue }
    }

    /// A field's text for messages (empty for NULL; binary values shown as numbers).
    func text(_ column: LedgerColumn) -> String {
        guard let value = self[column] else { return "" }
        if binaryValues && (column == .amountMinor || column == .createdAt) {
            return value.count == 8 ? String(Self.bigEndianInt64(value)) : "(\(value.count) bytes)"
        }
        return String(decoding: value, as: UTF8.self)
    }

    /// `amount_minor` (text, or binary int8), or `nil` when it is NULL or unreadable.
    func amountMinor() -> Int64? {
        guard let value = self[LedgerColumn.amountMinor] else { return nil }
        if binaryValues { return value.count == 8 ? Self.bigEndianInt64(value) : nil }
        return try? MoneyParser.parseInteger(value)
    }

    /// Microseconds from 1970 to 2000-01-01, PostgreSQL's epoch for binary timestamps.
    private static let postgresEpoch: Int64 = 946_684_800_000_000

    /// `created_at` (text, or binary timestamptz: microseconds since 2000-01-01 UTC), or `nil` when
    /// it is NULL, ±infinity or unreadable.
    func createdAt() -> Timestamp? {
        guard let value = self[LedgerColumn.createdAt] else { return nil }
        guard binaryValues else { return Timestamp.parse(value) }
        guard value.count == 8 else { return nil }
        let raw = Self.bigEndianInt64(value)
        guard raw != .max, raw != .min else { return nil }  // infinity, -infinity
        let (micros, overflow) = raw.addingReportingOverflow(Self.postgresEpoch)
        return overflow ? nil : Timestamp(microseconds: micros)
    }

    @inline(__always)
    private static func bigEndianInt64(_ value: UnsafeBufferPointer<UInt8>) -> Int64 {
        Int64(bigEndian: UnsafeRawBufferPointer(value).loadUnaligned(as: Int64.self))
    }
}
