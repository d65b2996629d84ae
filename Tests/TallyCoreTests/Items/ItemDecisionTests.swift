import Testing

@testable import TallyCore

/// People's decisions in the fold and in History (docs/items.md, "What a run does with people's
/// decisions"): maker-checker, confirm and reject, closures carried out by a run.
@Suite struct ItemDecisionTests {
    static let eur = Currency(code: "EUR")!
    static let day = CivilDate(year: 2026, month: 3, day: 12)

    func event(_ action: ItemAction, actor: String = "alice", breakClass: BreakClass = .amountMismatch) -> ItemEvent {
        ItemEvent(
            itemID: ItemID(provider: "p", reference: "r", kind: .charge), provider: "p", reference: "r", kind: .charge,
            breakClass: breakClass, amount: Money(minor: 2_500, currency: Self.eur), action: action, actor: actor,
            at: Timestamp(date: Self.day, hour: 9))
    }

    @Test func aWriteOffOverTheLimitWaitsForApproval() {
        var writeOff = event(.resolve)
        writeOff.resolvedAs = "written_off"
        writeOff.reason = "provider_fee"
        writeOff.needsApproval = true
        var status = ItemStatus(events: [writeOff])
        #expect(status.state == .pendingApproval)
        #expect(status.closure(of: .amountMismatch) == nil, "a pending write-off is not carried out")
        #expect(status.mark(on: Self.day, breakClass: .amountMismatch, amount: writeOff.amount).state == "pending_approval")
        status.apply(event(.approve, actor: "bob"))
        #expect(status.state == .resolved && status.approvedBy == "bob" && status.resolvedBy == "alice")
        #expect(status.closure(of: .amountMismatch) == .writtenOff)
        #expect(status.closure(of: .missingInternally) == nil, "another class is new facts")
        let mark = status.mark(on: Self.day, breakClass: .amountMismatch, amount: nil)
        #expect(mark.state == "written_off" && mark.resolvedBy == "alice" && mark.reason == "provider_fee")
        // the chain covers needs_approval: a write-off cannot lose it unseen
        #expect(writeOff.chainFields.last == "true")
        #expect(event(.resolve).chainFields.last == .some(nil))
    }

    @Test func confirmAndRejectCloseAProposal() {
        let confirmed = ItemStatus(events: [event(.confirm, breakClass: .probableMatch)])
        #expect(confirmed.closure(of: .probableMatch) == .confirmed)
        let rejected = ItemStatus(events: [event(.reject, breakClass: .probableMatch)])
        #expect(rejected.closure(of: .probableMatch) == .rejected)
        #expect(rejected.closure(of: .missingInProvider) == nil)
        #expect(Resolution.rejected.isByPerson && !Resolution.matched.isByPerson)
    }

    @Test func aRunCarriesOutWhatPeopleClosed() {
        let window = ReconciliationWindow(
            from: Self.day, to: Self.day, start: Timestamp(date: Self.day), end: Timestamp(date: Self.day.adding(days: 1)),
            streamStart: Timestamp(date: Self.day.adding(days: -3)), streamEnd: Timestamp(date: Self.day.adding(days: 2)))
        let earlier = CivilDate(year: 2026, month: 3, day: 11)
        func item(_ reference: String, _ breakClass: BreakClass) -> OpenItem {
            OpenItem(
                reference: reference, kind: .charge, breakClass: breakClass, firstSeen: earlier, lastSeen: earlier,
                firstRun: "r0", lastRun: "r0", providerAmount: Money(minor: 100, currency: Self.eur), ledgerAmount: nil,
                ledgerStatus: nil)
        }
        var writeOff = event(.resolve)
        writeOff.resolvedAs = "written_off"
        let people = [
            ItemKey(reference: "w", kind: .charge): ItemStatus(events: [writeOff]),
            ItemKey(reference: "p", kind: .charge): ItemStatus(events: [event(.reject, breakClass: .probableMatch)]),
        ]
        let side = Break.ProviderSide(amount: Money(minor: 100, currency: Self.eur), location: SourceLocation(file: 0, line: 2))
        let outcome = History(runID: "r1", window: window, supersedes: nil).advance(
            breaks: [
                Break(breakClass: .amountMismatch, reference: "w", kind: .charge, provider: side, ledger: nil),
                Break(breakClass: .missingInProvider, reference: "p", kind: .charge, provider: nil, ledger: nil),
            ],
            previous: [item("w", .amountMismatch), item("p", .probableMatch), item("o", .missingInternally)],
            settledKeys: { _ in false }, ledger: [:], people: people)
        #expect(outcome.resolved.map { "\($0.reference) \($0.resolvedAs.rawValue)" } == ["p rejected", "w written_off"])
        #expect(
            outcome.open.map(\.reference) == ["o", "p"], "the written-off key opens no item; the rejected one's new class does")
        #expect(outcome.open.first { $0.reference == "p" }?.breakClass == .missingInProvider)
        let written = outcome.breaks.first { $0.item.reference == "w" }
        #expect(written?.isNew == false)
    }
}
