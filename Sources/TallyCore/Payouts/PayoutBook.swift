/// How a run changes the expected payouts (pure; the store writes what it returns).
public enum PayoutBook {
    /// A provider run's announcement: new payouts are expected (a rerun's announcement replaces
    /// amounts and dates, an arrival stays), a reversal reopens a matched payout, and a stored
    /// credit that an earlier bank run found unexpected arrives on the payout it now matches.
    ///
    /// - Parameters:
    ///   - stored: the provider's payouts before this run.
    ///   - credits: the unexpected credits of its bank that look like its payouts.
    /// - Returns: the payouts written by this run (new or changed), and the credits they explain.
    public static func announce(
        _ announced: [AnnouncedPayout], stored: [ExpectedPayout], credits: [PayoutMatcher.Credit], provider: String,
        runID: String, terms: PayoutTerms, window: ReconciliationWindow
    ) -> (payouts: [ExpectedPayout], explained: [PayoutMatcher.Credit]) {
        var byReference = Dictionary(stored.map { ($0.reference, $0) }, uniquingKeysWith: { $1 })
        var touched: [String] = []
        for payout in announced where !payout.isReversal {
            let date = payout.date ?? window.to
            var expected =
                byReference[payout.reference]
                ?? ExpectedPayout(
                    provider: provider, reference: payout.reference, amount: payout.amount, payoutDate: date,
                    dueDate: date, announcedRun: runID)
            expected.batch = payout.batch
            expected.account = payout.account
            expected.amount = payout.amount
            expected.payoutDate = date
            expected.dueDate = date.adding(days: terms.arrivalDays)
            expected.announcedRun = runID
            byReference[payout.reference] = expected
            touched.append(payout.reference)
        }
        for payout in announced where payout.isReversal {
            guard var expected = byReference[payout.reference] else { continue }
            expected.arrival = nil
            expected.reversedRun = runID
            byReference[payout.reference] = expected
            touched.append(payout.reference)
        }
        var explained: [PayoutMatcher.Credit] = []
        if !credits.isEmpty {
            let open = byReference.values.filter { $0.arrival == nil }.sorted { $0.reference < $1.reference }
            let outcome = PayoutMatcher(window: window).run(credits: credits, payouts: open)
            for arrival in outcome.arrivals {
                let credit = credits[arrival.credit]
                var payout = open[arrival.payout]
                payout.arrival = ExpectedPayout.Arrival(
                    bankProvider: terms.to, run: credit.storedRun ?? runID, reference: credit.reference,
                    file: credit.storedFile ?? "", line: credit.location.line, date: credit.details.date, amount: credit.amount)
                byReference[payout.reference] = payout
                touched.append(payout.reference)
                explained.append(credit)
            }
        }
        let written = Set(touched).sorted().compactMap { byReference[$0] }
        return (written, explained)
    }

    /// A bank run's leg applied to the payouts it considered: arrivals with their bank line, the
    /// payouts now reported missing. - Returns: the payouts changed.
    public static func settle(
        _ outcome: PayoutMatcher.Outcome, payouts: [ExpectedPayout], credits: [PayoutMatcher.Credit], bank: String,
        runID: String, filePaths: [String]
    ) -> [ExpectedPayout] {
        var changed: [ExpectedPayout] = []
        for arrival in outcome.arrivals {
            let credit = credits[arrival.credit]
            var payout = payouts[arrival.payout]
            let file = filePaths.indices.contains(credit.location.file) ? filePaths[credit.location.file] : ""
            payout.arrival = ExpectedPayout.Arrival(
                bankProvider: bank, run: runID, reference: credit.reference, file: file, line: credit.location.line,
                date: credit.details.date, amount: credit.amount)
            changed.append(payout)
        }
        for index in outcome.missing where !payouts[index].reportedMissing {
            var payout = payouts[index]
            payout.reportedMissing = true
            changed.append(payout)
        }
        return changed
    }

    /// The payouts as a run leaves them: `before` with `changed` laid over (by provider and reference).
    public static func overlay(_ before: [ExpectedPayout], _ changed: [ExpectedPayout]) -> [ExpectedPayout] {
        var all = Dictionary(before.map { ("\($0.provider)\u{0}\($0.reference)", $0) }, uniquingKeysWith: { $1 })
        for payout in changed { all["\(payout.provider)\u{0}\(payout.reference)"] = payout }
        return all.values.sorted { ($0.provider, $0.payoutDate, $0.reference) < ($1.provider, $1.payoutDate, $1.reference) }
    }

    /// Adyen's batch numbers start at 1 and go up by one per merchant account, so a batch that
    /// skips one is a missing payout: one control per account of this run's batches (those its
    /// files announce a payout of, and those they settle, `settledNow`, by the file that settles
    /// them), against the batches the store knows: those that paid out and those earlier runs saw
    /// settled (`settledBefore`). A batch that paid nothing out has no payout, but a file settled it:
    /// it is no gap, and a gap before it is found in the run that reads it.
    public static func batchGaps(
        _ announced: [AnnouncedPayout], stored: [ExpectedPayout], settledBefore: Set<SettledBatch> = [],
        settledNow: [SettledBatch: Int] = [:]
    ) -> [ControlResult] {
        let withBatch = announced.filter { $0.batch != nil && !$0.isReversal }
        let accounts = Set(withBatch.map { $0.account ?? "" }).union(settledNow.keys.map { $0.account ?? "" }).sorted()
        return accounts.map { account in
            let mine = withBatch.filter { ($0.account ?? "") == account }
            let mineSettled = settledNow.filter { ($0.key.account ?? "") == account }
            let new = Set(mine.compactMap(\.batch)).union(mineSettled.keys.map(\.batch))
            let known = Set(stored.filter { ($0.account ?? "") == account }.compactMap(\.batch))
                .union(settledBefore.filter { ($0.account ?? "") == account }.map(\.batch)).union(new).sorted()
            var gaps: [String] = []
            for (previous, next) in zip(known, known.dropFirst()) where next > previous + 1 && new.contains(next) {
                let missing = next - previous == 2 ? "batch \(previous + 1)" : "batches \(previous + 1)–\(next - 1)"
                gaps.append("batch \(next) follows batch \(previous) (\(missing) missing)")
            }
            let name =
                account.isEmpty
                ? "adyen payouts: batch numbers go up by one" : "adyen payouts \(account): batch numbers go up by one"
            return ControlResult(
                name: name, ok: gaps.isEmpty, expected: "no batch number skipped",
                actual: gaps.isEmpty
                    ? "batches \(new.sorted().map(String.init).joined(separator: ", ")) follow on" : gaps.joined(separator: "; "),
                file: mine.first?.location.file ?? mineSettled.values.min() ?? 0)
        }
    }
}
