/// A payout a provider's settlement file announces: money the provider sends (or, for a reversal,
/// takes back from) the bank account its `payouts.to` names (docs/payouts.md).
///
/// Stripe: a `payout` line (`source_id` po_…) and a `payout_reversal` line of the same payout;
/// Adyen: a `MerchantPayout` row (one per batch and currency); PayPal: a `T0400` withdrawal.
public struct AnnouncedPayout: Sendable, Hashable {
    /// What identifies the payout at the provider: `po_…`, `<merchant account> batch <N> <CUR>`, a
    /// PayPal transaction id.
    public var reference: String
    /// Adyen's batch number, found as `batch N` in the bank text.
    public var batch: Int?
    /// Adyen's merchant account, when the file names it (the batch numbers count per account).
    public var account: String?
    /// What reaches the bank: positive minor units.
    public var amount: Money
    /// The payout's own date (Stripe `created`, Adyen `Creation Date`, PayPal initiation date).
    public var date: CivilDate?
    public var location: SourceLocation
    /// A `payout_reversal`: the payout failed after it was paid, and its bank match reopens.
    public var isReversal: Bool

    public init(
        reference: String, batch: Int? = nil, account: String? = nil, amount: Money, date: CivilDate?,
        location: SourceLocation, isReversal: Bool = false
    ) {
        self.reference = reference
        self.batch = batch
        self.account = account
        self.amount = amount
        self.date = date
        self.location = location
        self.isReversal = isReversal
    }
}

/// An Adyen batch a file settles, whether or not it paid anything out: a batch that paid nothing
/// carries no `MerchantPayout` row, and without this a later batch would read as a gap.
public struct SettledBatch: Sendable, Hashable {
    /// The merchant account, when the file names it ('' in the store when it does not).
    public var account: String?
    public var batch: Int

    public init(account: String?, batch: Int) {
        self.account = account
        self.batch = batch
    }
}

extension SettlementSink {
    public mutating func addPayout(_ payout: AnnouncedPayout) {}
    public mutating func addSettledBatch(_ batch: SettledBatch, file: Int) {}
    public mutating func notePayoutItem(payout reference: String, net: Money) {}
}
