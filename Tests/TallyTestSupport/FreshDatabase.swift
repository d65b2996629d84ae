import Foundation
import TallyPostgres
import Testing

/// Where the private test cluster is: `TALLY_DATABASE_URL`, else `.tally/database-url` written by
/// `scripts/pg.sh start` (what `make test` runs first).
public enum TestCluster {
    public static func adminURL() throws -> String {
        if let url = ProcessInfo.processInfo.environment["TALLY_DATABASE_URL"], !url.isEmpty { return url }
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent(".tally/database-url")
            if let text = try? String(contentsOf: candidate, encoding: .utf8) {
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            directory = directory.deletingLastPathComponent()
        }
        throw ClusterMissing()
    }

    /// The admin URL pointed at another database of the same cluster.
    public static func url(database: String, admin: String) -> String {
        admin + (admin.contains("?") ? "&" : "?") + "dbname=\(database)"
    }

    /// The repository root (for samples/ and the built binary).
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}

/// Thrown when no private cluster is running: integration tests fail loudly, never skip.
public struct ClusterMissing: Error, CustomStringConvertible {
    public var description: String {
        "no test PostgreSQL: run `make test` (it starts the private cluster under .tally/) or set TALLY_DATABASE_URL"
    }
}

/// Gives each suite (or test) its own empty database, `tally_test_<random>`, dropped afterwards.
///
/// ```swift
/// @Suite(.freshDatabase) struct LedgerTests {
///     @Test func streams() throws { let db = try PostgresConnection(url: FreshDatabase.url) … }
/// }
/// ```
public struct FreshDatabase: SuiteTrait, TestTrait, TestScoping {
    @TaskLocal public static var url: String = ""

    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let admin = try TestCluster.adminURL()
        let name = "tally_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let adminConnection = try PostgresConnection(url: admin)
        try adminConnection.execute("CREATE DATABASE \(name)")
        adminConnection.close()
        defer {
            if let cleanup = try? PostgresConnection(url: admin) {
                try? cleanup.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                cleanup.close()
            }
        }
        try await FreshDatabase.$url.withValue(TestCluster.url(database: name, admin: admin)) {
            try await function()
        }
    }
}

extension Trait where Self == FreshDatabase {
    /// A fresh, empty database for this suite or test.
    public static var freshDatabase: FreshDatabase { FreshDatabase() }
}
