/// An instant as microseconds since 1970-01-01T00:00:00Z (PostgreSQL's `timestamptz` resolution).
///
/// Parsed and formatted by hand: Foundation's date parsing per ledger row would dominate the
/// stream's client cost.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    public init(date: CivilDate, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0) {
        let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        microseconds = seconds * 1_000_000 + Int64(microsecond)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.microseconds < rhs.microseconds }

    /// The UTC calendar date of this instant.
    public var utcDate: CivilDate {
        CivilDate(daysSinceEpoch: Int(microseconds.floorDiv(86_400_000_000)))
    }

    /// ISO 8601 in UTC: `2026-03-10T09:12:44Z`, or with `.123456` when there are microseconds.
    public var iso8601: String {
        let dayMicros = microseconds.floorMod(86_400_000_000)
        let date = utcDate
        let totalSeconds = Int(dayMicros / 1_000_000)
        let micros = Int(dayMicros % 1_000_000)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text =
            "\(date)T\(pad(totalSeconds / 3600, 2)):\(pad(totalSeconds / 60 % 60, 2)):\(pad(totalSeconds % 60, 2))"
        if micros != 0 { text += "." + pad(micros, 6) }
        return text + "Z"
    }

    public var description: String { iso8601 }

    /// Parses PostgreSQL's ISO output of a `timestamptz` (`2026-03-10 09:12:44.123456+00`,
    /// `…+05:30`, `…-08`), the ISO 8601 `T` form, and a naive `YYYY-MM-DD HH:MM:SS` taken as UTC.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        var index = 0
        let count = bytes.count
        func number(_ width: Int) -> Int? {
            guard index + width <= count else { return nil }
            var value = 0
            for offset in 0..<width {
                let digit = bytes[index + offset] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            index += width
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(UInt8(ascii: "-")), let month = number(2), expect(UInt8(ascii: "-")),
            let day = number(2), (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year)
        else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        var micro = 0
        if index < count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "T") {
            index += 1
            guard let h = number(2), expect(UInt8(ascii: ":")), let m = number(2), expect(UInt8(ascii: ":")),
                let s = number(2), h < 24, m < 60, s < 61
            else { return nil }
            hour = h
            minute = m
            second = min(s, 59)
            if index < count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                var digits = 0
                while index < count, bytes[index] &- UInt8(ascii: "0") < 10 {
                    if digits < 6 { micro = micro * 10 + Int(bytes[index] &- UInt8(ascii: "0")) }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return nil }
                for _ in digits..<max(digits, 6) { micro *= 10 }
            }
        }
        var offsetSeconds = 0
        if index < count {
            let sign = bytes[index]
            if sign == UInt8(ascii: "Z") {
                index += 1
            } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                index += 1
                guard let oh = number(2) else { return nil }
                var om = 0
                var os = 0
                if expect(UInt8(ascii: ":")) {
                    guard let m = number(2) else { return nil }
                    om = m
                    if expect(UInt8(ascii: ":")) {
                        guard let s = number(2) else { return nil }
                        os = s
                    }
                } else if let m = number(2) {
                    om = m
                }
                offsetSeconds = (oh * 3600 + om * 60 + os) * (sign == UInt8(ascii: "-") ? -1 : 1)
            } else {
                return nil
            }
        }
        guard index == count else { return nil }
        let local = Timestamp(
            date: CivilDate(year: year, month: month, day: day), hour: hour, minute: minute, second: second,
            microsecond: micro)
        return Timestamp(microseconds: local.microseconds - Int64(offsetSeconds) * 1_000_000)
    }

    /// String convenience over ``parse(_:)``.
    public static func parse(_ text: String) -> Timestamp? {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }
}

extension Int64 {
    @inlinable func floorDiv(_ divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    @inlinable func floorMod(_ divisor: Int64) -> Int64 { self - floorDiv(divisor) * divisor }
}
