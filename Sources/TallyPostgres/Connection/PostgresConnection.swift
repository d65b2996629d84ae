internal import CLibPQ

#if canImport(Glibc)
import Glibc
#endif

/// Owns one libpq connection (`PGconn *`).
///
/// Not `Sendable`: a `PGconn` must never be used from two tasks at once, so a connection stays
/// with the one task that opened it. Every call is blocking; a run does a few long streams and a
/// handful of small statements, never many small calls.
///
/// ```swift
/// let db = try PostgresConnection(url: "postgresql:///tally?host=/path/.tally/socket&port=5433")
/// let rows = try db.query("SELECT count(*) FROM payments WHERE provider = $1", ["acmepay"])
/// ```
public final class PostgresConnection {
    private var raw: OpaquePointer?

    /// Opens a connection from a libpq URL or `key=value` string; `nil` uses libpq's `PG*`
    /// environment variables alone. Sets `fallback_application_name=tally`, a 10 s connect timeout
    /// unless one is given, and pins the session to `TimeZone=UTC`, `DateStyle=ISO`.
    ///
    /// The string is parsed by ``ConnectionString`` and libpq gets its keywords and values only
    /// (`expand_dbname = 0`), so no libpq error can quote the string or the password in it.
    ///
    /// - Parameter password: a password kept out of the URL (from an environment variable or a
    ///   secret file named in the config); it overrides any in the URL and is never logged.
    /// - Throws: ``PostgresError`` with code `.configuration` (exit status 64) for a malformed
    ///   string, an unknown database or role, or a refused password; `.connection` (69) when the
    ///   server cannot be reached.
    public init(url: String?, password: String? = nil, applicationName: String = "tally") throws(PostgresError) {
        var keywords = ["fallback_application_name"]
        var values = [applicationName]
        if getenv("PGCONNECT_TIMEOUT") == nil {
            keywords.append("connect_timeout")
            values.append("10")
        }
        var secrets: [String] = []
        if let url, !url.isEmpty {
            for parameter in try ConnectionString.parse(url).parameters {
                keywords.append(parameter.keyword)
                values.append(parameter.value)
                if parameter.keyword == "password" { secrets.append(parameter.value) }
            }
        }
        // last, so that it overrides what the URL says
        if let password {
            keywords.append("password")
            values.append(password)
            secrets.append(password)
        }
        let connection = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 0)
            }
        }
        guard let connection else {
            throw PostgresError(code: .connection, message: "cannot connect to PostgreSQL: out of memory")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.redacting(secrets, in: Self.oneLine(PQerrorMessage(connection)))
            let target = Self.describeTarget(connection)
            let refusal = PQconnectionNeedsPassword(connection) == 1 ? ConnectRefusal.noPassword : ConnectRefusal(message)
            PQfinish(connection)
            guard let refusal else {
                throw PostgresError(code: .connection, message: "cannot connect to PostgreSQL \(target): \(message)")
            }
            throw PostgresError(
                code: .configuration,
                message: "cannot connect to PostgreSQL \(target): \(message): \(refusal.hint)", sqlState: refusal.sqlState)
        }
        raw = connection
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        try execute("SET TIME ZONE 'UTC'")
        try execute("SET DateStyle TO ISO")
    }

    /// The connection keywords this libpq knows (`host`, `sslmode`, …), for ``ConnectionString``.
    public static let keywords: Set<String> = {
        guard let defaults = PQconndefaults() else { return [] }
        defer { PQconninfoFree(defaults) }
        var names: Set<String> = []
        var option = defaults
        while let keyword = option.pointee.keyword {
            names.insert(String(cString: keyword))
            option += 1
        }
        return names
    }()

    /// `text` with every non-empty secret replaced: a last guard should libpq ever quote one.
    static func redacting(_ secrets: [String], in text: String) -> String {
        secrets.filter { !$0.isEmpty }.reduce(text) { $0.replacing($1, with: "***") }
    }

    deinit { close() }

    /// Closes the connection; later calls fail with a connection error.
    public func close() {
        if let raw { PQfinish(raw) }
        raw = nil
    }

    /// "at host H port P" as libpq resolved them; never the password or the full URL.
    public var target: String {
        guard let raw else { return "(closed)" }
        return Self.describeTarget(raw)
    }

    private static func describeTarget(_ connection: OpaquePointer) -> String {
        let host = PQhost(connection).map { String(cString: $0) } ?? "localhost"
        let port = PQport(connection).map { String(cString: $0) } ?? "5432"
        let database = PQdb(connection).map { String(cString: $0) } ?? ""
        return "at host \(host.isEmpty ? "localhost" : host) port \(port.isEmpty ? "5432" : port)"
            + (database.isEmpty ? "" : " database \(database)")
    }

    static func oneLine(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        let text = String(cString: message)
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
            .joined(separator: "; ")
    }

    func handle() throws(PostgresError) -> OpaquePointer {
        guard let raw, PQstatus(raw) == CONNECTION_OK else {
            throw PostgresError(code: .connection, message: "the connection to PostgreSQL is closed or broken")
        }
        return raw
    }

    /// Runs one statement with text parameters `$1…$n` and returns all rows as text.
    ///
    /// Meant for small results (lookups, locks, counts): the whole result is held in memory. Use
    /// ``stream(_:_:row:)`` for the ledger.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> [[String?]] {
        let connection = try handle()
        let result = withParameters(parameters) { count, pointers in
            PQexecParams(connection, sql, count, nil, pointers, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result, connection: connection)
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var values: [String?] = []
            for column in 0..<columnCount {
                values.append(
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column)))
            }
            rows.append(values)
        }
        return rows
    }

    /// The names of the columns a query returns, without fetching a row (`LIMIT 0` around it).
    public func columnNames(of sql: String, _ parameters: [String?] = []) throws(PostgresError) -> [String] {
        try describe(sql, parameters) { result in (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) } }
    }

    /// The type OIDs of the columns a query returns, without fetching a row.
    public func columnTypes(of sql: String, _ parameters: [String?] = []) throws(PostgresError) -> [UInt32] {
        try describe(sql, parameters) { result in (0..<PQnfields(result)).map { UInt32(PQftype(result, $0)) } }
    }

    private func describe<T>(_ sql: String, _ parameters: [String?], _ read: (OpaquePointer?) -> T) throws(PostgresError) -> T {
        let connection = try handle()
        let wrapped = "SELECT * FROM (\n\(sql)\n) AS tally_described LIMIT 0"
        let result = withParameters(parameters) { count, pointers in
            PQexecParams(connection, wrapped, count, nil, pointers, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result, connection: connection)
        return read(result)
    }

    /// Runs a statement that returns no rows (or whose rows are not needed).
    public func execute(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) {
        try query(sql, parameters)
    }

    /// Streams the rows of one query in libpq's single-row mode: each row is handed to `row` as it
    /// arrives and freed right after, so memory stays flat whatever the result size.
    ///
    /// It takes bind parameters natively, so it streams a configured ledger query (whose `$1`…`$3`
    /// a COPY could not bind) and the lookups; the canonical window goes through ``copyOut(_:message:)``,
    /// which costs the client less per row.
    ///
    /// - Returns: the number of rows streamed.
    @discardableResult
    public func stream(_ sql: String, _ parameters: [String?] = [], row: (RowView) throws -> Void) throws -> Int {
        let connection = try handle()
        let sent = withParameters(parameters) { count, pointers in
            PQsendQueryParams(connection, sql, count, nil, pointers, nil, nil, 0)
        }
        guard sent == 1 else {
            throw Self.failure(connection, .query, Self.oneLine(PQerrorMessage(connection)))
        }
        guard PQsetSingleRowMode(connection) == 1 else {
            // libpq refuses when a result is already there: most often the error of a lost server
            var refusal = PostgresError(code: .stream, message: "libpq refused single-row mode")
            while let result = PQgetResult(connection) {
                defer { PQclear(result) }
                do throws(PostgresError) { try check(result, connection: connection) } catch { refusal = error }
            }
            throw refusal.code == .stream ? Self.failure(connection, .stream, refusal.message) : refusal
        }
        var rows = 0
        var failure: (any Error)?
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            guard failure == nil else { continue }  // keep draining after an error
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE:
                rows += 1
                do { try row(RowView(result: result)) } catch { failure = error }
            case PGRES_TUPLES_OK:
                break
            default:
                do throws(PostgresError) { try check(result, connection: connection) } catch { failure = error }
            }
        }
        if let failure { throw failure }
        return rows
    }

    /// Runs a `COPY (…) TO STDOUT` statement and hands each CopyData message to `message` as it
    /// arrives (for `FORMAT binary`, one row per message after the first, which also carries the
    /// file header; the last message is the trailer). COPY takes no bind parameters: values reach
    /// it through `set_config` in the same transaction (see ``LedgerSource``).
    ///
    /// Used for the ledger window because it costs the client the least per row: no `PGresult`
    /// per row as in single-row mode, and in binary the server formats no timestamps (../shared/TECH-NOTES.md §1.2).
    ///
    /// - Returns: the number of messages received.
    @discardableResult
    public func copyOut(_ sql: String, message: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Int {
        let connection = try startCopy(sql, PGRES_COPY_OUT, "a COPY … TO STDOUT")
        var messages = 0
        var failure: (any Error)?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(connection, &buffer, 0)
            guard length > 0, let buffer else { break }  // -1: done, -2: failed (the result says why)
            defer { PQfreemem(buffer) }
            guard failure == nil else { continue }  // keep reading to the end after an error
            messages += 1
            do {
                try buffer.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
                    try message(UnsafeBufferPointer(start: $0, count: Int(length)))
                }
            } catch { failure = error }
        }
        let outcome = Result { () throws(PostgresError) in try finishCopy(connection) }
        if let failure { throw failure }
        try outcome.get()
        return messages
    }

    /// Sends a COPY statement and checks that the server entered the expected COPY state.
    func startCopy(_ sql: String, _ state: ExecStatusType, _ what: String) throws(PostgresError) -> OpaquePointer {
        let connection = try handle()
        guard let started = PQexec(connection, sql) else {
            throw Self.failure(connection, .query, Self.oneLine(PQerrorMessage(connection)))
        }
        defer { PQclear(started) }
        guard PQresultStatus(started) == state else {
            try check(started, connection: connection)
            throw PostgresError(code: .query, message: "the statement is not \(what)")
        }
        return connection
    }

    /// Reads the results that end a COPY; throws the first error among them.
    func finishCopy(_ connection: OpaquePointer) throws(PostgresError) {
        var failure: PostgresError?
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            if failure == nil {
                do throws(PostgresError) { try check(result, connection: connection) } catch { failure = error }
            }
        }
        if let failure { throw failure }
    }

    func check(_ result: OpaquePointer?, connection: OpaquePointer) throws(PostgresError) {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
            return
        default:
            let sqlState = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map {
                String(cString: $0)
            }
            let message =
                result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "M"))) }.map { String(cString: $0) }
                ?? Self.oneLine(PQerrorMessage(connection))
            throw Self.failure(connection, .query, message, sqlState: sqlState)
        }
    }

    /// An error of `code`, unless the connection is broken by now: then it is a lost server
    /// (`.connection`, exit 69) whatever the call that noticed it, since a query, a COPY or a send
    /// on a dead socket reports no SQLSTATE.
    static func failure(
        _ connection: OpaquePointer, _ code: PostgresError.Code, _ message: String, sqlState: String? = nil
    ) -> PostgresError {
        let broken = PQstatus(connection) != CONNECTION_OK
        return PostgresError(code: broken ? .connection : code, message: message, sqlState: sqlState)
    }

    /// Quotes a value as an SQL string literal with libpq (`'it''s'`), for the one statement that
    /// cannot take parameters (COPY); see ``LedgerSource``.
    public func quoteLiteral(_ value: String) throws(PostgresError) -> String {
        try quote(value) { PQescapeLiteral($0, $1, $2) }
    }

    /// Quotes an identifier from configuration with libpq (`"Payments""; DROP …"`).
    public func quoteIdentifier(_ identifier: String) throws(PostgresError) -> String {
        try quote(identifier) { PQescapeIdentifier($0, $1, $2) }
    }

    private func quote(
        _ text: String, _ escape: (OpaquePointer, String, Int) -> UnsafeMutablePointer<CChar>?
    ) throws(PostgresError) -> String {
        let connection = try handle()
        guard let quoted = escape(connection, text, text.utf8.count) else {
            throw Self.failure(connection, .query, Self.oneLine(PQerrorMessage(connection)))
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    /// The server's version number, e.g. 150018.
    public var serverVersion: Int {
        guard let raw else { return 0 }
        return Int(PQserverVersion(raw))
    }
}

/// One row of a streamed result, valid only inside the callback.
public struct RowView {
    let result: OpaquePointer

    public var columnCount: Int { Int(PQnfields(result)) }

    public func isNull(_ column: Int) -> Bool { PQgetisnull(result, 0, Int32(column)) == 1 }

    /// The text bytes of a column, without a copy (empty for NULL).
    public func bytes(_ column: Int) -> UnsafeBufferPointer<UInt8> {
        let length = Int(PQgetlength(result, 0, Int32(column)))
        let pointer = UnsafeRawPointer(PQgetvalue(result, 0, Int32(column))!).assumingMemoryBound(to: UInt8.self)
        return UnsafeBufferPointer(start: pointer, count: length)
    }

    public func string(_ column: Int) -> String? {
        isNull(column) ? nil : String(decoding: bytes(column), as: UTF8.self)
    }
}

private func withCStringArray<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return body(pointers.map { $0.map { UnsafePointer($0) } })
}

/// Text parameters as C strings for `PQexecParams`, alive for the duration of `body`.
func withParameters<R>(_ parameters: [String?], _ body: (Int32, [UnsafePointer<CChar>?]) -> R) -> R {
    let pointers: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0) } }
    defer { for pointer in pointers { free(pointer) } }
    return body(Int32(parameters.count), pointers.map { $0.map { UnsafePointer($0) } })
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
