import TallyDigest

/// The stable identity of an open item, `it_` and 16 hex digits: the same for the same
/// (provider, kind, reference) on every run, rerun and night, so a person can act on it by id
/// (`tally items ack it_3f2a9c1e5b7d0a46`) and every report names it the same way.
///
/// Derived, never stored as a counter: a rerun that opens the item again, or a later window that
/// sees it again after it closed, gives it the same id, and its events stay attached to it.
/// The digest is SHA-256 of `provider NUL kind NUL reference`; 64 bits keep a collision among a
/// provider's items beyond any realistic count.
public struct ItemID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// The id of the item keyed by (`provider`, `reference`, `kind`).
    public init(provider: String, reference: String, kind: TransactionKind) {
        let digest = SHA256.hash(Array("\(provider)\u{0}\(kind.name)\u{0}\(reference)".utf8))
        rawValue = Self.prefix + Hex.lowercase(Array(digest.prefix(8)))
    }

    /// An id as a person typed it: `it_` and 16 lower-case hex digits; nil for anything else.
    public init?(text: String) {
        let digits = text.utf8.dropFirst(Self.prefix.utf8.count)
        guard text.hasPrefix(Self.prefix), digits.count == 16,
            digits.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        rawValue = text
    }

    public static let prefix = "it_"
    /// What a valid id looks like, for error messages.
    public static let rule = "an item id is it_ followed by 16 hex digits (see `tally items list`)"

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension OpenItem {
    /// This item's stable id within `provider`.
    public func id(provider: String) -> ItemID { ItemID(provider: provider, reference: reference, kind: kind) }
}

extension Break {
    /// The id of the item this break opens or persists, nil for a class that opens none.
    public func itemID(provider: String) -> ItemID? {
        breakClass.opensItem ? ItemID(provider: provider, reference: reference, kind: kind) : nil
    }
}

/// Bytes as lower-case hex digits, for ids and digests.
public enum Hex {
    public static func lowercase(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
