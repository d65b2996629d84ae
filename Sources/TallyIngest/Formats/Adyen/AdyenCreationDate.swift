import TallyCore

/// Adyen's `Creation Date` (`YYYY-MM-DD HH:MM:SS`, local time) with the row's `TimeZone`
/// abbreviation, turned into an instant.
///
/// Adyen writes an abbreviation, not an IANA zone, and the abbreviation flips within one file at
/// a DST change (PST → PDT), so each row carries its own offset. The table holds the abbreviations
/// of the zones merchant accounts are set to. Three are ambiguous and read one way: `CST` and `AST`
/// as North American (Central, Atlantic), `IST` as India. A numeric `+hh:mm`, `+hhmm`, `UTC+h` or
/// `GMT-hh:mm` is accepted too; anything else makes the row a reject.
enum AdyenCreationDate {
    /// Offsets from UTC in minutes, by upper-case abbreviation.
    static let offsets: [String: Int] = [
        "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "IST": 330,
        "CET": 60, "CEST": 120, "MET": 60, "MEST": 120, "EET": 120, "EEST": 180, "MSK": 180,
        "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
        "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600, "AST": -240, "ADT": -180,
        "NST": -210, "NDT": -150, "BRT": -180, "ART": -180,
        "SGT": 480, "HKT": 480, "AWST": 480, "JST": 540, "KST": 540, "ACST": 570, "ACDT": 630,
        "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
    ]

    /// Why a creation date could not be read.
    enum Problem: Error, Equatable {
        case date, zone
    }

    /// - Returns: the instant, or the part that could not be read.
    static func parse(date: UnsafeBufferPointer<UInt8>, zone: UnsafeBufferPointer<UInt8>) -> Result<Timestamp, Problem> {
        guard date.count == 19, date[10] == UInt8(ascii: " "), let local = Timestamp.parse(date) else {
            return .failure(.date)
        }
        guard let minutes = offset(zone) else { return .failure(.zone) }
        return .success(Timestamp(microseconds: local.microseconds - Int64(minutes) * 60_000_000))
    }

    /// The abbreviations of ``offsets`` packed into an integer, so that the per-row lookup builds no String.
    static let packedOffsets: [UInt32: Int] = Dictionary(
        uniqueKeysWithValues: offsets.map { name, minutes in (name.utf8.reduce(0) { $0 << 8 | UInt32($1) }, minutes) })

    /// The zone's offset from UTC in minutes.
    static func offset(_ zone: UnsafeBufferPointer<UInt8>) -> Int? {
        if zone.count <= 4 {
            var packed: UInt32 = 0
            for byte in zone {
                let upper = byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte
                packed = packed << 8 | UInt32(upper)
            }
            if let minutes = packedOffsets[packed] { return minutes }
        }
        guard !zone.isEmpty, zone.count <= 12, let text = String(validating: zone, as: UTF8.self) else { return nil }
        let upper = text.uppercased()
        if let minutes = offsets[upper] { return minutes }
        // numeric: +01:00, +0100, +1, UTC+1, GMT-05:30
        var rest = Substring(upper)
        if rest.hasPrefix("UTC") || rest.hasPrefix("GMT") { rest = rest.dropFirst(3) }
        guard let sign = rest.first, sign == "+" || sign == "-" else { return nil }
        let digits = rest.dropFirst().filter { $0 != ":" }
        guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy(\.isASCII), let value = Int(digits) else { return nil }
        let hours = digits.count <= 2 ? value : value / 100
        let minutes = digits.count <= 2 ? 0 : value % 100
        guard hours <= 14, minutes < 60 else { return nil }
        return (hours * 60 + minutes) * (sign == "-" ? -1 : 1)
    }
}
