import Foundation
import TallyPostgres

/// The databases of a command: each URL from its flag, else the config file, else the environment
/// (`DATABASE_URL`, `TALLY_RESULTS_URL`); a password only from the config's `password_env` or
/// `password_file`, and only for a URL that is not a flag. `tally run` resolves its databases the
/// same way.
public struct StoreDatabases: Sendable {
    public var databaseURL: String?
    public var databasePassword: String?
    public var resultsURL: String?
    public var resultsPassword: String?
    public var config: TallyConfig?

    /// - Throws: ``ConfigError`` when a configured password cannot be read.
    public static func resolve(
        databaseFlag: String?, resultsFlag: String?, config: TallyConfig?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> StoreDatabases {
        StoreDatabases(
            databaseURL: databaseFlag ?? config?.database?.url ?? environment["DATABASE_URL"],
            databasePassword: databaseFlag == nil ? try config?.database?.password(key: "database") : nil,
            resultsURL: resultsFlag ?? config?.results?.url ?? environment["TALLY_RESULTS_URL"],
            resultsPassword: resultsFlag == nil ? try config?.results?.password(key: "results") : nil,
            config: config)
    }

    /// The connection to the `tally` schema: the results database, else the payments database.
    public func connectStore() throws -> PostgresConnection {
        if let resultsURL { return try PostgresConnection(url: resultsURL, password: resultsPassword) }
        return try PostgresConnection(url: databaseURL, password: databasePassword)
    }
}
