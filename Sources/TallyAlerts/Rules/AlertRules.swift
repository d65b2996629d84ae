import TallyCore

/// The alert rules: the endpoints that hear about runs, and what each wants to hear.
///
/// Parsed from YAML (``AlertRules/parse(_:keyPath:environment:readFile:)``) whose top level is
/// `endpoints: [...]`, the shape that also sits under `alerts:` in a config file:
///
/// ```yaml
/// endpoints:
///   - name: payments-oncall
///     style: slack
///     url_env: TALLY_SLACK_WEBHOOK_URL     # a Slack URL is itself the secret
///     triggers: { min_severity: high, escalate_after_days: 3 }
///   - name: ops-api
///     url: https://ops.example.com/hooks/tally
///     secret_file: /run/secrets/tally-webhook  # whsec_… or raw; never in the config text
/// ```
public struct AlertRules: Sendable {
    public var endpoints: [AlertEndpoint]

    public init(endpoints: [AlertEndpoint]) { self.endpoints = endpoints }

    /// The endpoint with this name, if configured.
    public func endpoint(named name: String) -> AlertEndpoint? { endpoints.first { $0.name == name } }
}

/// One receiver of alerts.
public struct AlertEndpoint: Sendable {
    /// The body's shape.
    public enum Style: String, Sendable, CaseIterable {
        /// Standard Webhooks JSON: `{"type", "timestamp", "data"}`, signed.
        case standard
        /// A Slack incoming-webhook message: `{"text", "blocks"}`.
        case slack
    }

    /// Stable name: the outbox stores it instead of the URL, and delivery looks it up again.
    public var name: String
    public var url: WebhookURL
    /// Signing secret; required for `standard`, optional for `slack` (whose URL is the secret).
    public var secret: WebhookSecret?
    public var style: Style
    public var triggers: AlertTriggers
    public var retry: RetryPolicy
    public var timeouts: Timeouts

    public init(
        name: String, url: WebhookURL, secret: WebhookSecret?, style: Style = .standard,
        triggers: AlertTriggers = AlertTriggers(), retry: RetryPolicy = RetryPolicy(), timeouts: Timeouts = Timeouts()
    ) {
        self.name = name
        self.url = url
        self.secret = secret
        self.style = style
        self.triggers = triggers
        self.retry = retry
        self.timeouts = timeouts
    }

    /// How long one attempt may take.
    public struct Timeouts: Sendable, Hashable {
        /// Establishing the TCP (and TLS) connection.
        public var connectSeconds: Double
        /// The whole request, from connecting to the last byte of the response.
        public var requestSeconds: Double

        public init(connectSeconds: Double = 5, requestSeconds: Double = 15) {
            self.connectSeconds = connectSeconds
            self.requestSeconds = requestSeconds
        }
    }
}

/// What makes an endpoint hear about a run. Breaks count only while the endpoint has not been told
/// about their open item; an item it was told about comes back only as an escalation.
public struct AlertTriggers: Sendable, Hashable {
    /// Breaks at or above this severity fire.
    public var minSeverity: Severity?
    /// A class fires when at least this many of its breaks are untold.
    public var classCounts: [BreakClass: Int]
    /// A currency fires when the untold breaks put at least this much at risk (minor units).
    public var amountAtRisk: [Currency: Int64]
    /// Fires when matched / settlement transactions is below this, in hundredths of a percent
    /// (9950 is 99.50 %).
    public var matchRateBelowBasisPoints: Int?
    /// Fires when a file's control total or balance does not hold.
    public var failedControl: Bool
    /// An open item escalates (once) when it has been open this many days.
    public var escalateAfterDays: Int?
    /// A run ending with an exit status other than 0 or 1 alerts.
    public var runFailure: Bool

    /// The defaults when `triggers` is left out: high breaks, failed controls, failed runs.
    public init(
        minSeverity: Severity? = .high, classCounts: [BreakClass: Int] = [:], amountAtRisk: [Currency: Int64] = [:],
        matchRateBelowBasisPoints: Int? = nil, failedControl: Bool = true, escalateAfterDays: Int? = nil,
        runFailure: Bool = true
    ) {
        self.minSeverity = minSeverity
        self.classCounts = classCounts
        self.amountAtRisk = amountAtRisk
        self.matchRateBelowBasisPoints = matchRateBelowBasisPoints
        self.failedControl = failedControl
        self.escalateAfterDays = escalateAfterDays
        self.runFailure = runFailure
    }
}

/// Every problem of an alert configuration, each with its key path (exit 64).
public struct AlertRulesError: Error, Sendable, CustomStringConvertible {
    /// The file, or `--webhook` for the one-off endpoint.
    public var source: String
    public var problems: [String]

    public init(source: String, problems: [String]) {
        self.source = source
        self.problems = problems
    }

    public var description: String {
        "\(source): the alert configuration has \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n"
            + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
