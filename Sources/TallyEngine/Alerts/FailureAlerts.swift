import TallyAlerts
import TallyPostgres

/// The alert of a run that failed (exit status other than 0 or 1).
///
/// It goes to the outbox like any alert when the store can be reached; when it cannot (the usual
/// reason a run fails to write), it is spooled under the state directory, and the next `tally`
/// invocation that reaches the store moves it into the outbox and delivers it.
public enum FailureAlerts {
    /// Where the failure alert went.
    public enum Disposition: Sendable, Hashable {
        /// No endpoint wants failure alerts.
        case none
        /// In the outbox; the counts of the delivery attempted right away.
        case queued(AlertDispatcher.Counts?)
        /// In the spool, because the store could not be used.
        case spooled(directory: String)
        /// Neither worked (logged).
        case lost
    }

    /// - Parameter storeURL: the libpq URL of the database holding the tally schema.
    @discardableResult
    public static func send(
        _ failure: RunFailure, settings: AlertSettings, storeURL: String?, password: String? = nil,
        log: @escaping (String) -> Void
    ) -> Disposition {
        let messages = AlertMessages.failure(failure, rules: settings.rules)
        guard !messages.isEmpty else { return .none }
        let storeProblem: any Error
        do {
            let connection = try PostgresConnection(url: storeURL, password: password)
            defer { connection.close() }
            if failure.exitStatus == 64 {
                // A configuration error may be a URL naming the wrong database (issue 17 C): create
                // no schema there; without one the alert waits in the spool for a store that has it.
                guard try Migrations.currentVersion(connection) != nil else { throw NoSchemaForTheAlert() }
            } else {
                try Migrations.migrate(connection)
            }
            try AlertOutbox(connection: connection).enqueue(messages)
            log("alerts: queued the failure alert for \(messages.count) endpoint\(messages.count == 1 ? "" : "s")")
            return .queued(settings.deliver(store: connection, log: log))
        } catch {
            storeProblem = error
        }
        let spool = AlertSpool(stateDirectory: settings.stateDirectory)
        do {
            try spool.spool(messages)
            log(
                "alerts: the store cannot take the failure alert (\(storeProblem)); it waits in \(spool.directory) for the next tally invocation that reaches the store"
            )
            return .spooled(directory: spool.directory)
        } catch {
            log("warning: alerts: the failure alert could not be stored (\(storeProblem)) nor spooled (\(error))")
            return .lost
        }
    }
}

/// A failure alert of a configuration error, for a store without the `tally` schema.
struct NoSchemaForTheAlert: Error, CustomStringConvertible {
    var description: String { "the database has no tally schema, and a configuration error creates none" }
}
