import Foundation
import TallyCore
import TallyEngine

/// How `tally items` prints items and events, as text and as JSON.
enum ItemText {
    /// One line per item: id, provider, class, reference, kind, amount, state, age, assignee, last note.
    static func line(_ entry: ItemDesk.Entry) -> String {
        var parts = [
            entry.id.rawValue, entry.provider, entry.breakClass.rawValue, entry.reference, entry.kind.name,
            entry.amount.map(\.description) ?? "no amount", entry.state.rawValue,
        ]
        if let item = entry.item { parts.append("\(item.age(on: item.lastSeen)) d") }
        if let how = entry.status.resolvedAs, entry.state == .resolved || entry.state == .reconciled {
            parts.append("as \(how)" + (entry.status.reason.map { " (\($0))" } ?? "") + " by \(entry.status.resolvedBy ?? "?")")
        }
        if let assignee = entry.status.assignee { parts.append("assigned to \(assignee)") }
        if let note = entry.status.lastNote { parts.append("\"\(note)\"") }
        return parts.joined(separator: "  ")
    }

    static func object(_ entry: ItemDesk.Entry) -> [String: Any] {
        let status = entry.status
        return [
            "item_id": entry.id.rawValue, "provider": entry.provider, "reference": entry.reference,
            "kind": entry.kind.name, "class": entry.breakClass.rawValue, "state": entry.state.rawValue,
            "open": entry.isOpen, "amount_minor": entry.amount.map { $0.minor as Any } ?? NSNull(),
            "currency": entry.amount?.currency.code ?? NSNull(),
            "first_seen": entry.item?.firstSeen.description ?? NSNull(),
            "age_days": entry.item.map { $0.age(on: $0.lastSeen) as Any } ?? NSNull(),
            "assignee": status.assignee ?? NSNull(), "last_note": status.lastNote ?? NSNull(),
            "acknowledged_until": status.acknowledgedUntil?.description ?? NSNull(),
            "resolved_as": status.resolvedAs ?? NSNull(), "reason": status.reason ?? NSNull(),
            "resolved_by": status.resolvedBy ?? NSNull(), "approved_by": status.approvedBy ?? NSNull(),
        ]
    }

    static func eventObject(_ event: ItemEvent) -> [String: Any] {
        [
            "sequence": event.sequence, "action": event.action.rawValue, "actor": event.actor, "at": event.at.iso8601,
            "class": event.breakClass.rawValue, "amount_minor": event.amount.map { $0.minor as Any } ?? NSNull(),
            "currency": event.amount?.currency.code ?? NSNull(), "note": event.note ?? NSNull(),
            "assignee": event.assignee ?? NSNull(), "until": event.until?.description ?? NSNull(),
            "resolved_as": event.resolvedAs ?? NSNull(), "reason": event.reason ?? NSNull(),
            "run_id": event.runID ?? NSNull(), "needs_approval": event.needsApproval, "hash": event.hash,
        ]
    }

    /// What an event did, in a few words.
    static func describe(_ event: ItemEvent) -> String {
        var text: String
        switch event.action {
        case .acknowledge: text = "acknowledged" + (event.until.map { " until \($0)" } ?? "")
        case .assign: text = "assigned to \(event.assignee ?? "?")"
        case .comment: text = "commented"
        case .resolve:
            text =
                event.needsApproval
                ? "wrote off (\(event.reason ?? "?")), waiting for another person's approval (over the write-off limit)"
                : "resolved as \(event.resolvedAs ?? "?") (\(event.reason ?? "?"))"
        case .confirm: text = "confirmed the proposed match"
        case .reject: text = "rejected the proposed match"
        case .approve: text = "approved the write-off"
        case .reopen: text = "reopened"
        case .reconciled: text = "reconciled as \(event.resolvedAs ?? "?")"
        }
        text += " by \(event.actor)"
        if let note = event.note { text += ": \(note)" }
        return text
    }
}
