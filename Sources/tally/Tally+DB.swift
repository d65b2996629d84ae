import ArgumentParser
import TallyPostgres

extension Tally {
    /// `tally db`: the `tally` schema's migrations.
    struct DB: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "db", abstract: "Create, upgrade and inspect the tally schema.",
            subcommands: [Migrate.self, Status.self])

        struct Migrate: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Apply the tally schema's pending migrations (tally run does this too).",
                discussion: "Example:\n  tally db migrate --database-url postgresql://tally@db/payments")

            @OptionGroup var store: StoreOptions

            func run() throws {
                try withExitStatus {
                    let connection = try store.connect()
                    let applied = try Migrations.migrate(connection)
                    let version = try Migrations.currentVersion(connection) ?? 0
                    Console.out(
                        applied.isEmpty
                            ? "tally schema is up to date at version \(version)"
                            : "applied migration\(applied.count == 1 ? "" : "s") \(applied.map(String.init).joined(separator: ", ")); tally schema is at version \(version)"
                    )
                }
            }
        }

        struct Status: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show the tally schema's version and its migrations.",
                discussion: "Example:\n  tally db status --json")

            @OptionGroup var store: StoreOptions
            @Flag(help: "Print JSON.") var json = false

            func run() throws {
                try withExitStatus {
                    let connection = try store.connect()
                    let current = try Migrations.currentVersion(connection)
                    let history = try Migrations.history(connection)
                    if json {
                        try printJSON([
                            "version": current ?? 0, "latest": Migrations.latest,
                            "pending": Migrations.all.filter { $0.version > (current ?? 0) }.map(\.version),
                            "applied": history.map {
                                ["version": $0.version, "description": $0.description, "applied_at": $0.appliedAt]
                            },
                        ])
                        return
                    }
                    guard let current else {
                        Console.out("no tally schema yet (latest version \(Migrations.latest)); run `tally db migrate`")
                        return
                    }
                    Console.out("tally schema version \(current) of \(Migrations.latest)")
                    for entry in history { Console.out("  \(entry.version)  \(entry.appliedAt)  \(entry.description)") }
                    let pending = Migrations.all.filter { $0.version > current }
                    for migration in pending { Console.out("  \(migration.version)  pending  \(migration.description)") }
                }
            }
        }
    }
}
