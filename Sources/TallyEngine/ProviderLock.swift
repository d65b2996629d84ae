import TallyPostgres

/// The per-provider advisory lock that keeps two runs of one provider apart.
///
/// A session-level lock: PostgreSQL releases it when the connection drops, so a crashed run can
/// never leave it behind.
public struct ProviderLock: Sendable {
    public var provider: String

    public init(provider: String) { self.provider = provider }

    var key: String { "tally:provider:\(provider)" }

    /// - Throws: ``RunError`` `.locked` (exit 75) when another session holds it.
    public func acquire(_ connection: PostgresConnection) throws {
        let rows = try connection.query("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", [key])
        guard rows.first?.first == "t" else {
            throw RunError(
                code: .locked,
                message: "another run of provider '\(provider)' holds its lock; retry when it has finished.")
        }
    }

    public func release(_ connection: PostgresConnection) {
        _ = try? connection.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key])
    }
}
