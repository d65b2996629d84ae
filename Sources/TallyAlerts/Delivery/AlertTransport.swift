import Foundation

/// One POST of an alert body.
public struct WebhookRequest: Sendable {
    public var url: URL
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var timeouts: AlertEndpoint.Timeouts

    public init(url: URL, headers: [(String, String)], body: [UInt8], timeouts: AlertEndpoint.Timeouts) {
        self.url = url
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
    }
}

/// What came back: the status, `Retry-After`, and the first bytes of the body (for the log).
public struct WebhookResponse: Sendable, Hashable {
    public var status: Int
    public var retryAfter: String?
    public var bodyPrefix: String

    public init(status: Int, retryAfter: String? = nil, bodyPrefix: String = "") {
        self.status = status
        self.retryAfter = retryAfter
        self.bodyPrefix = bodyPrefix
    }
}

/// Sends one webhook request and waits for the answer.
///
/// A port, so tests can stand in for the network: ``AsyncHTTPClientTransport`` is the real one.
/// Blocking on purpose: a run is a synchronous pipeline and sends a handful of requests.
public protocol AlertTransport: Sendable {
    /// - Throws: ``TransportError`` when no HTTP answer arrived (refused, timed out, TLS failed).
    func send(_ request: WebhookRequest) throws(TransportError) -> WebhookResponse
    /// Releases connections and threads; the transport is unusable afterwards.
    func shutdown()
}

/// No HTTP answer: the request may or may not have reached the receiver, so it is retried.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public var timedOut: Bool
    public var message: String

    public init(timedOut: Bool, message: String) {
        self.timedOut = timedOut
        self.message = message
    }

    public var description: String { message }
}

/// What one attempt means for the alert.
public enum AttemptOutcome: Sendable, Hashable {
    case delivered(status: Int)
    /// Try again later; `retryAfter` is the receiver's wish in seconds.
    case retry(status: Int?, reason: String, retryAfter: Double?)
    /// Never try again (until `tally alerts retry`).
    case dead(status: Int?, reason: String)

    /// 2xx is delivered; 408, 429, 5xx and anything without an answer retry; a redirect (not
    /// followed: the target is operator-configured, never the receiver's choice) and other 4xx
    /// are dead at once.
    public static func classify(_ response: Result<WebhookResponse, TransportError>, now: Date) -> AttemptOutcome {
        switch response {
        case .failure(let error):
            return .retry(status: nil, reason: error.timedOut ? "timed out: \(error.message)" : error.message, retryAfter: nil)
        case .success(let response):
            let status = response.status
            let detail = response.bodyPrefix.isEmpty ? "" : ": \(response.bodyPrefix)"
            switch status {
            case 200..<300:
                return .delivered(status: status)
            case 408, 429, 500..<600:
                return .retry(
                    status: status, reason: "HTTP \(status)\(detail)",
                    retryAfter: response.retryAfter.flatMap { RetryAfter.seconds($0, now: now) })
            case 300..<400:
                return .dead(status: status, reason: "HTTP \(status): redirects are not followed; configure the final URL")
            case 400..<500:
                return .dead(status: status, reason: "HTTP \(status)\(detail)")
            default:
                return .retry(status: status, reason: "unexpected HTTP \(status)", retryAfter: nil)
            }
        }
    }
}
