import ArgumentParser
import Foundation
import TallyCore
import TallyEngine
import TallyPostgres

extension Tally {
    /// `tally items`: work the exceptions (docs/items.md).
    struct Items: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Work the open items: list, show, ack, assign, comment, confirm, reject, resolve, reopen, approve, export, apply, verify.",
            discussion: """
                Every action is an event of the append-only, hash-chained log tally.item_events, with \
                its actor (--actor, else TALLY_ACTOR, else the OS user) and time (docs/items.md).

                Example:
                  tally items list --provider acmepay --state open
                  tally items ack it_3f2a9c1e5b7d0a46 --note "provider re-sends it Tuesday" --until 2026-03-17
                """,
            subcommands: [
                List.self, Show.self, Ack.self, Assign.self, Comment.self, Confirm.self, Reject.self, Resolve.self, Reopen.self,
                Approve.self, Export.self, Apply.self, Verify.self,
            ])
    }
}

/// The options every item action shares: where the store is, and who acts.
struct ItemActionOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions

    @Option(help: "Who acts (default: TALLY_ACTOR, then the OS user).")
    var actor: String?

    /// `--actor`, else `TALLY_ACTOR`, else the OS user's name.
    func resolvedActor() -> String {
        if let actor { return actor }
        if let actor = ProcessInfo.processInfo.environment["TALLY_ACTOR"], !actor.isEmpty { return actor }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? ""
    }

    /// The desk on the store, with the config's reason codes and write-off limits.
    func desk() throws -> ItemDesk { try store.itemDesk() }

    /// Runs one action on `id` and prints what was written.
    func act(_ request: (String) -> ItemDesk.Request, on id: String) throws {
        try withExitStatus {
            let id = try ItemIDArgument.parse(id)
            let event = try desk().act(request(resolvedActor()), on: id)
            Console.out("\(event.itemID) \(ItemText.describe(event)) (event \(event.sequence))")
        }
    }
}

/// The item id argument of every action.
enum ItemIDArgument {
    static func parse(_ text: String) throws -> ItemID {
        guard let id = ItemID(text: text) else { throw Malformed(text: text) }
        return id
    }

    /// A text that is no item id (exit 64).
    struct Malformed: Error, CustomStringConvertible {
        var text: String
        var description: String { "'\(text)' is not an item id: \(ItemID.rule)" }
    }
}

extension Tally.Items {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List items with their state, assignee and last note.",
            discussion: """
                Without --state, every item but those the reconciler closed; --state all lists those too.

                Example:
                  tally items list --provider acmepay --state open --older-than 3
                  tally items list --assignee alice --json
                """)

        @OptionGroup var store: StoreOptions
        @Option(help: "Only this provider.") var provider: String?
        @Option(help: "Only this state: open, acknowledged, pending_approval, resolved, reconciled or all.")
        var state: String?
        @Option(help: "Only items assigned to this name.") var assignee: String?
        @Option(help: "Only items open for more than this many days.") var olderThan: Int?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if let state, state != "all", ItemWorkState(rawValue: state) == nil {
                throw ValidationError(
                    "--state '\(state)' is not a state; use open, acknowledged, pending_approval, resolved, reconciled or all.")
            }
        }

        func run() throws {
            try withExitStatus {
                let connection = try store.itemConnection()
                let entries = try ItemDesk(connection: connection).entries(provider: provider).filter { entry in
                    switch state {
                    case nil: entry.state != .reconciled
                    case "all": true
                    case let state?: entry.state.rawValue == state
                    }
                }.filter { entry in
                    (assignee == nil || entry.status.assignee == assignee)
                        && (olderThan.map { days in entry.item.map { $0.age(on: $0.lastSeen) > days } ?? false } ?? true)
                }
                if json {
                    try printJSON(entries.map(ItemText.object))
                    return
                }
                if entries.isEmpty {
                    Console.out("no items")
                    return
                }
                for entry in entries { Console.out(ItemText.line(entry)) }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one item: its facts, every run that saw it, every event.",
            discussion: "Example:\n  tally items show it_3f2a9c1e5b7d0a46 --json")

        @OptionGroup var store: StoreOptions
        @Argument(help: "The item id (it_ and 16 hex digits).") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try withExitStatus {
                let id = try ItemIDArgument.parse(id)
                let connection = try store.itemConnection()
                let entry = try ItemDesk(connection: connection).entry(id)
                let runs = try ResultStore(connection: connection).runsThatSaw(
                    provider: entry.provider, reference: entry.reference, kind: entry.kind)
                if json {
                    var object = ItemText.object(entry)
                    object["runs"] = runs.map {
                        ["run_id": $0.runID, "window": ["from": $0.from, "to": $0.to], "class": $0.breakClass, "new": $0.isNew]
                            as [String: Any]
                    }
                    object["events"] = entry.events.map(ItemText.eventObject)
                    try printJSON(object)
                    return
                }
                Console.out(ItemText.line(entry))
                if let item = entry.item {
                    Console.out(
                        "  \(AmountText.sides(provider: item.providerAmount, ledger: item.ledgerAmount)), first seen \(item.firstSeen), last seen \(item.lastSeen)"
                    )
                }
                Console.out("runs:")
                if runs.isEmpty { Console.out("  none stored") }
                for run in runs {
                    Console.out("  \(run.runID.prefix(8)) \(run.from)..\(run.to): \(run.breakClass)\(run.isNew ? ", new" : "")")
                }
                Console.out("events:")
                if entry.events.isEmpty { Console.out("  none") }
                for event in entry.events {
                    Console.out("  \(event.sequence)  \(event.at.iso8601)  \(event.actor)  \(ItemText.describe(event))")
                }
            }
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack",
            abstract: "Acknowledge an item: known, its alerts suppressed until --until or until its facts change.",
            discussion: """
                Example:
                  tally items ack it_3f2a9c1e5b7d0a46 --note "provider re-sends it Tuesday" --until 2026-03-17
                """)

        @OptionGroup var options: ItemActionOptions
        @Argument(help: "The item id.") var id: String
        @Option(help: "Why it is known (required).") var note: String
        @Option(help: "Suppress its alerts until the end of this day (YYYY-MM-DD).") var until: String?

        func validate() throws {
            if let until, CivilDate(iso: until) == nil {
                throw ValidationError("--until '\(until)' is not a date; write it as YYYY-MM-DD.")
            }
        }

        func run() throws {
            try options.act(
                { ItemDesk.Request(action: .acknowledge, actor: $0, note: note, until: until.flatMap { CivilDate(iso: $0) }) },
                on: id)
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assign an item to a person.",
            discussion: "Example:\n  tally items assign it_3f2a9c1e5b7d0a46 --to alice --note \"you know this merchant\"")

        @OptionGroup var options: ItemActionOptions
        @Argument(help: "The item id.") var id: String
        @Option(help: "Who takes it.") var to: String
        @Option(help: "A note for them.") var note: String?

        func run() throws {
            try options.act({ ItemDesk.Request(action: .assign, actor: $0, note: note, assignee: to) }, on: id)
        }
    }

    struct Comment: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a note to an item.",
            discussion: "Example:\n  tally items comment it_3f2a9c1e5b7d0a46 --note \"asked the provider, ticket 4411\"")

        @OptionGroup var options: ItemActionOptions
        @Argument(help: "The item id.") var id: String
        @Option(help: "The note (required).") var note: String

        func run() throws {
            try options.act({ ItemDesk.Request(action: .comment, actor: $0, note: note) }, on: id)
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close an item as written off or explained, with a reason code and a note.",
            discussion: """
                The reason codes are items.reason_codes of tally.yml (default: \
                \(ItemDeskDefaults.reasonCodes.joined(separator: ", "))).

                Example:
                  tally items resolve it_3f2a9c1e5b7d0a46 --as written_off --reason rounding --note "3 cents, FX rounding"
                """)

        @OptionGroup var options: ItemActionOptions
        @Argument(help: "The item id.") var id: String
        @Option(name: .customLong("as"), help: "written_off or explained.") var resolution: String
        @Option(help: "A reason code.") var reason: String
        @Option(help: "Why (required).") var note: String

        func validate() throws {
            guard ManualResolution(rawValue: resolution) != nil else {
                throw ValidationError("--as '\(resolution)' is not a resolution; use written_off or explained.")
            }
        }

        func run() throws {
            try options.act(
                {
                    ItemDesk.Request(
                        action: .resolve, actor: $0, note: note, resolvedAs: ManualResolution(rawValue: resolution),
                        reason: reason)
                }, on: id)
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reopen an item a person resolved (undo is a new event).",
            discussion: "Example:\n  tally items reopen it_3f2a9c1e5b7d0a46 --note \"written off by mistake\"")

        @OptionGroup var options: ItemActionOptions
        @Argument(help: "The item id.") var id: String
        @Option(help: "Why (required).") var note: String

        func run() throws {
            try options.act({ ItemDesk.Request(action: .reopen, actor: $0, note: note) }, on: id)
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain of the item events; name the first event that was altered.",
            discussion: """
                Exit 0 when every event holds, 1 naming the first one that does not.

                Example:
                  tally items verify
                """)

        @OptionGroup var store: StoreOptions

        func run() throws {
            try withExitStatus {
                let connection = try store.itemConnection()
                let (count, broken) = try ItemLog(connection: connection).verify()
                guard let broken else {
                    Console.out("item events: \(count) events, the chain holds")
                    return
                }
                Console.out(
                    "item events: the chain is broken at event \(broken.row.sequence) (item \(broken.row.itemID), \(broken.row.action)): \(broken.reason)"
                )
                throw ExitCode(1)
            }
        }
    }
}

extension StoreOptions {
    /// The store's connection with the schema current: migrated only when behind, so the roles
    /// of deploy/grants.sql that may not create anything can work items (docs/items.md, "Access").
    func itemConnection() throws -> PostgresConnection {
        let connection = try connect()
        try requireSchema(connection)
        if try Migrations.currentVersion(connection) ?? 0 < Migrations.latest { try Migrations.migrate(connection) }
        return connection
    }

    /// The desk on the store, with the config's `items:` settings.
    func itemDesk() throws -> ItemDesk {
        let connection = try itemConnection()
        let loaded = try TallyConfig.locate(flag: config).map { try TallyConfig.load(path: $0) }
        return ItemDesk(connection: connection, settings: loaded?.items ?? ItemSettings())
    }
}
