/// An ISO 4217 currency: its three-letter code and the exponent of its minor unit.
///
/// The code is packed into a `UInt32` so that a currency is a plain 8-byte value that
/// hashes and compares without touching a `String` on the hot path.
public struct Currency: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The three ASCII upper-case letters packed big-endian into the low 24 bits.
    public let packed: UInt32
    /// Number of digits after the decimal point of the minor unit (JPY 0, EUR 2, KWD 3).
    public let exponent: Int

    /// Looks a code up in the ISO 4217 table; accepts upper or lower case.
    ///
    /// - Returns: `nil` when the code is not an active ISO 4217 code.
    public init?(code: String) {
        var bytes = Array(code.utf8)
        guard bytes.count == 3 else { return nil }
        for index in 0..<3 { bytes[index] = Self.upper(bytes[index]) }
        self.init(ascii: bytes[0], bytes[1], bytes[2])
    }

    /// Looks up a code given as three ASCII bytes (any case). Used by the readers on raw field bytes.
    public init?(bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 3 else { return nil }
        self.init(ascii: Self.upper(bytes[0]), Self.upper(bytes[1]), Self.upper(bytes[2]))
    }

    /// Rebuilds a currency from its ``packed`` code.
    public init?(packed: UInt32) {
        guard let exponent = ISO4217.exponent(packed: packed) else { return nil }
        self.packed = packed
        self.exponent = Int(exponent)
    }

    private init?(ascii a: UInt8, _ b: UInt8, _ c: UInt8) {
        let key = UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c)
        guard let exponent = ISO4217.exponent(packed: key) else { return nil }
        self.packed = key
        self.exponent = Int(exponent)
    }

    /// The upper-case three-letter code, for example `"EUR"`.
    public var code: String {
        String(decoding: [UInt8(packed >> 16 & 0xFF), UInt8(packed >> 8 & 0xFF), UInt8(packed & 0xFF)], as: UTF8.self)
    }

    public var description: String { code }

    public static func < (lhs: Currency, rhs: Currency) -> Bool { lhs.packed < rhs.packed }

    @inline(__always) static func upper(_ byte: UInt8) -> UInt8 {
        (byte >= 0x61 && byte <= 0x7A) ? byte - 0x20 : byte
    }

    public static let eur = Currency(code: "EUR")!
    public static let usd = Currency(code: "USD")!
    public static let gbp = Currency(code: "GBP")!
    public static let jpy = Currency(code: "JPY")!
    public static let kwd = Currency(code: "KWD")!
}
