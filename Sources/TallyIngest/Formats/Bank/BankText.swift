import TallyCore

/// Small byte helpers shared by the bank formats' readers.
enum BankText {
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
    static func isLetter(_ byte: UInt8) -> Bool { isUpper(byte) || (byte >= 0x61 && byte <= 0x7A) }

    /// The bytes without leading and trailing spaces and tabs.
    static func trimmed<C: BidirectionalCollection<UInt8>>(_ bytes: C) -> C.SubSequence {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end && isSpace(bytes[start]) { bytes.formIndex(after: &start) }
        while start < end {
            let before = bytes.index(before: end)
            guard isSpace(bytes[before]) else { break }
            end = before
        }
        return bytes[start..<end]
    }

    /// Text for a message: decoded, control characters escaped, cut at 40 characters.
    static func quoted<C: Collection<UInt8>>(_ bytes: C) -> String {
        let text = TerminalText.escaped(String(decoding: bytes.prefix(160), as: UTF8.self), keepingLayout: false)
        return text.count <= 40 ? text : String(text.prefix(39)) + "…"
    }

    /// A non-negative integer of ASCII digits (leading zeros fine); nil when empty, not digits or too large.
    static func integer<C: Collection<UInt8>>(_ bytes: C) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        return value
    }

    /// A calendar date of `YYMMDD` (years 80–99 are 19xx, the rest 20xx), or nil when it is none.
    static func date<C: Collection<UInt8>>(yymmdd bytes: C) -> CivilDate? {
        guard bytes.count == 6, let value = integer(bytes) else { return nil }
        let yy = Int(value / 10_000)
        return date(year: yy >= 80 ? 1900 + yy : 2000 + yy, monthDay: Int(value % 10_000))
    }

    /// A calendar date of a year and `MMDD`, or nil when it is none (Feb 30).
    static func date(year: Int, monthDay: Int) -> CivilDate? {
        let month = monthDay / 100
        let day = monthDay % 100
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }
}
