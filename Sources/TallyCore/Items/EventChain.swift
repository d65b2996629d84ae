import TallyDigest

/// The hash chain of the item event log: each event's hash covers its own fields and the hash of
/// the event before it, so altering, removing or reordering any stored event breaks the chain from
/// that event on (`tally items verify` names the first one).
///
/// The hashed text is every field in a fixed order (``ItemEvent/chainFields``), each written as
/// its UTF-8 length, `:` and its bytes (`-` for a missing one), so no two different events hash
/// the same text; the instant is ISO 8601 in UTC with exactly six fraction digits, as the store
/// reads it back.
public enum EventChain {
    /// The `previous_hash` of the first event.
    public static let genesis = String(repeating: "0", count: 64)

    /// One stored event as text, as the log holds it, for checking without interpreting it
    /// (a tampered row may hold an action or kind no ``ItemEvent`` can).
    public struct StoredRow: Sendable, Hashable {
        public var sequence: Int64
        public var itemID: String
        public var action: String
        public var fields: [String?]
        public var previousHash: String
        public var hash: String

        public init(sequence: Int64, itemID: String, action: String, fields: [String?], previousHash: String, hash: String) {
            self.sequence = sequence
            self.itemID = itemID
            self.action = action
            self.fields = fields
            self.previousHash = previousHash
            self.hash = hash
        }
    }

    /// The hash of an event's ``ItemEvent/chainFields`` chained to `previousHash`.
    public static func hash(fields: [String?], previousHash: String) -> String {
        var text = "tally-item-event-v1"
        for field in fields + [previousHash] {
            if let field { text += "\(field.utf8.count):\(field)" } else { text += "-" }
        }
        return Hex.lowercase(SHA256.hash(Array(text.utf8)))
    }

    /// The first stored event whose chain does not hold, and why; nil when every event holds.
    /// - Parameter rows: the whole log in sequence order.
    public static func firstBreak(in rows: [StoredRow]) -> (row: StoredRow, reason: String)? {
        var previous = genesis
        for row in rows {
            if row.previousHash != previous {
                return (
                    row, "its previous_hash is not the hash of the event before it: an event was removed, reordered or altered"
                )
            }
            if hash(fields: row.fields, previousHash: previous) != row.hash {
                return (row, "its contents do not match its hash: it was altered after it was written")
            }
            previous = row.hash
        }
        return nil
    }

    /// `2026-03-12T08:01:02.000000Z`: the instant with all six fraction digits.
    public static func instant(_ at: Timestamp) -> String {
        let text = at.iso8601
        return text.contains(".") ? text : String(text.dropLast()) + ".000000Z"
    }
}

extension ItemEvent {
    /// The stored columns the hash covers, in the order of `tally.item_events` (docs/items.md).
    public var chainFields: [String?] {
        [
            String(sequence), itemID.rawValue, provider, reference, kind.name, breakClass.rawValue,
            amount.map { String($0.minor) }, amount?.currency.code, action.rawValue, actor, EventChain.instant(at), note,
            assignee, until?.description, resolvedAs, reason, runID, needsApproval ? "true" : nil,
        ]
    }

    /// The event with its hash chained to `previousHash`.
    public func chained(to previousHash: String) -> ItemEvent {
        var event = self
        event.previousHash = previousHash
        event.hash = EventChain.hash(fields: chainFields, previousHash: previousHash)
        return event
    }
}
