/// A failure talking to PostgreSQL, with the SQLSTATE when the server sent one.
///
/// The description never contains a password or a full connection string: connection strings
/// are parsed by ``ConnectionString`` (whose errors quote nothing), libpq only ever sees their
/// keywords and values, and its messages name the host, port, user and database at most.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; a struct over a private enum so codes can grow.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case connection, query, stream, protocolViolation, configuration }
        private var base: Base
        /// The server could not be reached, or the connection to it broke.
        public static let connection = Code(base: .connection)
        public static let query = Code(base: .query)
        public static let stream = Code(base: .stream)
        public static let protocolViolation = Code(base: .protocolViolation)
        /// The connection string or the database it names is wrong: what the operator must fix.
        public static let configuration = Code(base: .configuration)
        public var description: String {
            switch base {
            case .connection: "connection"
            case .query: "query"
            case .stream: "stream"
            case .protocolViolation: "protocol"
            case .configuration: "configuration"
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

    /// What a failure means to whoever runs Tally: the one classification of libpq failures
    /// (docs/operations.md, "Exit codes").
    public enum Classification: Sendable, Hashable {
        /// The server is away or the connection broke: a retry may succeed (exit 69).
        case unavailable
        /// The URL, the database, the role, the password or the ledger table is wrong: a retry
        /// changes nothing until someone fixes the configuration (exit 64).
        case configuration
        /// Anything else: a bug or an unexpected server error (exit 70).
        case other
    }

    /// SQLSTATEs a retry can cure: connection exceptions (class 08), too many connections,
    /// shutdown and crash recovery, a server still starting.
    static let retryableStates: Set<String> = ["53300", "57P01", "57P02", "57P03"]
    /// SQLSTATEs that name a configuration mistake wherever they come from: the database does not
    /// exist, the role or its password is wrong (or pg_hba.conf refuses it), no CONNECT privilege
    /// on the database.
    static let configurationStates: Set<String> = ["3D000", "28000", "28P01"]

    /// libpq's words for a lost server when it reports no SQLSTATE (a query, a COPY or a send
    /// that found the socket closed); matched in its English messages, which is what libpq prints
    /// unless translations are installed and chosen, so a translated one falls to ``code``.
    static let lostConnectionPhrases = [
        "server closed the connection unexpectedly", "no connection to the server", "could not send data to server",
        "could not receive data from server", "connection to server was lost", "SSL SYSCALL error",
        "terminating connection", "lost synchronization with server", "the connection to PostgreSQL is closed or broken",
    ]

    public var classification: Classification {
        if code == .configuration { return .configuration }
        if let sqlState {
            if Self.configurationStates.contains(sqlState) { return .configuration }
            if sqlState.hasPrefix("08") || Self.retryableStates.contains(sqlState) { return .unavailable }
        }
        if code == .connection { return .unavailable }
        // A stream or protocol failure, or a query error without a SQLSTATE, that is in fact
        // the server going away (the cause of exit 70 in issue 17's shutdowns).
        if sqlState == nil, Self.lostConnectionPhrases.contains(where: { message.contains($0) }) { return .unavailable }
        return .other
    }

    /// True when the database could not be reached or the connection broke (exit status 69).
    public var isConnectionFailure: Bool { classification == .unavailable }

    /// True when the connection string or what it names is wrong (exit status 64).
    public var isConfigurationError: Bool { classification == .configuration }

    public var description: String {
        var text = message
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        return text
    }
}
