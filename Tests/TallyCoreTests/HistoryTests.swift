import Testing

@testable import TallyCore

private func eur(_ minor: Int64) -> Money { Money(minor: minor, currency: .eur) }
private func day(_ text: String) -> CivilDate { CivilDate(iso: text)! }

private func window(_ text: String) -> ReconciliationWindow {
    let date = day(text)
    return ReconciliationWindow(
        from: date, to: date, start: Timestamp(date: date), end: Timestamp(date: date.adding(days: 1)),
        streamStart: Timestamp(date: date.adding(days: -3)), streamEnd: Timestamp(date: date.adding(days: 2)))
}

private func row(_ reference: String, _ amount: Money, created: String, status: LedgerStatus = .succeeded) -> LedgerRecord {
    LedgerRecord(reference: reference, kind: .charge, amount: amount, status: status, createdAt: Timestamp.parse(created)!)
}

private func provider(_ amount: Money) -> Break.ProviderSide {
    Break.ProviderSide(amount: amount, location: SourceLocation(file: 0, line: 2))
}

@Suite struct HistoryTests {
    @Test func newThenPersistingWithAge() {
        let first = History(runID: "r1", window: window("2026-03-10"), supersedes: nil).advance(
            breaks: [
                Break(breakClass: .missingInternally, reference: "a", kind: .charge, provider: provider(eur(5)), ledger: nil)
            ],
            previous: [], settledKeys: { _ in false }, ledger: [:])
        #expect(first.newCount == 1)
        #expect(first.open.map(\.firstSeen) == [day("2026-03-10")])
        let third = History(runID: "r3", window: window("2026-03-12"), supersedes: nil).advance(
            breaks: [
                Break(breakClass: .missingInternally, reference: "a", kind: .charge, provider: provider(eur(5)), ledger: nil)
            ],
            previous: first.open, settledKeys: { _ in false }, ledger: [:])
        #expect(third.newCount == 0)
        #expect(third.persistingCount == 1)
        #expect(third.breaks.map(\.ageDays) == [2])
        #expect(third.breaks.map(\.isNew) == [false])
    }

    @Test func earlierItemsResolveByTheirRule() {
        let items = [
            OpenItem(
                reference: "mip", kind: .charge, breakClass: .missingInProvider, firstSeen: day("2026-03-09"),
                lastSeen: day("2026-03-09"), firstRun: "r0", lastRun: "r0", providerAmount: nil, ledgerAmount: eur(5),
                ledgerStatus: "succeeded"),
            OpenItem(
                reference: "mi", kind: .charge, breakClass: .missingInternally, firstSeen: day("2026-03-09"),
                lastSeen: day("2026-03-09"), firstRun: "r0", lastRun: "r0", providerAmount: eur(7), ledgerAmount: nil,
                ledgerStatus: nil),
            OpenItem(
                reference: "amt", kind: .charge, breakClass: .amountMismatch, firstSeen: day("2026-03-08"),
                lastSeen: day("2026-03-09"), firstRun: "r0", lastRun: "r0", providerAmount: eur(9), ledgerAmount: eur(8),
                ledgerStatus: "succeeded"),
            OpenItem(
                reference: "still", kind: .charge, breakClass: .statusMismatch, firstSeen: day("2026-03-08"),
                lastSeen: day("2026-03-09"), firstRun: "r0", lastRun: "r0", providerAmount: eur(9), ledgerAmount: eur(9),
                ledgerStatus: "failed"),
        ]
        let facts: [ItemKey: History.LedgerFacts] = [
            ItemKey(reference: "mi", kind: .charge): .init(rows: [row("mi", eur(7), created: "2026-03-01 00:00:00+00")]),
            ItemKey(reference: "amt", kind: .charge): .init(rows: [row("amt", eur(9), created: "2026-03-08 00:00:00+00")]),
            ItemKey(reference: "still", kind: .charge): .init(rows: [
                row("still", eur(9), created: "2026-03-08 00:00:00+00", status: .failed)
            ]),
        ]
        let outcome = History(runID: "r1", window: window("2026-03-10"), supersedes: nil).advance(
            breaks: [], previous: items, settledKeys: { $0.reference == "mip" }, ledger: facts)
        #expect(
            outcome.resolved.map { "\($0.reference)=\($0.resolvedAs.rawValue)" } == [
                "amt=corrected", "mi=matched", "mip=timing_difference",
            ])
        #expect(outcome.open.map(\.reference) == ["still"])
        #expect(outcome.open.first?.age(on: day("2026-03-10")) == 2)
        #expect(outcome.persistingCount == 1)
    }

    @Test func aLateLedgerRowExplainsAnEarlierMissingInternally() {
        let item = OpenItem(
            reference: "y", kind: .charge, breakClass: .missingInternally, firstSeen: day("2026-03-09"),
            lastSeen: day("2026-03-09"), firstRun: "r0", lastRun: "r0", providerAmount: eur(5), ledgerAmount: nil,
            ledgerStatus: nil)
        let late = row("y", eur(5), created: "2026-03-10 08:00:00+00")
        let outcome = History(runID: "r1", window: window("2026-03-10"), supersedes: nil).advance(
            breaks: [Break(breakClass: .missingInProvider, reference: "y", kind: .charge, provider: nil, ledger: late)],
            previous: [item], settledKeys: { _ in false }, ledger: [:])
        #expect(outcome.breaks.map(\.item.breakClass) == [.timingDifference])
        #expect(outcome.resolved.map(\.resolvedAs) == [.timingDifference])
        #expect(outcome.open.isEmpty)
    }

    @Test func aLineSettledBeforeItsLedgerRowIsNotMissingLater() {
        let ahead = row("z", eur(5), created: "2026-03-12 08:00:00+00")
        let first = History(runID: "r1", window: window("2026-03-10"), supersedes: nil).advance(
            breaks: [
                Break(
                    breakClass: .timingDifference, reference: "z", kind: .charge, provider: provider(eur(5)), ledger: ahead,
                    differences: [.createdAt])
            ],
            previous: [], settledKeys: { _ in true }, ledger: [:])
        #expect(first.visibleOpen.isEmpty)
        #expect(first.open.map(\.breakClass) == [.timingDifference])
        let later = History(runID: "r2", window: window("2026-03-12"), supersedes: nil).advance(
            breaks: [Break(breakClass: .missingInProvider, reference: "z", kind: .charge, provider: nil, ledger: ahead)],
            previous: first.open, settledKeys: { _ in false }, ledger: [:])
        #expect(later.breaks.isEmpty)
        #expect(later.open.isEmpty)
        #expect(later.newCount == 0)
        // The record it used up comes back with the outcome, and a rerun that starts from it again
        // gives the same (empty) answer instead of a missing_in_provider.
        #expect(later.settledAhead.map(\.reference) == ["z"])
        #expect(later.resolved.isEmpty)
        let rerun = History(runID: "r3", window: window("2026-03-12"), supersedes: "r2").advance(
            breaks: [Break(breakClass: .missingInProvider, reference: "z", kind: .charge, provider: nil, ledger: ahead)],
            previous: later.open + later.settledAhead, settledKeys: { _ in false }, ledger: [:])
        #expect(rerun.breaks.isEmpty)
        #expect(rerun.settledAhead.map(\.reference) == ["z"])
        // A rerun of the earlier window, once the later one used the record up, plants it no more.
        let earlierAgain = History(runID: "r4", window: window("2026-03-10"), supersedes: "r1").advance(
            breaks: [
                Break(
                    breakClass: .timingDifference, reference: "z", kind: .charge, provider: provider(eur(5)), ledger: ahead,
                    differences: [.createdAt])
            ],
            previous: later.open, settledKeys: { _ in true }, ledger: [:],
            resolvedLater: [ItemKey(reference: "z", kind: .charge)])
        #expect(earlierAgain.open.isEmpty)
    }

    @Test func aRerunReportsWhatItsFirstRunOpenedAsNew() {
        let first = History(runID: "r1", window: window("2026-03-10"), supersedes: nil).advance(
            breaks: [
                Break(breakClass: .missingInternally, reference: "a", kind: .charge, provider: provider(eur(5)), ledger: nil)
            ],
            previous: [], settledKeys: { _ in false }, ledger: [:])
        let rerun = History(runID: "r2", window: window("2026-03-10"), supersedes: "r1").advance(
            breaks: [
                Break(breakClass: .missingInternally, reference: "a", kind: .charge, provider: provider(eur(5)), ledger: nil)
            ],
            previous: first.open, settledKeys: { _ in false }, ledger: [:])
        #expect(rerun.breaks == first.breaks)
        #expect((rerun.newCount, rerun.persistingCount) == (1, 0))
        #expect(rerun.open.map(\.firstRun) == ["r2"])
    }

    @Test func aRerunResolvesWhatItNoLongerFinds() {
        let item = OpenItem(
            reference: "gone", kind: .charge, breakClass: .duplicateInProvider, firstSeen: day("2026-03-10"),
            lastSeen: day("2026-03-10"), firstRun: "old", lastRun: "old", providerAmount: eur(5), ledgerAmount: nil,
            ledgerStatus: nil)
        let outcome = History(runID: "new", window: window("2026-03-10"), supersedes: "old").advance(
            breaks: [], previous: [item], settledKeys: { _ in false }, ledger: [:])
        #expect(outcome.resolved.map(\.resolvedAs) == [.rerun])
    }
}
