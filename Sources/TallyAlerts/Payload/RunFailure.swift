import TallyCore
import TallyReport

/// A run that ended with an exit status other than 0 or 1, as its alert tells it.
public struct RunFailure: Sendable, Hashable {
    public var runID: String
    public var provider: String
    public var format: String
    public var from: String
    public var to: String
    public var exitStatus: Int32
    /// The exit status in words ("database or service unavailable").
    public var meaning: String
    /// The error's one-line description (never a URL or secret: the layers' errors redact them).
    public var message: String
    public var failedAt: Timestamp

    public init(
        runID: String, provider: String, format: String, from: String, to: String, exitStatus: Int32, meaning: String,
        message: String, failedAt: Timestamp
    ) {
        self.runID = runID
        self.provider = provider
        self.format = format
        self.from = from
        self.to = to
        self.exitStatus = exitStatus
        self.meaning = meaning
        self.message = message
        self.failedAt = failedAt
    }
}

/// Turns alerts into outbox messages: the body per endpoint style and its `webhook-id`.
public enum AlertMessages {
    public static let runEvent = "tally.run.alert"
    public static let failureEvent = "tally.run.failed"

    /// The outbox rows and told items of a finished run's alerts, for its commit.
    public static func run(_ alerts: [RunAlert], report: RunReport, reportPath: String?) -> AlertWrites {
        var writes = AlertWrites()
        for alert in alerts {
            let body = AlertPayload.body(for: alert, report: report, reportPath: reportPath)
            writes.messages.append(
                OutboxMessage(
                    webhookID: StandardWebhooks.webhookID(runID: report.runID, endpoint: alert.endpoint.name, body: body),
                    endpoint: alert.endpoint.name, event: runEvent, runID: report.runID, provider: report.provider,
                    body: body))
            writes.alerted += alert.told
        }
        return writes
    }

    /// One message per endpoint that wants to hear about failed runs.
    public static func failure(_ failure: RunFailure, rules: AlertRules) -> [OutboxMessage] {
        rules.endpoints.filter(\.triggers.runFailure).map { endpoint in
            let body: String
            switch endpoint.style {
            case .standard:
                body = AlertPayload.json([
                    "type": failureEvent, "timestamp": failure.failedAt.iso8601,
                    "data": [
                        "run": [
                            "id": failure.runID, "provider": failure.provider, "format": failure.format,
                            "window": ["from": failure.from, "to": failure.to],
                        ],
                        "exit_status": Int(failure.exitStatus), "meaning": failure.meaning, "error": failure.message,
                    ] as [String: Any],
                ])
            case .slack:
                body = SlackMessage.failure(failure)
            }
            return OutboxMessage(
                webhookID: StandardWebhooks.webhookID(runID: failure.runID, endpoint: endpoint.name, body: body),
                endpoint: endpoint.name, event: failureEvent, runID: failure.runID, provider: failure.provider, body: body)
        }
    }
}
