import ArgumentParser
import Foundation
import TallyEngine
import TallyPostgres

/// Where the `tally` schema lives, for the commands that only read or migrate it.
struct StoreOptions: ParsableArguments {
    @Option(help: "libpq URL of the payments database (default: DATABASE_URL, then PG* variables).")
    var databaseURL: String?

    @Option(help: "libpq URL of the database holding the tally schema (default: TALLY_RESULTS_URL, then the payments database).")
    var resultsURL: String?

    @Option(help: "Config file whose databases to use (default: TALLY_CONFIG, then ./tally.yml when present).")
    var config: String?

    /// The databases of a command, resolved as `tally run` resolves its own.
    typealias Databases = StoreDatabases

    func databases() throws -> Databases {
        let loaded = try TallyConfig.locate(flag: config).map { try TallyConfig.load(path: $0) }
        return try Databases.resolve(databaseFlag: databaseURL, resultsFlag: resultsURL, config: loaded)
    }

    /// Opens the store's connection (see ``Databases``).
    func connect() throws -> PostgresConnection {
        try databases().connectStore()
    }
}

extension StoreOptions {
    /// The store and one of its runs, by id or a unique prefix (exit 64 when there is none).
    func storedRun(_ id: String) throws -> (ResultStore, ResultStore.RunRow) {
        let connection = try connect()
        try requireSchema(connection)
        let store = ResultStore(connection: connection)
        guard let row = try store.run(id: id) else { throw RunNotFound(id: id) }
        return (store, row)
    }
}

/// Runs a command body, printing any error on one line and exiting with its status (docs/operations.md, "Exit codes").
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

/// Pretty, key-sorted JSON for `--json` outputs built as dictionaries.
func printJSON(_ object: Any) throws {
    let data = try JSONSerialization.data(
        withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    Console.json(String(decoding: data, as: UTF8.self))
}

/// Pretty, key-sorted JSON for the typed `--json` documents, formatted as ``printJSON(_:)`` formats them.
func printJSONDocument(_ document: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    Console.json(String(decoding: try encoder.encode(document), as: UTF8.self))
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
