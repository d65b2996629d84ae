import Testing

@testable import TallyCore

/// The event chain and the fold of events into a status (docs/items.md).
@Suite struct ItemEventTests {
    func event(_ action: ItemAction, note: String? = nil, amount: Int64 = 100, until: CivilDate? = nil) -> ItemEvent {
        ItemEvent(
            itemID: ItemID(provider: "p", reference: "r", kind: .charge), provider: "p", reference: "r", kind: .charge,
            breakClass: .amountMismatch, amount: Money(minor: amount, currency: Currency(code: "EUR")!), action: action,
            actor: "alice", at: Timestamp(date: CivilDate(year: 2026, month: 3, day: 12), hour: 8), note: note, until: until)
    }

    @Test func theChainNamesTheFirstAlteredRemovedOrReorderedEvent() {
        var previous = EventChain.genesis
        var rows: [EventChain.StoredRow] = []
        for (number, action) in [ItemAction.acknowledge, .assign, .comment, .resolve].enumerated() {
            var draft = event(action, note: "n\(number)")
            draft.sequence = Int64(number + 1)
            let chained = draft.chained(to: previous)
            previous = chained.hash
            rows.append(
                EventChain.StoredRow(
                    sequence: chained.sequence, itemID: chained.itemID.rawValue, action: action.rawValue,
                    fields: chained.chainFields, previousHash: chained.previousHash, hash: chained.hash))
        }
        #expect(EventChain.firstBreak(in: rows) == nil)
        var altered = rows
        altered[1].fields[11] = "another note"
        #expect(EventChain.firstBreak(in: altered)?.row.sequence == 2)
        var removed = rows
        removed.remove(at: 2)
        #expect(EventChain.firstBreak(in: removed)?.row.sequence == 4)
        #expect(EventChain.firstBreak(in: [rows[1], rows[0]])?.row.sequence == 2)
        // a missing field and an empty one hash differently
        var empty = rows
        empty[0].fields[12] = ""
        #expect(EventChain.firstBreak(in: empty)?.row.sequence == 1)
        #expect(EventChain.instant(Timestamp(microseconds: 0)) == "1970-01-01T00:00:00.000000Z")
    }

    @Test func theStatusFoldsTheEventsInOrder() {
        let day = CivilDate(year: 2026, month: 3, day: 12)
        let eur = Currency(code: "EUR")!
        var status = ItemStatus(events: [event(.acknowledge, note: "known", until: CivilDate(year: 2026, month: 3, day: 14))])
        #expect(status.state == .acknowledged)
        #expect(status.isAcknowledged(on: day, breakClass: .amountMismatch, amount: Money(minor: 100, currency: eur)))
        #expect(!status.isAcknowledged(on: day, breakClass: .amountMismatch, amount: Money(minor: 101, currency: eur)))
        #expect(!status.isAcknowledged(on: day, breakClass: .statusMismatch, amount: Money(minor: 100, currency: eur)))
        #expect(
            !status.isAcknowledged(
                on: CivilDate(year: 2026, month: 3, day: 15), breakClass: .amountMismatch,
                amount: Money(minor: 100, currency: eur)))
        var assign = event(.assign)
        assign.assignee = "bob"
        status.apply(assign)
        var resolve = event(.resolve, note: "3 cents")
        resolve.resolvedAs = "written_off"
        resolve.reason = "rounding"
        status.apply(resolve)
        #expect(status.state == .resolved && status.assignee == "bob" && status.lastNote == "3 cents")
        #expect(status.resolvedAs == "written_off" && status.reason == "rounding" && status.resolvedBy == "alice")
        status.apply(event(.reopen, note: "by mistake"))
        #expect(status.state == .open && status.resolvedAs == nil && status.lastNote == "by mistake")
        var reconciled = event(.reconciled)
        reconciled.resolvedAs = "corrected"
        status.apply(reconciled)
        #expect(status.state == .reconciled && status.resolvedAs == "corrected")
    }
}
