import Foundation
import TallyAlerts
import TallyPostgres

/// How a run alerts: the rules, where failure alerts wait when the store is down, how long the
/// run itself keeps retrying, and the transport (the real HTTP client unless a test gives one).
public struct AlertSettings: Sendable {
    public var rules: AlertRules
    /// `--state-dir`: holds `alert-spool/`.
    public var stateDirectory: String
    /// How long a run retries its alerts before leaving them to `tally alerts deliver`.
    public var budgetSeconds: Double
    /// `nil`: ``TallyAlerts/AsyncHTTPClientTransport``.
    public var transport: (any AlertTransport)?

    public static let defaultStateDirectory = ".tally/state"

    public init(
        rules: AlertRules, stateDirectory: String = defaultStateDirectory, budgetSeconds: Double = 60,
        transport: (any AlertTransport)? = nil
    ) {
        self.rules = rules
        self.stateDirectory = stateDirectory
        self.budgetSeconds = budgetSeconds
        self.transport = transport
    }

    /// Moves spooled failure alerts into the outbox, then delivers what is due within the budget.
    ///
    /// Never throws: a delivery problem is logged and left to the next attempt, it never fails a run.
    ///
    /// - Returns: the delivery counts, or nil when the outbox could not be used.
    public func deliver(
        store: PostgresConnection, budgetSeconds: Double? = nil, log: @escaping (String) -> Void
    ) -> AlertDispatcher.Counts? {
        let outbox = AlertOutbox(connection: store)
        do {
            let moved = try AlertSpool(stateDirectory: stateDirectory).drain(into: outbox)
            if moved > 0 { log("alerts: moved \(moved) spooled failure alert\(moved == 1 ? "" : "s") into the outbox") }
        } catch {
            log("warning: alerts: the spool in \(stateDirectory) could not be moved into the outbox: \(error)")
        }
        let transport = self.transport ?? AsyncHTTPClientTransport()
        defer { if self.transport == nil { transport.shutdown() } }
        do {
            let counts = try AlertDispatcher(rules: rules, transport: transport, log: { log("alerts: \($0)") })
                .deliver(outbox, budgetSeconds: budgetSeconds ?? self.budgetSeconds)
            return counts
        } catch {
            log("warning: alerts: delivery stopped: \(error); pending alerts stay in the outbox")
            return nil
        }
    }
}
