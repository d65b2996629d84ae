import TallyCore
import TallyIngest
import TallyPostgres
import TallyReport

/// The open items as a spreadsheet to fill in, and a filled-in one read back
/// (`tally items export` / `apply`, docs/items.md "Bulk").
///
/// The export has one row per open item with its facts, then the empty columns a person fills:
/// `action`, `reason`, `note`, `assignee`. Text from providers, ledgers and people is neutralised
/// against formula injection exactly like breaks.csv (``TallyReport/BreaksCSV/text(_:)``).
public enum ItemSheet {
    /// The columns of the export; `apply` needs `item_id` and the four to fill, in any order.
    public static let header = [
        "item_id", "provider", "class", "severity", "reference", "kind", "amount", "currency", "first_seen", "age_days",
        "state", "assigned_to", "last_note", "action", "reason", "note", "assignee",
    ]
    static let required = ["item_id", "action", "reason", "note", "assignee"]

    /// What the `action` column accepts, and the request each becomes.
    public static let actions = [
        "ack", "assign", "comment", "confirm", "reject", "written_off", "explained", "reopen", "approve",
    ]

    /// The open items (open, acknowledged or waiting for approval) as the sheet, CRLF, UTF-8.
    public static func export(_ entries: [ItemDesk.Entry]) -> [UInt8] {
        var out = header.joined(separator: ",") + "\r\n"
        for entry in entries {
            guard let item = entry.item, entry.state != .resolved else { continue }
            let text = BreaksCSV.text
            let cells = [
                entry.id.rawValue, text(entry.provider), item.breakClass.rawValue, item.breakClass.severity.rawValue,
                text(item.reference), item.kind.name, entry.amount?.decimalString ?? "", entry.amount?.currency.code ?? "",
                item.firstSeen.description, String(item.age(on: item.lastSeen)), entry.state.rawValue,
                entry.status.assignee.map(text) ?? "", entry.status.lastNote.map(text) ?? "", "", "", "", "",
            ]
            out += cells.map(BreaksCSV.quote).joined(separator: ",") + "\r\n"
        }
        return Array(out.utf8)
    }

    /// One filled-in row: its line in the file and what it asks for.
    public struct Row: Sendable, Hashable {
        public var line: Int
        public var itemID: String
        public var action: String
        public var reason: String
        public var note: String
        public var assignee: String
    }

    /// Why a sheet cannot be read at all (no header, a column missing, broken CSV).
    public struct Unreadable: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The rows of a filled-in sheet that ask for something (an empty `action` is no request).
    public static func rows(_ bytes: [UInt8]) throws -> [Row] {
        var reader = CSVReader(bytes: bytes)
        var columns: [String: Int] = [:]
        var rows: [Row] = []
        var problem: String?
        try reader.forEachRecord { record in
            guard problem == nil else { return }
            if let broken = record.problem {
                problem = "line \(record.line): \(broken)"
                return
            }
            let cells = (0..<record.count).map { record.string($0) ?? "" }
            if columns.isEmpty {
                for (index, name) in cells.enumerated() {
                    columns[name.trimmingBOM.trimmed.lowercased()] = index
                }
                let missing = required.filter { columns[$0] == nil }
                if !missing.isEmpty { problem = "the header has no \(missing.joined(separator: ", ")) column" }
                return
            }
            func cell(_ name: String) -> String {
                guard let index = columns[name], index < cells.count else { return "" }
                return cells[index].trimmed
            }
            guard !cell("action").isEmpty else { return }
            rows.append(
                Row(
                    line: record.line, itemID: cell("item_id"), action: cell("action").lowercased(), reason: cell("reason"),
                    note: cell("note"), assignee: cell("assignee")))
        }
        if let problem { throw Unreadable(description: problem) }
        if columns.isEmpty { throw Unreadable(description: "the sheet is empty: expected the header of `tally items export`") }
        return rows
    }
}

/// What `apply` made of one row: the event it writes, or why it cannot.
public struct SheetVerdict: Sendable {
    public var row: ItemSheet.Row
    public var event: ItemEvent?
    public var problem: String?
}

extension ItemDesk {
    /// Checks every row of a sheet against the items as they stand (rows of one item in order,
    /// each seeing the one before); writes every event in one transaction when no row has a
    /// problem and this is no dry run, none otherwise.
    /// - Returns: a verdict per row, and whether the events were written.
    public func apply(_ rows: [ItemSheet.Row], actor: String, dryRun: Bool, at now: Timestamp = .now) throws -> (
        verdicts: [SheetVerdict], applied: Bool
    ) {
        var entries = Dictionary(uniqueKeysWithValues: try self.entries(provider: nil).map { ($0.id, $0) })
        var verdicts: [SheetVerdict] = []
        for row in rows {
            do {
                guard let id = ItemID(text: row.itemID) else {
                    throw ItemActionError.malformed(row.itemID)
                }
                guard var entry = entries[id] else { throw ItemActionError.unknown(id) }
                let request = try Self.request(row, actor: actor, id: id)
                let event = try draft(request, for: entry, at: now)
                if event.needsApproval {
                    let limit = entry.amount.flatMap { amount in
                        writeOffLimits[amount.currency].map { Money(minor: $0, currency: amount.currency) }
                    }
                    throw ItemActionError.invalid(
                        id,
                        "writing off \(entry.amount?.description ?? "it") is over the write-off limit \(limit?.description ?? "")"
                            + ", which needs a second person's approval: use `tally items resolve` and `tally items approve`")
                }
                entry.status.apply(event)
                entry.events.append(event)
                entries[id] = entry
                verdicts.append(SheetVerdict(row: row, event: event))
            } catch let error as ItemActionError {
                verdicts.append(SheetVerdict(row: row, problem: error.description))
            }
        }
        guard !dryRun, !verdicts.contains(where: { $0.problem != nil }), !verdicts.isEmpty else { return (verdicts, false) }
        let stored = try ItemLog(connection: connection).append(verdicts.compactMap(\.event))
        for index in verdicts.indices { verdicts[index].event = stored[index] }
        return (verdicts, true)
    }

    /// The request a row's `action` stands for.
    static func request(_ row: ItemSheet.Row, actor: String, id: ItemID) throws -> Request {
        let note = row.note.isEmpty ? nil : row.note
        switch row.action {
        case "ack": return Request(action: .acknowledge, actor: actor, note: note)
        case "assign": return Request(action: .assign, actor: actor, note: note, assignee: row.assignee)
        case "comment": return Request(action: .comment, actor: actor, note: note)
        case "confirm": return Request(action: .confirm, actor: actor, note: note)
        case "reject": return Request(action: .reject, actor: actor, note: note)
        case "reopen": return Request(action: .reopen, actor: actor, note: note)
        case "approve": return Request(action: .approve, actor: actor, note: note)
        case "written_off", "explained":
            return Request(
                action: .resolve, actor: actor, note: note, resolvedAs: ManualResolution(rawValue: row.action),
                reason: row.reason)
        default:
            throw ItemActionError.invalid(
                id, "action '\(row.action)' is not one of \(ItemSheet.actions.joined(separator: ", "))")
        }
    }
}

extension String {
    var trimmed: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    var trimmingBOM: String { hasPrefix("\u{FEFF}") ? String(dropFirst()) : self }
}
