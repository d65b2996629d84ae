import TallyCore
import TallyIngest
import TallyPostgres
import TallyReport

/// The payout leg of a run (docs/payouts.md): a provider run with `payouts:` records what its
/// files announce; a run of the bank they pay into matches its payout-looking credits to them.
extension ReconciliationRun {
    /// What a bank run's payout leg found, for the store and the history.
    struct BankLeg: Sendable {
        var credits: [PayoutMatcher.Credit]
        var payouts: [ExpectedPayout]
        var outcome: PayoutMatcher.Outcome

        /// Payouts reported missing before that arrived in this run: their items resolve as timing_difference.
        var lateArrivals: Set<String> {
            Set(outcome.arrivals.map { payouts[$0.payout] }.filter(\.reportedMissing).map(\.reference))
        }
    }

    /// The bank leg over the key pass's residue, before the rule passes see it; nil for a provider
    /// nothing pays into.
    func payoutLeg(
        _ keyed: ReconciliationResult, window: ReconciliationWindow, plan: PayoutPlan, clock: inout Timestamp
    ) -> (ReconciliationResult, BankLeg?) {
        guard !options.payoutSources.isEmpty else { return (keyed, nil) }
        let payouts = plan.open
        let (result, credits, outcome) = keyed.applyingPayouts(
            sources: options.payoutSources, payouts: payouts, window: window,
            held: { plan.held.contains(HeldAmount(provider: $0.provider, amount: $0.amount)) })
        note(
            "payouts: \(credits.count) payout credit(s) against \(payouts.count) open payout(s): \(outcome.arrivals.count) arrived, "
                + "\(outcome.unexpected.count) unexpected, \(outcome.missing.count) missing in \(Self.seconds(since: &clock))",
            phase: "match")
        return (result, BankLeg(credits: credits, payouts: payouts, outcome: outcome))
    }

    /// The payouts a provider's files announce: a second read of the files by a sink that keeps
    /// nothing else (only for a provider with `payouts:`, whose files are a provider's, not a bank's).
    /// The failed per-payout controls join the result as `control_mismatch` breaks. Also returns
    /// the batches the files settle (Adyen), paid out or not, for the store.
    func announcedPayouts(
        _ files: [SettlementFile], reader: any SettlementReader, plan: PayoutPlan, into result: inout ReconciliationResult
    ) throws -> ([AnnouncedPayout], Set<SettledBatch>) {
        guard options.payouts != nil else { return ([], []) }
        var collector = PayoutCollector()
        for file in files { try reader.read(file, into: &collector, progress: { _ in }) }
        let controls =
            collector.controls()
            + PayoutBook.batchGaps(
                collector.payouts, stored: plan.before, settledBefore: plan.settled, settledNow: collector.settledBatches)
        result.controls += controls
        result.breaks += controls.filter { !$0.ok }.map { Break(control: $0) }
        result.breaks.sort(by: Break.reportOrder)
        let reversals = collector.payouts.count { $0.isReversal }
        note(
            "payouts: \(collector.payouts.count - reversals) announced, \(reversals) reversed, "
                + "\(controls.count { !$0.ok }) of \(controls.count) payout controls failed",
            phase: "read")
        return (collector.payouts, Set(collector.settledBatches.keys))
    }
}

/// The payouts a run starts from, read before it matches.
struct PayoutPlan: Sendable {
    /// A bank's open payouts (the matcher's candidates).
    var open: [ExpectedPayout] = []
    /// Every payout the run's report shows as it stood before the run.
    var before: [ExpectedPayout] = []
    /// A provider's bank credits that an earlier bank run found unexpected.
    var credits: [PayoutMatcher.Credit] = []
    /// What a bank's stored ambiguous credits might be.
    var held: Set<HeldAmount> = []
    /// The batches the provider's earlier runs saw settled, paid out or not (Adyen).
    var settled: Set<SettledBatch> = []

    static func load(_ store: PayoutStore?, _ options: RunOptions, _ supersedes: String?) throws -> PayoutPlan {
        var plan = PayoutPlan()
        guard let store, try store.isAvailable() else { return plan }
        if !options.payoutSources.isEmpty {
            let providers = options.payoutSources.map(\.provider)
            plan.open = try store.openPayouts(bank: options.provider, providers: providers, supersedes: supersedes)
            plan.before = try store.payouts(bank: options.provider).filter { providers.contains($0.provider) }
            plan.held = try store.heldAmounts(bank: options.provider)
        }
        if let terms = options.payouts {
            plan.before = try store.payouts(provider: options.provider)
            plan.settled = try store.settledBatches(provider: options.provider)
            plan.credits = try store.unexpectedCredits(bank: terms.to, provider: options.provider)
        }
        return plan
    }

    /// What the run writes, and the payouts as it leaves them.
    func writes(
        announced: [AnnouncedPayout], settled: Set<SettledBatch> = [], bankLeg: ReconciliationRun.BankLeg?, options: RunOptions,
        runID: String,
        window: ReconciliationWindow, filePaths: [String]
    ) -> PayoutWrites {
        var writes = PayoutWrites()
        if let terms = options.payouts {
            let (written, explained) = PayoutBook.announce(
                announced, stored: before, credits: credits, provider: options.provider, runID: runID, terms: terms,
                window: window)
            writes.bank = terms.to
            writes.provider = options.provider
            writes.settled = settled
            writes.payouts = written
            writes.explained = explained
        }
        if let bankLeg {
            writes.bank = options.provider
            writes.isBank = true
            writes.payouts = PayoutBook.settle(
                bankLeg.outcome, payouts: bankLeg.payouts, credits: bankLeg.credits, bank: options.provider, runID: runID,
                filePaths: filePaths)
            writes.unexpected = bankLeg.outcome.unexpected.map { bankLeg.credits[$0] }
            writes.ambiguous = bankLeg.outcome.ambiguous.map { bankLeg.credits[$0] }
            writes.filePaths = filePaths
        }
        writes.after = PayoutBook.overlay(before, writes.payouts)
        writes.configured = options.payouts != nil || bankLeg != nil
        return writes
    }
}

/// A run's writes to the payouts, made inside its transaction.
struct PayoutWrites: Sendable {
    var configured = false
    var isBank = false
    var bank = ""
    var payouts: [ExpectedPayout] = []
    var explained: [PayoutMatcher.Credit] = []
    var unexpected: [PayoutMatcher.Credit] = []
    var ambiguous: [PayoutMatcher.Credit] = []
    var filePaths: [String] = []
    /// A provider run's own name and the batches its files settled.
    var provider = ""
    var settled: Set<SettledBatch> = []
    /// The payouts as the run leaves them (the report's "Payouts").
    var after: [ExpectedPayout] = []

    func store(in store: PayoutStore, supersedes: String?, runID: String) throws {
        guard configured else { return }
        if isBank, let supersedes { try store.takeBack(bankRun: supersedes) }
        try store.write(payouts, bank: bank, runID: runID)
        if !provider.isEmpty, !settled.isEmpty { try store.record(settled: settled, provider: provider, runID: runID) }
        try store.resolve(explained, bank: bank, runID: runID)
        if isBank { try store.recordUnexpected(unexpected, ambiguous: ambiguous, bank: bank, runID: runID, filePaths: filePaths) }
    }
}
