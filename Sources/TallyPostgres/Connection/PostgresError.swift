/// A failure talking to PostgreSQL, with the SQLSTATE when the server sent one.
///
/// The description never contains a password or a full connection string: libpq's own messages
/// name the host and port only, and the URL is never interpolated.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; a struct over a private enum so codes can grow.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case connection, query, stream, protocolViolation }
        private var base: Base
        public static let connection = Code(base: .connection)
        public static let query = Code(base: .query)
        public static let stream = Code(base: .stream)
        public static let protocolViolation = Code(base: .protocolViolation)
        public var description: String {
            switch base {
            case .connection: "connection"
            case .query: "query"
            case .stream: "stream"
            case .protocolViolation: "protocol"
            }
        }
    }

    public var code: Code
    /// What happened, in libpq's or the server's words (one line).
    public var message: String
    /// The five-character SQLSTATE (`42P01`, `57014`, …) when the server reported one.
    public var sqlState: String?

    public init(code: Code, message: String, sqlState: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
    }

    /// True when the database could not be reached or the connection broke (exit status 69).
    public var isConnectionFailure: Bool {
        code == .connection || sqlState.map { $0.hasPrefix("08") || $0 == "57P01" || $0 == "57P03" } ?? false
    }

    public var description: String {
        var text = message
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        return text
    }
}
