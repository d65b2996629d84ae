/// How a provider pays out (`providers.P.payouts` in tally.yml): to which bank provider, how many
/// calendar days the credit may take, and how its credits look on the bank statement.
public struct PayoutTerms: Sendable, Hashable {
    /// The provider whose statements receive the payouts.
    public var to: String
    /// The credit is due at most this many calendar days after the payout date.
    public var arrivalDays: Int
    /// A case-insensitive regular expression on a bank line's counterparty or remittance text.
    public var bankText: String

    public init(to: String, arrivalDays: Int, bankText: String) {
        self.to = to
        self.arrivalDays = arrivalDays
        self.bankText = bankText
    }
}

/// A provider that pays into the bank being reconciled, with its terms.
public struct PayoutSource: Sendable, Hashable {
    public var provider: String
    public var terms: PayoutTerms

    public init(provider: String, terms: PayoutTerms) {
        self.provider = provider
        self.terms = terms
    }
}
