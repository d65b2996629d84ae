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

    /// The databases of a command that reads both the store and the ledger: flags, then the config
    /// file (with passwords from the environment or files), then the environment.
    struct Databases {
        var databaseURL: String?
        var databasePassword: String?
        var resultsURL: String?
        var resultsPassword: String?
        var config: TallyConfig?
    }

    func databases() throws -> Databases {
        let environment = ProcessInfo.processInfo.environment
        let loaded = try TallyConfig.locate(flag: config).map { try TallyConfig.load(path: $0) }
        let flagged = databaseURL != nil
        return Databases(
            databaseURL: databaseURL ?? loaded?.database?.url ?? environment["DATABASE_URL"],
            databasePassword: flagged ? nil : try loaded?.database?.password(key: "database"),
            resultsURL: resultsURL ?? environment["TALLY_RESULTS_URL"] ?? (flagged ? nil : loaded?.results?.url),
            resultsPassword: resultsURL != nil || flagged ? nil : try loaded?.results?.password(key: "results"),
            config: loaded)
    }

    /// Opens the store's connection: the flags, else the config's results or payments database
    /// (with its password from the environment or a file), else the environment.
    func connect() throws -> PostgresConnection {
        let environment = ProcessInfo.processInfo.environment
        if let url = resultsURL ?? environment["TALLY_RESULTS_URL"] ?? databaseURL {
            return try PostgresConnection(url: url)
        }
        if let path = TallyConfig.locate(flag: config) {
            let loaded = try TallyConfig.load(path: path)
            if let results = loaded.results {
                return try PostgresConnection(url: results.url, password: try results.password(key: "results"))
            }
            if let database = loaded.database {
                return try PostgresConnection(
                    url: database.url ?? environment["DATABASE_URL"], password: try database.password(key: "database"))
            }
        }
        return try PostgresConnection(url: environment["DATABASE_URL"])
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
