/// A run id as a person types it: a whole UUID or a prefix of at least 6 of its characters, hex
/// digits with the UUID's dashes where they belong (`3f2a9c`, `3f2a9c41-07`).
///
/// Checked before any query, so a prefix can never act as a pattern (`%%%%%%`, `______`) and the
/// store matches it as plain text.
public struct RunIDPrefix: Sendable, Hashable, CustomStringConvertible {
    /// The prefix in lower case.
    public let text: String

    /// The fewest characters a prefix must have.
    public static let minimumLength = 6

    /// What a valid prefix looks like, for error messages.
    public static let rule =
        "a run id is hex digits in UUID form (8-4-4-4-12); give the whole id or at least its first 6 characters"

    public init?(_ raw: String) {
        let text = raw.lowercased()
        let bytes = Array(text.utf8)
        guard bytes.count >= Self.minimumLength, bytes.count <= 36 else { return nil }
        for (position, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(position) {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                guard
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                        || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                else { return nil }
            }
        }
        self.text = text
    }

    /// Whether this is a whole id rather than a prefix.
    public var isComplete: Bool { text.utf8.count == 36 }

    public var description: String { text }
}
