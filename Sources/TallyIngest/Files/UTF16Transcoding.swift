/// Recognises UTF-16 text (old PayPal reports were UTF-16) and turns it into UTF-8.
public enum UTF16Transcoding {
    public enum ByteOrder: Sendable { case littleEndian, bigEndian }

    /// The byte order of UTF-16 text from its first bytes: a BOM (`FF FE`, `FE FF`), or, without
    /// one, an ASCII character next to a NUL byte (`R\0H\0` or `\0R\0H`).
    ///
    /// - Returns: nil for anything else (UTF-8 with or without a BOM, binary junk).
    public static func byteOrder(of prefix: some Collection<UInt8>) -> ByteOrder? {
        let bytes = Array(prefix.prefix(4))
        guard bytes.count >= 2 else { return nil }
        if bytes[0] == 0xFF && bytes[1] == 0xFE { return .littleEndian }
        if bytes[0] == 0xFE && bytes[1] == 0xFF { return .bigEndian }
        guard bytes.count >= 4 else { return nil }
        func ascii(_ byte: UInt8) -> Bool { byte >= 0x20 && byte < 0x7F }
        if ascii(bytes[0]) && bytes[1] == 0 && ascii(bytes[2]) && bytes[3] == 0 { return .littleEndian }
        if bytes[0] == 0 && ascii(bytes[1]) && bytes[2] == 0 && ascii(bytes[3]) { return .bigEndian }
        return nil
    }

    /// UTF-16 bytes (with or without a BOM, which is dropped) as UTF-8 bytes.
    ///
    /// - Parameter lenient: replace what is not valid UTF-16 (for format detection on a prefix
    ///   that may end in the middle of a character) instead of failing.
    /// - Returns: nil when the text is not valid UTF-16 and `lenient` is false.
    public static func utf8(from bytes: some Collection<UInt8>, _ order: ByteOrder, lenient: Bool = false) -> [UInt8]? {
        guard bytes.count % 2 == 0 || lenient else { return nil }
        var iterator = bytes.makeIterator()
        let bom: [UInt8] = order == .littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
        if bytes.starts(with: bom) {
            _ = iterator.next()
            _ = iterator.next()
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 2 + bytes.count / 8)
        let failed = transcode(
            CodeUnits(bytes: iterator, order: order), from: UTF16.self, to: UTF8.self, stoppingOnError: !lenient,
            into: { output.append($0) })
        return failed ? nil : output
    }

    /// 16-bit code units read pairwise from bytes, without an intermediate array.
    private struct CodeUnits<Bytes: IteratorProtocol<UInt8>>: IteratorProtocol {
        var bytes: Bytes
        let order: ByteOrder

        mutating func next() -> UInt16? {
            guard let first = bytes.next(), let second = bytes.next() else { return nil }
            return order == .littleEndian ? UInt16(second) << 8 | UInt16(first) : UInt16(first) << 8 | UInt16(second)
        }
    }
}
