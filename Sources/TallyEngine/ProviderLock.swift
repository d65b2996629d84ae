import Foundation
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
        let who = holder().map { ": \($0)" } ?? ""
        let waited = waitSeconds.map { " after waiting \($0) s" } ?? ""
        throw RunError(
            code: .locked,
            message:
                "another run of provider '\(provider)' holds its lock\(who)\(waited); retry when it has finished, or pass --wait.")
    }

    public func release(_ connection: PostgresConnection) {
        _ = try? connection.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key])
    }
}
