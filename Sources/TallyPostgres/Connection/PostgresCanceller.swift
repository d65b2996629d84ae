internal import CLibPQ

/// Asks the server to cancel whatever a connection is running, from any thread.
///
/// `@unchecked Sendable` is safe: libpq documents `PQcancel` as callable from another thread (or a
/// signal handler) while the connection is busy, and the `PGcancel` object is never mutated after
/// `PQgetCancel` created it.
public final class PostgresCanceller: @unchecked Sendable {
    private let raw: OpaquePointer?

    init(_ connection: OpaquePointer?) { raw = connection.flatMap { PQgetCancel($0) } }

    /// A canceller that does nothing (for a connection that could not give one).
    static var none: PostgresCanceller { PostgresCanceller(nil) }

    deinit { if let raw { PQfreeCancel(raw) } }

    /// Sends the cancel request; the running statement then fails with SQLSTATE 57014.
    public func cancel() {
        guard let raw else { return }
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(raw, &buffer, Int32(buffer.count))
    }
}

extension PostgresConnection {
    /// A canceller for this connection; create it before handing the connection to another thread.
    public func makeCanceller() throws(PostgresError) -> PostgresCanceller {
        PostgresCanceller(try handle())
    }
}
