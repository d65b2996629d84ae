import ArgumentParser
import Foundation
import TallyAlerts
import TallyEngine
import TallyPostgres

extension Tally {
    /// `tally alerts`: the alert outbox.
    struct Alerts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the alert outbox, deliver what is due, revive dead alerts.",
            subcommands: [List.self, Deliver.self, Retry.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List alerts, newest first: pending, delivered and dead.",
                discussion: "Example:\n  tally alerts list --dead")

            @OptionGroup var store: StoreOptions
            @Flag(help: "Only alerts waiting for delivery.") var pending = false
            @Flag(help: "Only dead alerts (gave up, or the receiver refused them).") var dead = false
            @Option(help: "Directory of state kept between invocations (spooled failure alerts).")
            var stateDir: String = AlertSettings.defaultStateDirectory
            @Flag(help: "Print JSON.") var json = false

            func validate() throws {
                if pending && dead { throw ValidationError("give --pending or --dead, not both.") }
            }

            func run() throws {
                try withExitStatus {
                    let connection = try store.connect()
                    try requireSchema(connection)
                    guard try (Migrations.currentVersion(connection) ?? 0) >= 2 else {
                        Console.out("no alerts (the tally schema predates alerts; `tally db migrate` adds the outbox)")
                        return
                    }
                    let outbox = AlertOutbox(connection: connection)
                    try AlertSpool(stateDirectory: stateDir).drain(into: outbox)
                    let rows = try outbox.list(state: pending ? "pending" : dead ? "dead" : nil)
                    if json {
                        try printJSON(rows.map(Self.object))
                        return
                    }
                    if rows.isEmpty {
                        Console.out("no alerts")
                        return
                    }
                    for row in rows { Console.out(Self.line(row)) }
                }
            }

            static func line(_ row: AlertOutbox.Row) -> String {
                var line = "\(row.id)  \(row.state)  \(row.endpoint)  \(row.event)  \(row.provider)"
                if let run = row.runID { line += "  run \(run.prefix(8))" }
                line += "  attempts \(row.attempts)"
                switch row.state {
                case "pending": line += "  next \(row.nextAttemptAt)"
                case "delivered": line += "  at \(row.deliveredAt ?? "?")"
                default: break
                }
                if let error = row.lastError { line += "  (\(error))" }
                return line
            }

            static func object(_ row: AlertOutbox.Row) -> [String: Any] {
                [
                    "id": row.id, "webhook_id": row.webhookID, "endpoint": row.endpoint, "event": row.event,
                    "run_id": row.runID ?? NSNull(), "provider": row.provider, "state": row.state, "attempts": row.attempts,
                    "next_attempt_at": row.nextAttemptAt, "last_status": row.lastStatus ?? NSNull(),
                    "last_error": row.lastError ?? NSNull(), "created_at": row.createdAt,
                    "delivered_at": row.deliveredAt ?? NSNull(),
                ]
            }
        }

        struct Deliver: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Deliver the alerts that are due (for a cron every few minutes).",
                discussion: """
                    Every due alert is tried once; then, within --budget seconds, alerts coming due are \
                    tried as they do. Spooled failure alerts are moved into the outbox first. The \
                    endpoints' URLs and secrets come from --alerts / --webhook, as for tally run: the \
                    outbox stores endpoint names only.

                    Example:
                      */5 * * * *  tally alerts deliver --alerts /etc/tally/alerts.yml --budget 30
                      */5 * * * *  tally alerts deliver --config /etc/tally/tally.yml
                    """)

            @OptionGroup var store: StoreOptions
            @Option(help: ArgumentHelp("Alert rules: a YAML file with endpoints: [...].", valueName: "file"))
            var alerts: String?
            @Option(help: ArgumentHelp("The one-off endpoint of tally run --webhook (TALLY_WEBHOOK_SECRET).", valueName: "url"))
            var webhook: String?
            @Option(help: "Directory of state kept between invocations (default: the config's state_dir, then .tally/state).")
            var stateDir: String?
            @Option(help: "Seconds to keep retrying alerts that come due while delivering.")
            var budget: Double = 60

            func validate() throws {
                guard budget >= 0 else { throw ValidationError("--budget must be 0 or more seconds.") }
            }

            func run() throws {
                try withExitStatus {
                    let databases = try store.databases()
                    let config = databases.config
                    guard
                        let settings = try AlertOptions.settings(
                            file: alerts, webhook: webhook, configured: config?.alerts,
                            stateDirectory: stateDir ?? config?.stateDirectory ?? AlertSettings.defaultStateDirectory,
                            budgetSeconds: budget)
                    else {
                        throw RunError(
                            code: .usage,
                            message:
                                "give --alerts FILE, --webhook URL or a config with alerts: delivery needs the endpoints' URLs and secrets, which are never stored."
                        )
                    }
                    let connection = try databases.connectStore()
                    try Migrations.migrate(connection)
                    guard let counts = settings.deliver(store: connection, log: { Console.error("tally: \($0)") }) else {
                        throw ExitCode(ExitStatus.unavailable.rawValue)
                    }
                    let pending = try AlertOutbox(connection: connection).pendingByEndpoint()
                    let known = Set(settings.rules.endpoints.map(\.name))
                    for (name, count) in pending.sorted(by: { $0.key < $1.key }) where !known.contains(name) {
                        Console.error(
                            "tally: warning: \(count) pending alert\(count == 1 ? "" : "s") for endpoint '\(name)', which this configuration does not name; they wait"
                        )
                    }
                    Console.out(
                        "alerts: \(counts.attempted) attempted, \(counts.delivered) delivered, \(counts.retried) to retry, \(counts.dead) dead; \(pending.values.reduce(0, +)) pending"
                    )
                }
            }
        }

        struct Retry: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Make a dead alert pending again, with a fresh count of attempts.",
                discussion: "Example:\n  tally alerts retry 42 && tally alerts deliver --alerts alerts.yml")

            @OptionGroup var store: StoreOptions
            @Argument(help: "The alert's id (from tally alerts list --dead).") var id: Int64

            func run() throws {
                try withExitStatus {
                    let connection = try store.connect()
                    try Migrations.migrate(connection)
                    guard try AlertOutbox(connection: connection).revive(id: id) else {
                        throw AlertNotDead(id: id)
                    }
                    Console.out("alert \(id) is pending again; the next run or `tally alerts deliver` sends it")
                }
            }
        }
    }
}

struct AlertNotDead: Error, CustomStringConvertible {
    var id: Int64
    var description: String { "no dead alert with id \(id); see tally alerts list --dead" }
}
