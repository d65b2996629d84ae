import TallyCore

/// A date-time layout such as `yyyy-MM-dd HH:mm:ss` or `dd.MM.yyyy`, parsed by hand (no Foundation
/// formatter per row). Fields: `yyyy`, `MM`, `dd`, `HH`, `mm`, `ss`, `SSS` (fraction); text in
/// single quotes and any other character is matched literally. Times are taken as UTC.
public struct TimestampPattern: Sendable, Hashable {
    enum Token: Sendable, Hashable {
        case year, month, day, hour, minute, second
        case fraction(Int)
        case literal(UInt8)
    }

    /// Why a layout is not usable.
    public struct Invalid: Error, Sendable {
        public var reason: String
    }

    let tokens: [Token]

    public init(_ pattern: String) throws(Invalid) {
        var tokens: [Token] = []
        let bytes = Array(pattern.utf8)
        var index = 0
        var fields = Set<String>()
        while index < bytes.count {
            let byte = bytes[index]
            var run = 1
            while index + run < bytes.count && bytes[index + run] == byte { run += 1 }
            func field(_ name: String, _ token: Token, width: Int) throws(Invalid) {
                guard run == width else {
                    throw Invalid(
                        reason: "'\(String(repeating: Character(UnicodeScalar(byte)), count: run))' is not a field; use \(name)")
                }
                tokens.append(token)
                fields.insert(name)
            }
            switch byte {
            case UInt8(ascii: "y"): try field("yyyy", .year, width: 4)
            case UInt8(ascii: "M"): try field("MM", .month, width: 2)
            case UInt8(ascii: "d"): try field("dd", .day, width: 2)
            case UInt8(ascii: "H"): try field("HH", .hour, width: 2)
            case UInt8(ascii: "m"): try field("mm", .minute, width: 2)
            case UInt8(ascii: "s"): try field("ss", .second, width: 2)
            case UInt8(ascii: "S"):
                guard run <= 9 else { throw Invalid(reason: "at most 9 fraction digits (S)") }
                tokens.append(.fraction(run))
            case UInt8(ascii: "'"):
                var end = index + 1
                while end < bytes.count && bytes[end] != UInt8(ascii: "'") {
                    tokens.append(.literal(bytes[end]))
                    end += 1
                }
                guard end < bytes.count else { throw Invalid(reason: "an opening quote ' has no closing quote") }
                index = end + 1
                continue
            default:
                if (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) {
                    throw Invalid(
                        reason:
                            "unknown field letter '\(Character(UnicodeScalar(byte)))'; use yyyy MM dd HH mm ss SSS, quote literal text"
                    )
                }
                for _ in 0..<run { tokens.append(.literal(byte)) }
            }
            index += run
        }
        guard fields.isSuperset(of: ["yyyy", "MM", "dd"]) else {
            throw Invalid(reason: "the format needs yyyy, MM and dd")
        }
        self.tokens = tokens
    }

    /// Parses a field; nil when it does not follow the layout or is not a real date and time.
    public func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        var index = 0
        var year = 0
        var month = 0
        var day = 0
        var hour = 0
        var minute = 0
        var second = 0
        var micro = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<width {
                let digit = bytes[index + offset] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            index += width
            return value
        }
        for token in tokens {
            switch token {
            case .year:
                guard let value = number(4) else { return nil }
                year = value
            case .month:
                guard let value = number(2) else { return nil }
                month = value
            case .day:
                guard let value = number(2) else { return nil }
                day = value
            case .hour:
                guard let value = number(2) else { return nil }
                hour = value
            case .minute:
                guard let value = number(2) else { return nil }
                minute = value
            case .second:
                guard let value = number(2) else { return nil }
                second = value
            case .fraction(let width):
                guard let value = number(width) else { return nil }
                var scaled = value
                if width < 6 { for _ in width..<6 { scaled *= 10 } } else { for _ in 6..<width { scaled /= 10 } }
                micro = scaled
            case .literal(let byte):
                guard index < bytes.count, bytes[index] == byte else { return nil }
                index += 1
            }
        }
        guard index == bytes.count, (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year),
            hour < 24, minute < 60, second < 60
        else { return nil }
        return Timestamp(
            date: CivilDate(year: year, month: month, day: day), hour: hour, minute: minute, second: second,
            microsecond: micro)
    }
}
