/// The sink of the payout read of a provider's files: keeps the payouts they announce and the net
/// of every line tied to a payout, and ignores everything else (the run's own read matches them).
///
/// Its ``controls()`` are the per-payout control `payout = Σ net of its lines` (Stripe's
/// `automatic_payout_id`): a payout announced in the files whose tied lines do not add up to it
/// fails, naming the payout and the unexplained remainder.
public struct PayoutCollector: SettlementSink {
    /// Announced payouts and reversals, in file order.
    public private(set) var payouts: [AnnouncedPayout] = []
    /// Σ net of the lines tied to each payout reference, per currency.
    public private(set) var itemNets: [String: [Currency: Int64]] = [:]
    /// Lines tied to each payout reference.
    public private(set) var itemCounts: [String: Int] = [:]

    public init() {}

    public mutating func addTransaction(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, location: SourceLocation
    ) {}
    public mutating func addNonTransaction(_ line: NonTransactionLine) {}
    public mutating func addReject(_ reject: Reject) {}
    public mutating func addControl(_ control: ControlResult) {}

    /// The batches the files settle, with or without a payout, by the first file that settles each.
    public private(set) var settledBatches: [SettledBatch: Int] = [:]

    public mutating func addPayout(_ payout: AnnouncedPayout) { payouts.append(payout) }
    public mutating func addSettledBatch(_ batch: SettledBatch, file: Int) {
        if settledBatches[batch] == nil { settledBatches[batch] = file }
    }

    public mutating func notePayoutItem(payout reference: String, net: Money) {
        itemNets[reference, default: [:]][net.currency, default: 0] &+= net.minor
        itemCounts[reference, default: 0] += 1
    }

    /// One control per announced payout that has lines tied to it, in file order.
    public func controls() -> [ControlResult] {
        payouts.filter { !$0.isReversal && itemCounts[$0.reference] != nil }.map { payout in
            let nets = itemNets[payout.reference] ?? [:]
            let sum = nets[payout.amount.currency] ?? 0
            let others = nets.filter { $0.key != payout.amount.currency && $0.value != 0 }
            let remainder = payout.amount.minor &- sum
            let ok = remainder == 0 && others.isEmpty
            let lines = itemCounts[payout.reference] ?? 0
            var actual = "Σ net of \(lines) line\(lines == 1 ? "" : "s") \(Money(minor: sum, currency: payout.amount.currency))"
            if remainder != 0 {
                actual += ", unexplained \(Money(minor: remainder, currency: payout.amount.currency))"
            }
            for (currency, minor) in others.sorted(by: { $0.key.code < $1.key.code }) {
                actual += ", and \(Money(minor: minor, currency: currency)) in another currency"
            }
            return ControlResult(
                name: "payout \(payout.reference) = Σ net of its lines", ok: ok,
                expected: "\(payout.amount)", actual: actual, file: payout.location.file)
        }
    }
}
