/// Ledger rows packed into one buffer for the trip from the streaming thread to the matcher.
///
/// Each row is seven fields (`provider_ref, kind, amount_minor, currency, status, created_at,
/// merchant_ref`), each an `Int32` length (−1 for NULL) followed by its bytes. Copying the bytes
/// out of libpq's per-row result once is cheaper than keeping the results alive, and lets the
/// stream run ahead of the matcher by a bounded amount.
public struct LedgerBatch: Sendable {
    public static let columns = 7
    public private(set) var bytes: [UInt8] = []
    public private(set) var rows = 0

    public init(reservingBytes capacity: Int) { bytes.reserveCapacity(capacity) }

    /// A batch read back from bytes this type wrote (a spill file's chunk).
    public init(bytes: [UInt8], rows: Int) {
        self.bytes = bytes
        self.rows = rows
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

    /// Appends a row given as fields (keeping a row for later).
    public mutating func append(_ fields: LedgerFields) {
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
            var offset = 0
            for _ in 0..<rows {
                var fields = LedgerFields()
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

/// The seven fields of one ledger row as views into a buffer (valid only inside the callback).
public struct LedgerFields {
    private var values:
        (
            UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>?,
            UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>?,
            UnsafeBufferPointer<UInt8>?
        ) = (nil, nil, nil, nil, nil, nil, nil)

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

    /// A field's text for messages (empty for NULL).
    func text(_ column: Int) -> String { self[column].map { String(decoding: $0, as: UTF8.self) } ?? "" }
}
