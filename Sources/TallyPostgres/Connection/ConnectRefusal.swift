/// A connection the server refused for a reason no retry cures: an unknown database or role, a
/// wrong or missing password, a `pg_hba.conf` without a line for this client.
///
/// libpq keeps no SQLSTATE for a failed connection (it has no `PGresult` to ask), so the server's
/// refusal is recognised by its message, in the English every stock server sends unless its
/// `lc_messages` says otherwise; an unrecognised refusal stays a connection failure (exit 69), as
/// before. The SQLSTATE set is the one the server sent with that message.
struct ConnectRefusal {
    var sqlState: String
    /// What to fix, said after libpq's message.
    var hint: String

    static let checkURL = "check the database URL (--database-url, the config's database.url, or DATABASE_URL)"

    /// libpq found that the server wants a password and none was given (`PQconnectionNeedsPassword`).
    static let noPassword = ConnectRefusal(
        sqlState: "28P01",
        hint: "no password was given: put it in the URL, the config's password_env or password_file, PGPASSWORD or ~/.pgpass")

    init(sqlState: String, hint: String) {
        self.sqlState = sqlState
        self.hint = hint
    }

    /// The refusal in libpq's message, or nil when the message is not one.
    init?(_ message: String) {
        func has(_ parts: String...) -> Bool { parts.allSatisfy { message.contains($0) } }
        if has("database \"", "\" does not exist") {
            self.init(sqlState: "3D000", hint: "no such database: \(Self.checkURL)")
        } else if has("role \"", "\" does not exist") {
            self.init(sqlState: "28000", hint: "no such role: \(Self.checkURL)")
        } else if has("password authentication failed") {
            self.init(sqlState: "28P01", hint: "the password is wrong: \(Self.checkURL) and its password")
        } else if has("authentication failed for user") {
            self.init(sqlState: "28000", hint: "the server refused this user: \(Self.checkURL)")
        } else if has("no pg_hba.conf entry") {
            self.init(sqlState: "28000", hint: "the server's pg_hba.conf does not admit this user, database and host")
        } else if has("permission denied for database") {
            self.init(sqlState: "42501", hint: "the role lacks CONNECT on the database: grant it, or \(Self.checkURL)")
        } else {
            return nil
        }
    }
}
