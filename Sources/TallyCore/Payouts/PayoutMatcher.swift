/// The bank leg of three-way reconciliation (docs/payouts.md): the credits of a bank run that look
/// like a provider's payouts, matched to that provider's open expected payouts.
///
/// A credit is matched by a reference found in its text (Adyen `batch N` in the payout's currency,
/// a payout id such as `po_…`), else by exact amount and currency with its booking date in
/// [payout date, due date] (any later date for a payout already reported missing), unique both
/// ways. What the matcher cannot decide is a break: `payout_amount_mismatch` (found by reference,
/// another amount), `ambiguous_match` (several payouts, or a payout several credits want),
/// `unexpected_payout` (nothing announced fits) and `payout_missing` (due before the window's end,
/// no credit). Pure: the same inputs in any order give the same outcome.
public struct PayoutMatcher: Sendable {
    /// A bank credit whose text matches a provider's `bank_text`.
    public struct Credit: Sendable, Hashable {
        /// The credit's break reference (its own reference, or `(no reference) line N`).
        public var reference: String
        public var amount: Money
        public var location: SourceLocation
        public var details: LineDetails
        /// The provider whose `bank_text` it matches (the first in config order).
        public var provider: String
        /// For a credit an earlier bank run stored: that run and the path of its file.
        public var storedRun: String?
        public var storedFile: String?

        public init(
            reference: String, amount: Money, location: SourceLocation, details: LineDetails, provider: String,
            storedRun: String? = nil, storedFile: String? = nil
        ) {
            self.reference = reference
            self.amount = amount
            self.location = location
            self.details = details
            self.provider = provider
            self.storedRun = storedRun
            self.storedFile = storedFile
        }

        var text: String { details.remittance + " " + details.counterparty }
    }

    /// A credit matched to a payout (by reference or by amount and date).
    public struct Arrival: Sendable, Hashable {
        public var payout: Int
        public var credit: Int
        public var byReference: Bool
    }

    public struct Outcome: Sendable {
        /// Credits matched to payouts, amounts equal or not (a mismatch is also in ``breaks``).
        public var arrivals: [Arrival] = []
        /// Payouts this run reports as `payout_missing`.
        public var missing: [Int] = []
        /// Credits nothing announced fits (`unexpected_payout`).
        public var unexpected: [Int] = []
        /// Credits several payouts fit, or that want a payout another credit wants (`ambiguous_match`).
        public var ambiguous: [Int] = []
        public var breaks: [Break] = []
    }

    /// The name reports give the bank leg as `matched_by`.
    public static let passName = "payout"

    public var window: ReconciliationWindow

    public init(window: ReconciliationWindow) { self.window = window }

    /// - Parameter held: whether a payout is a candidate of an ambiguous credit an earlier run
    ///   stored: until a person decides, it is not reported missing.
    public func run(credits: [Credit], payouts: [ExpectedPayout], held: (ExpectedPayout) -> Bool = { _ in false }) -> Outcome {
        var outcome = Outcome()
        let order = credits.indices.sorted { credits[$0].location < credits[$1].location }
        var claimed = Set<Int>()
        var decided = Set<Int>()
        var ambiguousPayouts = Set<Int>()

        // 1. A reference in the text.
        var wantedBy: [Int: [Int]] = [:]
        var referenceHits: [Int: [Int]] = [:]
        for credit in order {
            let hits = payouts.indices.filter { referenced(payouts[$0], by: credits[credit]) }
            guard !hits.isEmpty else { continue }
            referenceHits[credit] = hits
            for payout in hits { wantedBy[payout, default: []].append(credit) }
        }
        for credit in order {
            guard let hits = referenceHits[credit] else { continue }
            decided.insert(credit)
            if hits.count == 1, wantedBy[hits[0]]?.count == 1 {
                let payout = hits[0]
                claimed.insert(payout)
                outcome.arrivals.append(Arrival(payout: payout, credit: credit, byReference: true))
                if payouts[payout].amount != credits[credit].amount {
                    outcome.breaks.append(
                        Break(
                            breakClass: .payoutAmountMismatch, reference: payouts[payout].reference, kind: .charge,
                            provider: side(credits[credit]), ledger: payouts[payout].expectedRecord,
                            differences: payouts[payout].amount.currency == credits[credit].amount.currency
                                ? [.amount] : [.currency, .amount],
                            matchedBy: Self.passName))
                }
            } else {
                ambiguousPayouts.formUnion(hits)
                outcome.ambiguous.append(credit)
                outcome.breaks.append(ambiguous(credits[credit], hits.map { payouts[$0] }, reason: "reference in the text"))
            }
        }

        // 2. Exact amount and currency within the payout's days, unique both ways.
        var amountHits: [Int: [Int]] = [:]
        var amountWantedBy: [Int: Int] = [:]
        for credit in order where !decided.contains(credit) {
            let hits = payouts.indices.filter { !claimed.contains($0) && fits(payouts[$0], credits[credit]) }
            amountHits[credit] = hits
            for payout in hits { amountWantedBy[payout, default: 0] += 1 }
        }
        for credit in order where !decided.contains(credit) {
            let hits = amountHits[credit] ?? []
            if hits.isEmpty {
                outcome.unexpected.append(credit)
                outcome.breaks.append(
                    Break(
                        breakClass: .unexpectedPayout, reference: credits[credit].reference, kind: .charge,
                        provider: side(credits[credit]), ledger: nil))
            } else if hits.count == 1, amountWantedBy[hits[0]] == 1 {
                claimed.insert(hits[0])
                outcome.arrivals.append(Arrival(payout: hits[0], credit: credit, byReference: false))
            } else {
                ambiguousPayouts.formUnion(hits)
                outcome.ambiguous.append(credit)
                outcome.breaks.append(
                    ambiguous(credits[credit], hits.map { payouts[$0] }, reason: "same amount and currency within its days"))
            }
        }

        // 3. Due before the window's last day, and no credit (nor an undecided one) for it.
        for payout in payouts.indices
        where !claimed.contains(payout) && !ambiguousPayouts.contains(payout) && !held(payouts[payout]) {
            let expected = payouts[payout]
            guard expected.dueDate < window.to else { continue }
            outcome.missing.append(payout)
            outcome.breaks.append(
                Break(
                    breakClass: .payoutMissing, reference: expected.reference, kind: .charge, provider: nil,
                    ledger: expected.expectedRecord))
        }
        outcome.arrivals.sort { $0.credit < $1.credit }
        outcome.ambiguous.sort()
        outcome.breaks.sort(by: Break.reportOrder)
        return outcome
    }

    /// Whether the credit's text names the payout: its batch number (`batch 12`, in its currency),
    /// or its whole reference (`po_1Nx…`), compared without case.
    func referenced(_ payout: ExpectedPayout, by credit: Credit) -> Bool {
        guard payout.provider == credit.provider else { return false }
        let text = credit.text.lowercased()
        if let batch = payout.batch {
            guard payout.amount.currency == credit.amount.currency else { return false }
            return Self.batchNumbers(in: text).contains(batch)
        }
        let reference = payout.reference.lowercased()
        return reference.count >= 6 && text.contains(reference)
    }

    /// Every `batch N` in a text (lower-cased).
    static func batchNumbers(in text: String) -> [Int] {
        text.matches(of: #/batch[ #:]*([0-9]{1,9})/#).compactMap { Int($0.output.1) }
    }

    /// Same provider, currency and amount, booked within the payout's days.
    func fits(_ payout: ExpectedPayout, _ credit: Credit) -> Bool {
        guard payout.provider == credit.provider, payout.amount == credit.amount, let day = credit.details.date else {
            return false
        }
        guard day >= payout.payoutDate else { return false }
        // late: a payout reported missing (or that this run would report) takes a credit of any later day
        return payout.reportedMissing || day <= payout.dueDate || payout.dueDate < window.to
    }

    func side(_ credit: Credit) -> Break.ProviderSide { Break.ProviderSide(amount: credit.amount, location: credit.location) }

    func ambiguous(_ credit: Credit, _ payouts: [ExpectedPayout], reason: String) -> Break {
        Break(
            breakClass: .ambiguousMatch, reference: credit.reference, kind: .charge, provider: side(credit), ledger: nil,
            matchedBy: Self.passName,
            candidates: payouts.map { Break.Candidate($0.expectedRecord, reason: "payout of \($0.provider): \(reason)") })
    }
}
