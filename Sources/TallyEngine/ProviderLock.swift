import Foundation
import TallyCore
import TallyPostgres

/// The per-provider advisory lock that keeps two runs of one provider apart.
///
/// A session-level lock: PostgreSQL releases it when the connection drops, so a crashed run can
/// never leave it behind.
public struct ProviderLock: Sendable {
    public var provider: String

    public init(provider: String) { self.provider = provider }

    var key: String { "tally:provider:\(provider)" }

    /// Takes the lock, waiting up to `waitSeconds` for another run to release it.
    ///
    /// - Parameter holder: describes the run holding the lock (read from the store) for the message.
    /// - Throws: ``RunError`` `.locked` (exit 75) when another session still holds it.
    public func acquire(_ connection: PostgresConnection, waitSeconds: Int? = nil, holder: () -> String? = { nil })
        throws
    {
        let deadline = Date().addingTimeInterval(TimeInterval(waitSeconds ?? 0))
        while true {
            let rows = try connection.query("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", [key])
            if rows.first?.first == "t" { return }
            if waitSeconds == nil || Date() >= deadline { break }
            Thread.sleep(forTimeInterval: 0.25)
        }
        // The holder's run row is written a moment after it takes the lock: until then, name the
        // session that holds it (its application_name says which run, see ``applicationName(runID:)``).
        let who = (holder() ?? holdingSession(connection)).map { ": \($0)" } ?? ""
        let waited = waitSeconds.map { " after waiting \($0) s" } ?? ""
        throw RunError(
            code: .locked,
            message:
                "another run of provider '\(provider)' holds its lock\(who)\(waited); retry when it has finished, or pass --wait."
        )
    }

    /// The application name a run's store connection carries, so that a run that finds the lock
    /// taken can name the holder before the holder has stored its run row.
    public static func applicationName(runID: String) -> String { "tally run \(runID)" }

    /// The session holding the lock, from `pg_locks`: "run ID (session pid N, connected at T)".
    func holdingSession(_ connection: PostgresConnection) -> String? {
        let rows = try? connection.query(
            """
            SELECT a.application_name, a.pid::text,
                   to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid,
                 (SELECT hashtextextended($1, 0) AS k) key
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid = ((key.k >> 32) & 4294967295)::oid AND l.objid = (key.k & 4294967295)::oid
            LIMIT 1
            """, [key])
        guard let row = rows?.first, let pid = row[1] else { return nil }
        let name = row[0] ?? ""
        let prefix = "tally run "
        let who =
            name.hasPrefix(prefix)
            ? "run \(name.dropFirst(prefix.count)) (starting)"
            : "a session named '\(TerminalText.escaped(name, keepingLayout: false))'"
        return "\(who), PostgreSQL session \(pid) connected at \(row[2] ?? "?")"
    }

    public func release(_ connection: PostgresConnection) {
        _ = try? connection.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key])
    }
}
