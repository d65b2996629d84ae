/// One alert for one endpoint, as written to `tally.alert_outbox`.
///
/// The body is the exact text that is sent and signed; the endpoint is a name that the delivering
/// process resolves against its own configuration, so no URL or secret is ever stored.
public struct OutboxMessage: Sendable, Hashable {
    /// The Standard Webhooks `webhook-id`: the same on every attempt.
    public var webhookID: String
    public var endpoint: String
    /// `tally.run.alert` or `tally.run.failed`.
    public var event: String
    public var runID: String?
    public var provider: String
    public var body: String

    public init(webhookID: String, endpoint: String, event: String, runID: String?, provider: String, body: String) {
        self.webhookID = webhookID
        self.endpoint = endpoint
        self.event = event
        self.runID = runID
        self.provider = provider
        self.body = body
    }
}

/// An open item an endpoint has been told about (and whether it was told of its escalation).
public struct AlertedItem: Sendable, Hashable {
    public var endpoint: String
    public var reference: String
    public var kind: TransactionKind
    public var firstSeen: CivilDate
    public var escalated: Bool

    public init(endpoint: String, reference: String, kind: TransactionKind, firstSeen: CivilDate, escalated: Bool) {
        self.endpoint = endpoint
        self.reference = reference
        self.kind = kind
        self.firstSeen = firstSeen
        self.escalated = escalated
    }
}

/// What one run adds to the outbox, written inside the run's own transaction
/// (`ResultStore.commit` in TallyPostgres).
public struct AlertWrites: Sendable, Hashable {
    public var messages: [OutboxMessage]
    public var alerted: [AlertedItem]

    public init(messages: [OutboxMessage] = [], alerted: [AlertedItem] = []) {
        self.messages = messages
        self.alerted = alerted
    }
}
