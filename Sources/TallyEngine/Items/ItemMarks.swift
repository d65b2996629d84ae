import TallyCore
import TallyPostgres

/// What people made of a run's items, for its reports and alerts: each break's and open item's
/// mark (state, assignee, last note) from the statuses folded out of the item events, and the
/// acknowledged items whose class or amount changed since (docs/items.md, "Alerts and --fail-on").
struct ItemMarks {
    var marks: [ItemKey: ItemMark] = [:]
    /// The marks of the items people closed that this run carried out (who, and the reason).
    var resolved: [ItemKey: ItemMark] = [:]
    /// Acknowledged items whose facts changed, with what they were acknowledged for.
    var changed: [(key: ItemKey, breakClass: BreakClass, amount: Money?, status: ItemStatus)] = []

    init(people: [ItemKey: ItemStatus], history: History.Outcome, day: CivilDate) {
        guard !people.isEmpty else { return }
        func note(_ key: ItemKey, _ breakClass: BreakClass, _ amount: Money?) {
            guard marks[key] == nil, let status = people[key] else { return }
            let mark = status.mark(on: day, breakClass: breakClass, amount: amount)
            marks[key] = mark
            if mark.factsChanged { changed.append((key, breakClass, amount, status)) }
        }
        for dated in history.breaks where dated.item.breakClass.opensItem {
            note(ItemKey(reference: dated.item.reference, kind: dated.item.kind), dated.item.breakClass, dated.item.amountAtRisk)
        }
        for item in history.visibleOpen { note(item.key, item.breakClass, item.amountAtRisk) }
        for item in history.resolved where item.resolvedAs.isByPerson {
            resolved[item.key] = people[item.key]?.mark(on: day, breakClass: item.breakClass, amount: item.item?.amountAtRisk)
        }
    }

    /// The run's own events for the acknowledgements its facts ended: a `reopen` by the reconciler
    /// saying what changed, so the item is open again and alerted about once.
    func factsChangedEvents(provider: String, runID: String, at: Timestamp) -> [ItemEvent] {
        changed.map { entry in
            let was =
                "\(entry.status.acknowledgedClass?.rawValue ?? "?") \(entry.status.acknowledgedAmount?.description ?? "no amount")"
            let now = "\(entry.breakClass.rawValue) \(entry.amount?.description ?? "no amount")"
            return ItemEvent(
                itemID: ItemID(provider: provider, reference: entry.key.reference, kind: entry.key.kind), provider: provider,
                reference: entry.key.reference, kind: entry.key.kind, breakClass: entry.breakClass, amount: entry.amount,
                action: .reopen, actor: ResultStore.reconcilerActor, at: at,
                note: "acknowledged as \(was), now \(now): the acknowledgement no longer holds", runID: runID)
        }
    }
}
