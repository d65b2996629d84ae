/// The internal `payments.status` of a ledger row.
public enum LedgerStatus: Sendable, Hashable {
    case succeeded, refunded, failed, pending
    /// Any other status text, kept verbatim so the report shows what the table holds.
    case other(String)

    public init(text: String) {
        switch text {
        case "succeeded": self = .succeeded
        case "refunded": self = .refunded
        case "failed": self = .failed
        case "pending": self = .pending
        default: self = .other(text)
        }
    }

    /// Reads the status column's bytes; only an unknown status builds a String.
    public init(bytes: UnsafeBufferPointer<UInt8>) {
        switch bytes.count {
        case 9 where bytes.equals("succeeded"): self = .succeeded
        case 8 where bytes.equals("refunded"): self = .refunded
        case 6 where bytes.equals("failed"): self = .failed
        case 7 where bytes.equals("pending"): self = .pending
        default: self = .other(String(decoding: bytes, as: UTF8.self))
        }
    }

    public var text: String {
        switch self {
        case .succeeded: "succeeded"
        case .refunded: "refunded"
        case .failed: "failed"
        case .pending: "pending"
        case .other(let text): text
        }
    }

    /// Whether a ledger row of `kind` with this status is expected in a settlement file:
    /// a charge that `succeeded` or was later `refunded`, a refund or chargeback that `succeeded`.
    public func shouldSettle(kind: TransactionKind) -> Bool { Classifier.settles(kind, LedgerStatusCode(self)) }
}
