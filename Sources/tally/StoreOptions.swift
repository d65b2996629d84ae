import ArgumentParser
import Foundation
import TallyPostgres

/// Where the `tally` schema lives, for the commands that only read or migrate it.
struct StoreOptions: ParsableArguments {
    @Option(help: "libpq URL of the payments database (default: DATABASE_URL, then PG* variables).")
    var databaseURL: String?

    @Option(help: "libpq URL of the database holding the tally schema (default: TALLY_RESULTS_URL, then the payments database).")
    var resultsURL: String?

    /// Opens the store's connection.
    func connect() throws -> PostgresConnection {
        let environment = ProcessInfo.processInfo.environment
        return try PostgresConnection(
            url: resultsURL ?? environment["TALLY_RESULTS_URL"] ?? databaseURL ?? environment["DATABASE_URL"])
    }
}

/// Runs a command body, printing any error on one line and exiting with DESIGN.md's status.
func withExitStatus(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        Console.error("tally: error: \(error)")
        throw ExitCode(ExitStatus(for: error).rawValue)
    }
}

/// Pretty, key-sorted JSON for `--json` outputs.
func printJSON(_ object: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    Console.out(String(decoding: data, as: UTF8.self))
}

/// Fails with exit 64 and a hint when the schema has never been created.
func requireSchema(_ connection: PostgresConnection) throws {
    guard try Migrations.currentVersion(connection) != nil else {
        throw StoreMissing()
    }
}

struct StoreMissing: Error, CustomStringConvertible {
    var description: String {
        "the tally schema does not exist in this database yet; run `tally db migrate` or a first `tally run`."
    }
}
