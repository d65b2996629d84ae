extension BreakClass {
    /// The classes of the payout leg (docs/payouts.md); reports list them only where payouts are configured.
    public static let payoutClasses: Set<BreakClass> = [.payoutMissing, .payoutAmountMismatch, .unexpectedPayout]
}

extension ReconciliationResult {
    /// The bank run's result after its payout leg: the key pass's `missing_internally` credits whose
    /// text matches a paying provider's `bank_text` are taken out of the residue (so no rule pass
    /// and no `missing_internally` sees them) and matched to the open expected payouts by
    /// ``PayoutMatcher``; its breaks replace them, and a credit matched cleanly counts as matched.
    ///
    /// - Returns: the result, the credits considered (the matcher's indices refer to them), and the outcome.
    public func applyingPayouts(
        sources: [PayoutSource], payouts: [ExpectedPayout], window: ReconciliationWindow,
        held: (ExpectedPayout) -> Bool = { _ in false }
    ) -> (result: ReconciliationResult, credits: [PayoutMatcher.Credit], outcome: PayoutMatcher.Outcome) {
        guard !sources.isEmpty else { return (self, [], PayoutMatcher.Outcome()) }
        // compiled once: a bank's residue may be long
        let patterns = sources.map { try? Regex($0.terms.bankText).ignoresCase() }
        func source(of details: LineDetails) -> PayoutSource? {
            for (index, pattern) in patterns.enumerated() {
                guard let pattern else { continue }
                if details.counterparty.contains(pattern) || details.remittance.contains(pattern) { return sources[index] }
            }
            return nil
        }
        var taken = Set<Int>()
        var credits: [PayoutMatcher.Credit] = []
        for index in breaks.indices {
            let item = breaks[index]
            guard item.breakClass == .missingInternally, item.kind == .charge, let side = item.provider else { continue }
            let details = lineDetails.details(at: side.location)
            guard let source = source(of: details) else { continue }
            taken.insert(index)
            // a line without a reference is named by its date too: its item must not meet tomorrow's line N
            let reference =
                item.reference.hasPrefix("(no reference)")
                ? "(no reference) \(details.date?.description ?? "undated") line \(side.location.line)" : item.reference
            credits.append(
                PayoutMatcher.Credit(
                    reference: reference, amount: side.amount, location: side.location, details: details,
                    provider: source.provider))
        }
        let outcome = PayoutMatcher(window: window).run(credits: credits, payouts: payouts, held: held)
        var result = self
        result.breaks = breaks.indices.filter { !taken.contains($0) }.map { breaks[$0] } + outcome.breaks
        result.breaks.sort(by: Break.reportOrder)
        for arrival in outcome.arrivals where payouts[arrival.payout].amount == credits[arrival.credit].amount {
            result.matched += 1
            result.matchedAmountMinorByCurrency[credits[arrival.credit].amount.currency, default: 0] &+=
                credits[arrival.credit].amount.minor
        }
        return (result, credits, outcome)
    }
}
