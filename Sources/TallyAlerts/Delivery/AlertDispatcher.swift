import Foundation
import TallyPostgres

/// Delivers what the outbox holds for the configured endpoints: claims due alerts, signs and
/// sends each, and records it delivered, due again after a backoff, or dead.
///
/// Bounded in time: every alert due now is tried once; then, while the budget lasts, the
/// dispatcher waits for the next alert coming due and tries it. What is left stays pending for
/// the next run or `tally alerts deliver`. Alerts for endpoint names the configuration does not
/// know are left alone (their URL and secret are not stored anywhere).
///
/// ```swift
/// let counts = try AlertDispatcher(rules: rules, transport: AsyncHTTPClientTransport())
///     .deliver(AlertOutbox(connection: store), budgetSeconds: 60)
/// ```
public struct AlertDispatcher {
    public var rules: AlertRules
    public var transport: any AlertTransport
    /// One line per attempt for the operator (no URL, no secret).
    public var log: (String) -> Void
    public var now: () -> Date
    public var sleep: (Double) -> Void
    /// A random number in `[0, 1)` for the jitter.
    public var unit: () -> Double

    public init(
        rules: AlertRules, transport: any AlertTransport, log: @escaping (String) -> Void = { _ in },
        now: @escaping () -> Date = Date.init, sleep: @escaping (Double) -> Void = { Thread.sleep(forTimeInterval: $0) },
        unit: @escaping () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.rules = rules
        self.transport = transport
        self.log = log
        self.now = now
        self.sleep = sleep
        self.unit = unit
    }

    /// What one delivery pass did.
    public struct Counts: Sendable, Hashable {
        public var attempted = 0
        public var delivered = 0
        /// Attempts that failed and were scheduled again.
        public var retried = 0
        public var dead = 0

        public init() {}
    }

    /// Delivers due alerts for at most about `budgetSeconds` (plus one request's timeout).
    ///
    /// - Throws: ``TallyPostgres/PostgresError`` when the outbox cannot be read or updated; a
    ///   failed delivery is never an error.
    public func deliver(_ outbox: AlertOutbox, budgetSeconds: Double) throws -> Counts {
        let names = rules.endpoints.map(\.name)
        var counts = Counts()
        guard !names.isEmpty else { return counts }
        let deadline = now().addingTimeInterval(max(0, budgetSeconds))
        let lease = (rules.endpoints.map(\.timeouts.requestSeconds).max() ?? 15) + 60
        while true {
            var tried: Set<Int64> = []
            while true {
                let batch = try outbox.claimDue(endpoints: names, limit: 10, leaseSeconds: lease, excluding: tried)
                if batch.isEmpty { break }
                for message in batch {
                    tried.insert(message.id)
                    try attempt(message, outbox: outbox, counts: &counts)
                }
            }
            guard let wait = try outbox.secondsUntilNextDue(endpoints: names) else { break }
            let remaining = deadline.timeIntervalSince(now())
            guard remaining > 0, wait <= remaining else { break }
            if wait > 0 { sleep(wait) }
        }
        return counts
    }

    private func attempt(_ message: AlertOutbox.Claimed, outbox: AlertOutbox, counts: inout Counts) throws {
        guard let endpoint = rules.endpoint(named: message.endpoint) else { return }
        counts.attempted += 1
        let body = Array(message.body.utf8)
        let timestamp = Int64(now().timeIntervalSince1970)
        let request = WebhookRequest(
            url: endpoint.url.url,
            headers: StandardWebhooks.headers(id: message.webhookID, timestamp: timestamp, body: body, secret: endpoint.secret),
            body: body, timeouts: endpoint.timeouts)
        let response: Result<WebhookResponse, TransportError>
        do { response = .success(try transport.send(request)) } catch { response = .failure(error) }
        let label =
            "alert \(message.id) (\(message.webhookID)) to \(endpoint.name), attempt \(message.attempts) of \(endpoint.retry.maxAttempts)"
        switch AttemptOutcome.classify(response, now: now()) {
        case .delivered(let status):
            try outbox.markDelivered(id: message.id, status: status)
            counts.delivered += 1
            log("\(label): delivered (HTTP \(status))")
        case .retry(let status, let reason, let retryAfter):
            if message.attempts >= endpoint.retry.maxAttempts {
                try outbox.markDead(
                    id: message.id, status: status, error: "gave up after \(message.attempts) attempts: \(reason)")
                counts.dead += 1
                log("\(label): \(reason); no attempts left, dead")
                return
            }
            let delay = endpoint.retry.delay(afterAttempt: message.attempts, retryAfter: retryAfter, unit: unit())
            try outbox.scheduleRetry(id: message.id, status: status, error: reason, afterSeconds: delay)
            counts.retried += 1
            log("\(label): \(reason); retry in \(Self.seconds(delay))")
        case .dead(let status, let reason):
            try outbox.markDead(id: message.id, status: status, error: reason)
            counts.dead += 1
            log("\(label): \(reason); dead (tally alerts retry \(message.id) sends it again)")
        }
    }

    static func seconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.2f s", value) : "\(Int(value.rounded())) s"
    }
}
