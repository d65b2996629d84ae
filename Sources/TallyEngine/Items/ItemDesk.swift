import Foundation
import TallyCore
import TallyPostgres

/// What people do to open items (`tally items`): looks items up by their stable id, checks that
/// an action makes sense for the item's state, and writes it to the event log (docs/items.md).
public struct ItemDesk {
    /// One item as `tally items list` and `show` see it: its facts (the open item, or what its
    /// latest event remembers once it closed) and its status folded from its events.
    public struct Entry: Sendable {
        public var id: ItemID
        public var provider: String
        public var reference: String
        public var kind: TransactionKind
        public var breakClass: BreakClass
        /// The open item, nil once it is no longer open.
        public var item: OpenItem?
        public var status: ItemStatus
        public var events: [ItemEvent]

        /// The amount at risk now (open) or when last acted on (closed).
        public var amount: Money? { item?.amountAtRisk ?? events.last?.amount }
        public var isOpen: Bool { item != nil }
        /// The state as listed: an open item a person has not closed is `open` or `acknowledged`;
        /// one a run closed and that opened again, or that a person closed with other facts, is `open`.
        public var state: ItemWorkState {
            guard let item else {
                return status.state == .resolved || status.state == .reconciled ? status.state : .reconciled
            }
            switch status.state {
            case .reconciled: return .open
            case .resolved: return status.closure(of: item.breakClass) == nil ? .open : .resolved
            default: return status.state
            }
        }
    }

    let connection: PostgresConnection
    /// The reason codes `resolve --reason` accepts.
    public var reasonCodes: [String]
    /// Per currency, the largest write-off one person may make alone (``ItemSettings/writeOffLimits``).
    public var writeOffLimits: [Currency: Int64]

    public init(
        connection: PostgresConnection, reasonCodes: [String] = ItemDeskDefaults.reasonCodes,
        writeOffLimits: [Currency: Int64] = [:]
    ) {
        self.connection = connection
        self.reasonCodes = reasonCodes
        self.writeOffLimits = writeOffLimits
    }

    public init(connection: PostgresConnection, settings: ItemSettings) {
        self.init(connection: connection, reasonCodes: settings.reasonCodes, writeOffLimits: settings.writeOffLimits)
    }

    /// Whether writing off `amount` needs a second person: above its currency's limit.
    public func needsApproval(_ amount: Money?) -> Bool {
        guard let amount, let limit = writeOffLimits[amount.currency] else { return false }
        return amount.minor.magnitude > limit.magnitude
    }

    /// Every item of a provider (or of all) that is open or has events, in (provider, id) order.
    public func entries(provider: String?) throws -> [Entry] {
        let log = ItemLog(connection: connection)
        var events: [ItemID: [ItemEvent]] = [:]
        for event in try log.events(provider: provider) { events[event.itemID, default: []].append(event) }
        var entries: [ItemID: Entry] = [:]
        for (name, item) in try ResultStore(connection: connection).openItems(provider: provider)
        where item.breakClass != .timingDifference {
            let id = item.id(provider: name)
            let own = events[id] ?? []
            entries[id] = Entry(
                id: id, provider: name, reference: item.reference, kind: item.kind, breakClass: item.breakClass, item: item,
                status: ItemStatus(events: own), events: own)
        }
        for (id, own) in events where entries[id] == nil {
            guard let last = own.last else { continue }
            entries[id] = Entry(
                id: id, provider: last.provider, reference: last.reference, kind: last.kind, breakClass: last.breakClass,
                item: nil, status: ItemStatus(events: own), events: own)
        }
        return entries.values.sorted { ($0.provider, $0.id) < ($1.provider, $1.id) }
    }

    /// One item by id: open, or known from its events.
    public func entry(_ id: ItemID) throws -> Entry {
        let events = try ItemLog(connection: connection).events(of: id)
        let providers = try connection.query("SELECT DISTINCT provider FROM tally.open_items").compactMap { $0[0] }
        for provider in providers {
            // the id names its provider only through the digest: look the item up among that provider's
            if let item = try ResultStore(connection: connection).openItems(provider: provider).map(\.item).first(where: {
                $0.breakClass != .timingDifference && $0.id(provider: provider) == id
            }) {
                return Entry(
                    id: id, provider: provider, reference: item.reference, kind: item.kind, breakClass: item.breakClass,
                    item: item, status: ItemStatus(events: events), events: events)
            }
        }
        guard let last = events.last else { throw ItemActionError.unknown(id) }
        return Entry(
            id: id, provider: last.provider, reference: last.reference, kind: last.kind, breakClass: last.breakClass,
            item: nil, status: ItemStatus(events: events), events: events)
    }

    /// What a person asks for, with what the action needs.
    public struct Request: Sendable {
        public var action: ItemAction
        public var actor: String
        public var note: String?
        public var assignee: String?
        public var until: CivilDate?
        public var resolvedAs: ManualResolution?
        public var reason: String?

        public init(
            action: ItemAction, actor: String, note: String? = nil, assignee: String? = nil, until: CivilDate? = nil,
            resolvedAs: ManualResolution? = nil, reason: String? = nil
        ) {
            self.action = action
            self.actor = actor
            self.note = note
            self.assignee = assignee
            self.until = until
            self.resolvedAs = resolvedAs
            self.reason = reason
        }
    }

    /// Checks `request` against the item's state and returns the event it would write, or throws
    /// naming the id and what is wrong.
    public func draft(_ request: Request, for entry: Entry, at now: Timestamp) throws -> ItemEvent {
        let id = entry.id
        func need(_ value: String?, _ what: String) throws -> String {
            guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                throw ItemActionError.invalid(id, "\(request.action.rawValue) needs \(what)")
            }
            return value
        }
        _ = try need(request.actor, "an actor (--actor, TALLY_ACTOR or the OS user)")
        var event = ItemEvent(
            itemID: id, provider: entry.provider, reference: entry.reference, kind: entry.kind,
            breakClass: entry.item?.breakClass ?? entry.breakClass, amount: entry.amount, action: request.action,
            actor: request.actor, at: now, note: request.note)
        let state = entry.state
        switch request.action {
        case .acknowledge, .assign, .comment, .resolve, .confirm, .reject:
            guard entry.isOpen, state != .resolved,
                state != .pendingApproval || request.action == .comment || request.action == .assign
            else {
                throw ItemActionError.invalid(id, "is not open (\(describe(entry))); `tally items reopen \(id)` first")
            }
            if request.action == .confirm || request.action == .reject, entry.breakClass != .probableMatch {
                throw ItemActionError.invalid(
                    id, "is a \(entry.breakClass.rawValue), not a probable_match: only a proposal can be confirmed or rejected")
            }
        case .reopen:
            guard state == .resolved || state == .pendingApproval else {
                throw ItemActionError.invalid(id, "was not resolved by a person (\(describe(entry))): nothing to reopen")
            }
        case .approve:
            guard state == .pendingApproval else {
                throw ItemActionError.invalid(id, "has no write-off waiting for approval (\(describe(entry)))")
            }
            if entry.status.resolvedBy == request.actor {
                throw ItemActionError.invalid(
                    id, "\(request.actor) wrote it off and cannot approve their own write-off: another person must")
            }
        case .reconciled:
            throw ItemActionError.invalid(id, "only a run resolves an item as reconciled")
        }
        switch request.action {
        case .acknowledge:
            event.note = try need(request.note, "--note saying why it is known")
            event.until = request.until
        case .assign:
            event.assignee = try need(request.assignee, "--to NAME")
        case .comment, .reopen:
            event.note = try need(request.note, "--note")
        case .confirm, .reject, .approve:
            event.note = request.note.flatMap { $0.isEmpty ? nil : $0 }
        case .resolve:
            guard let how = request.resolvedAs else {
                throw ItemActionError.invalid(id, "resolve needs --as written_off|explained")
            }
            let reason = try need(request.reason, "--reason CODE (one of \(reasonCodes.joined(separator: ", ")))")
            guard reasonCodes.contains(reason) else {
                throw ItemActionError.invalid(
                    id, "--reason '\(reason)' is not a reason code; use one of \(reasonCodes.joined(separator: ", "))")
            }
            event.note = try need(request.note, "--note saying why")
            event.resolvedAs = how.rawValue
            event.reason = reason
            event.needsApproval = how == .writtenOff && needsApproval(entry.amount)
        case .reconciled:
            break
        }
        return event
    }

    /// Checks and writes one action; returns the stored event.
    public func act(_ request: Request, on id: ItemID, at now: Timestamp = .now) throws -> ItemEvent {
        let entry = try entry(id)
        let event = try draft(request, for: entry, at: now)
        return try ItemLog(connection: connection).append([event])[0]
    }

    func describe(_ entry: Entry) -> String {
        let status = entry.status
        switch entry.state {
        case .resolved:
            return
                "resolved as \(status.resolvedAs ?? "?") by \(status.resolvedBy ?? "?") at \(status.resolvedAt.map(\.iso8601) ?? "?")"
        case .reconciled:
            if let how = status.resolvedAs, status.state == .reconciled { return "resolved as \(how) by a run" }
            return "no longer open"
        case .pendingApproval:
            return "written off by \(status.resolvedBy ?? "?"), waiting for approval"
        case .open, .acknowledged:
            return entry.state.rawValue
        }
    }
}

/// Why an item action was refused; every message names the item.
public enum ItemActionError: Error, Sendable, CustomStringConvertible {
    case unknown(ItemID)
    case invalid(ItemID, String)
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let text): "'\(text)' is not an item id: \(ItemID.rule)"
        case .unknown(let id): "no item \(id): it is neither open nor has it any event (see `tally items list`)"
        case .invalid(let id, let problem): "item \(id): \(problem)"
        }
    }
}

extension Timestamp {
    /// The current instant, to the microsecond.
    public static var now: Timestamp {
        Timestamp(microseconds: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }
}
