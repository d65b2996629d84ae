/// A payout as the `tally` schema remembers it: announced by a provider run, expected as a credit
/// on its bank's statement by the due date, and what the bank runs have made of it.
public struct ExpectedPayout: Sendable, Hashable {
    /// Where a payout stands.
    public enum State: String, Sendable, Hashable, CaseIterable, Codable {
        /// Announced, not seen on the bank statement, not reported missing (yet).
        case outstanding
        /// Found on the bank statement.
        case arrived
        /// Its due date passed in a bank run without a credit for it.
        case missing
    }

    /// The bank line a payout arrived on.
    public struct Arrival: Sendable, Hashable {
        public var bankProvider: String
        public var run: String
        /// The break reference of the bank line (its own reference, or `(no reference) line N`).
        public var reference: String
        public var file: String
        public var line: Int
        public var date: CivilDate?
        public var amount: Money

        public init(
            bankProvider: String, run: String, reference: String, file: String, line: Int, date: CivilDate?, amount: Money
        ) {
            self.bankProvider = bankProvider
            self.run = run
            self.reference = reference
            self.file = file
            self.line = line
            self.date = date
            self.amount = amount
        }
    }

    public var provider: String
    public var reference: String
    public var batch: Int?
    public var account: String?
    public var amount: Money
    public var payoutDate: CivilDate
    public var dueDate: CivilDate
    public var announcedRun: String
    /// Whether a bank run has reported it as `payout_missing` (a later credit is then accepted on any date).
    public var reportedMissing: Bool
    public var arrival: Arrival?
    /// The provider run that announced its reversal, when it was reversed.
    public var reversedRun: String?

    public init(
        provider: String, reference: String, batch: Int? = nil, account: String? = nil, amount: Money,
        payoutDate: CivilDate, dueDate: CivilDate, announcedRun: String, reportedMissing: Bool = false,
        arrival: Arrival? = nil, reversedRun: String? = nil
    ) {
        self.provider = provider
        self.reference = reference
        self.batch = batch
        self.account = account
        self.amount = amount
        self.payoutDate = payoutDate
        self.dueDate = dueDate
        self.announcedRun = announcedRun
        self.reportedMissing = reportedMissing
        self.arrival = arrival
        self.reversedRun = reversedRun
    }

    public var state: State { arrival != nil ? .arrived : reportedMissing ? .missing : .outstanding }

    /// Days from the payout date to `day` (0 on the payout date).
    public func age(on day: CivilDate) -> Int { max(0, day.daysSinceEpoch - payoutDate.daysSinceEpoch) }

    /// The payout as the expected side of a break (shown where a break shows its ledger row).
    public var expectedRecord: LedgerRecord {
        LedgerRecord(
            reference: reference, kind: .charge, amount: amount, status: LedgerStatus(text: "succeeded"),
            createdAt: Timestamp(date: payoutDate))
    }
}
