import TallyCore

/// PayPal's date-times, `YYYY/MM/DD HH:MM:SS ±hhmm` (the offset is the account's zone).
enum PayPalTimestamp {
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        // 2026/01/06 03:12:28 -0800 → 2026-01-06 03:12:28-0800, which Timestamp reads
        guard bytes.count == 25, bytes[4] == UInt8(ascii: "/"), bytes[7] == UInt8(ascii: "/"),
            bytes[10] == UInt8(ascii: " "), bytes[19] == UInt8(ascii: " "),
            bytes[20] == UInt8(ascii: "+") || bytes[20] == UInt8(ascii: "-")
        else { return nil }
        var iso = Array(bytes[0..<19]) + Array(bytes[20..<25])
        iso[4] = UInt8(ascii: "-")
        iso[7] = UInt8(ascii: "-")
        return iso.withUnsafeBufferPointer { Timestamp.parse($0) }
    }
}
