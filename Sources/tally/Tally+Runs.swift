import ArgumentParser
import Foundation
import TallyCore
import TallyPostgres

extension Tally {
    /// `tally runs`: the history of runs.
    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List stored runs and show one.", subcommands: [List.self, Show.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List runs, newest first, with their supersede chain.",
                discussion: "Example:\n  tally runs list --provider acmepay --since 2026-03-01")

            @OptionGroup var store: StoreOptions
            @Option(help: "Only this provider.") var provider: String?
            @Option(help: "Only runs started on or after this date (YYYY-MM-DD).") var since: String?
            @Flag(help: "Print JSON.") var json = false

            func validate() throws {
                if let since, CivilDate(iso: since) == nil {
                    throw ValidationError("--since '\(since)' is not a date; write it as YYYY-MM-DD.")
                }
            }

            func run() throws {
                try withExitStatus {
                    let connection = try store.connect()
                    try requireSchema(connection)
                    let rows = try ResultStore(connection: connection).runs(
                        provider: provider, since: since.flatMap { CivilDate(iso: $0) })
                    if json {
                        try printJSON(rows.map(RunRowJSON.object))
                        return
                    }
                    if rows.isEmpty {
                        Console.out("no runs")
                        return
                    }
                    for row in rows {
                        var line = "\(row.id)  \(row.provider)  \(row.from)..\(row.to)  \(row.state)  \(row.startedAt)"
                        if let summary = RunRowJSON.summary(row), let breaks = summary["breaks"] as? [String: Int] {
                            line += "  breaks \(breaks.values.reduce(0, +))"
                        }
                        if let by = row.supersededBy { line += "  superseded by \(by.prefix(8))" }
                        if let old = row.supersedes { line += "  supersedes \(old.prefix(8))" }
                        if let error = row.error { line += "  (\(error))" }
                        Console.out(line)
                    }
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show one run: window, files, counts, breaks and resolutions.",
                discussion: "Example:\n  tally runs show 3f2a9c1e --json")

            @OptionGroup var store: StoreOptions
            @Argument(help: "The run id (or a unique prefix of at least 6 characters).") var runID: String
            @Flag(help: "Print JSON.") var json = false

            func validate() throws {
                guard RunIDPrefix(runID) != nil else { throw ValidationError(RunIDPrefix.rule + ".") }
            }

            func run() throws {
                try withExitStatus {
                    let (store, row) = try store.storedRun(runID)
                    let breaks = try store.breaks(runID: row.id)
                    let resolved = try store.resolutions(runID: row.id)
                    if json {
                        var object = RunRowJSON.object(row)
                        object["breaks"] = breaks.map { $0.mapValues { $0 ?? NSNull() as Any } }
                        object["resolved"] = resolved.map {
                            [
                                "reference": $0.reference, "kind": $0.kind.name, "class": $0.breakClass.rawValue,
                                "first_seen": $0.firstSeen.description, "resolved_as": $0.resolvedAs.rawValue,
                            ]
                        }
                        try printJSON(object)
                        return
                    }
                    Console.out("run \(row.id): \(row.provider) \(row.from)..\(row.to) (\(row.timezone)), \(row.state)")
                    Console.out("started \(row.startedAt)\(row.finishedAt.map { ", finished \($0)" } ?? "")")
                    if let old = row.supersedes { Console.out("supersedes \(old)") }
                    if let by = row.supersededBy { Console.out("superseded by \(by)") }
                    if let error = row.error { Console.out("error: \(error)") }
                    for item in breaks {
                        let fields = ["class", "reference", "kind", "first_seen", "age_days"].map {
                            item[$0].flatMap { $0 } ?? ""
                        }
                        let money = AmountText.sides(
                            provider: ResultStore.money(item["provider_amount_minor"] ?? nil, item["provider_currency"] ?? nil),
                            ledger: ResultStore.money(item["ledger_amount_minor"] ?? nil, item["ledger_currency"] ?? nil))
                        Console.out(
                            "  \(fields[0])  \(fields[1])  \(fields[2])  \(money)  first seen \(fields[3]), \(fields[4]) d")
                    }
                    for item in resolved {
                        Console.out(
                            "  resolved \(item.reference) \(item.kind.name) (\(item.breakClass.rawValue) since \(item.firstSeen)) as \(item.resolvedAs.rawValue)"
                        )
                    }
                }
            }
        }
    }

    /// `tally open-items`: what is still open.
    struct OpenItems: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "open-items", abstract: "List open items: breaks not yet explained, with their age.",
            discussion: "Example:\n  tally open-items --provider acmepay --older-than 3")

        @OptionGroup var store: StoreOptions
        @Option(help: "Only this provider.") var provider: String?
        @Option(help: "Only items open for more than this many days.") var olderThan: Int?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try withExitStatus {
                let connection = try store.connect()
                try requireSchema(connection)
                let items = try ResultStore(connection: connection).openItems(provider: provider).filter {
                    $0.item.breakClass != .timingDifference && $0.item.age(on: $0.item.lastSeen) > (olderThan ?? -1)
                }
                if json {
                    try printJSON(
                        items.map { provider, item in
                            [
                                "provider": provider, "reference": item.reference, "kind": item.kind.name,
                                "class": item.breakClass.rawValue, "first_seen": item.firstSeen.description,
                                "last_seen": item.lastSeen.description, "age_days": item.age(on: item.lastSeen),
                                "provider_amount_minor": item.providerAmount.map { $0.minor as Any } ?? NSNull(),
                                "provider_currency": item.providerAmount?.currency.code ?? NSNull(),
                                "ledger_amount_minor": item.ledgerAmount.map { $0.minor as Any } ?? NSNull(),
                                "ledger_currency": item.ledgerAmount?.currency.code ?? NSNull(),
                            ] as [String: Any]
                        })
                    return
                }
                if items.isEmpty {
                    Console.out("no open items")
                    return
                }
                for (provider, item) in items {
                    let money = AmountText.sides(provider: item.providerAmount, ledger: item.ledgerAmount)
                    Console.out(
                        "\(provider)  \(item.breakClass.rawValue)  \(item.reference)  \(item.kind.name)  \(money)  open since \(item.firstSeen), \(item.age(on: item.lastSeen)) d"
                    )
                }
            }
        }
    }
}

struct RunNotFound: Error, CustomStringConvertible {
    var id: String
    var description: String { "no run with id \(id) (or the prefix is not unique)" }
}

/// A stored run as JSON.
enum RunRowJSON {
    static func object(_ row: ResultStore.RunRow) -> [String: Any] {
        [
            "id": row.id, "provider": row.provider, "format": row.format,
            "window": ["from": row.from, "to": row.to], "timezone": row.timezone, "state": row.state,
            "started_at": row.startedAt, "finished_at": row.finishedAt ?? NSNull(),
            "supersedes": row.supersedes ?? NSNull(), "superseded_by": row.supersededBy ?? NSNull(),
            "summary": summary(row) ?? NSNull(), "error": row.error ?? NSNull(),
        ]
    }

    static func summary(_ row: ResultStore.RunRow) -> [String: Any]? {
        guard let text = row.summary else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}
