/// The direction of a settlement transaction, which together with the reference forms the match key.
public enum TransactionKind: UInt8, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case charge = 0
    case refund = 1
    case chargeback = 2

    /// The contract's spelling: `charge`, `refund`, `chargeback`.
    public var name: String {
        switch self {
        case .charge: "charge"
        case .refund: "refund"
        case .chargeback: "chargeback"
        }
    }

    /// Parses the ledger's `kind` column (exact, lower case).
    public init?(name: some StringProtocol) {
        switch name {
        case "charge": self = .charge
        case "refund": self = .refund
        case "chargeback": self = .chargeback
        default: return nil
        }
    }

    /// Parses raw bytes of the ledger's `kind` column without building a String.
    @inlinable
    public init?(bytes: UnsafeBufferPointer<UInt8>) {
        switch bytes.count {
        case 6 where bytes.equals("charge"): self = .charge
        case 6 where bytes.equals("refund"): self = .refund
        case 10 where bytes.equals("chargeback"): self = .chargeback
        default: return nil
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Bytewise equality with an ASCII literal, without the generic `elementsEqual` machinery.
    @inlinable
    public func equals(_ literal: StaticString) -> Bool {
        guard literal.utf8CodeUnitCount == count else { return false }
        let other = literal.utf8Start
        for index in 0..<count where self[index] != other[index] { return false }
        return true
    }
}
