import Foundation

/// When to try a failed delivery again: exponential backoff with full jitter, honouring
/// `Retry-After`.
///
/// The wait after the n-th failed attempt is uniform in `[0, min(maxBackoff, initial × multiplierⁿ⁻¹))`
/// ("full jitter", which spreads retries of many alerts after an outage). The defaults (15
/// attempts, 5 s × 3ⁿ capped at 6 h) span about 20 hours on average and 40 at most, about a
/// day like the Standard Webhooks schedule; then the alert is dead.
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    public var initialBackoffSeconds: Double
    public var backoffMultiplier: Double
    public var maxBackoffSeconds: Double

    /// The longest `Retry-After` honoured: a receiver asking for more is retried after a day.
    public static let retryAfterCeilingSeconds: Double = 86_400

    public init(
        maxAttempts: Int = 15, initialBackoffSeconds: Double = 5, backoffMultiplier: Double = 3,
        maxBackoffSeconds: Double = 21_600
    ) {
        self.maxAttempts = maxAttempts
        self.initialBackoffSeconds = initialBackoffSeconds
        self.backoffMultiplier = backoffMultiplier
        self.maxBackoffSeconds = maxBackoffSeconds
    }

    /// The upper bound of the wait after `attempt` failed attempts (1-based).
    public func ceiling(afterAttempt attempt: Int) -> Double {
        var ceiling = initialBackoffSeconds
        for _ in 1..<max(1, attempt) {
            ceiling *= backoffMultiplier
            if ceiling >= maxBackoffSeconds { return maxBackoffSeconds }
        }
        return min(ceiling, maxBackoffSeconds)
    }

    /// Seconds to wait after `attempt` failed attempts.
    ///
    /// - Parameters:
    ///   - retryAfter: the receiver's `Retry-After` in seconds, which wins when present.
    ///   - unit: a random number in `[0, 1)`.
    public func delay(afterAttempt attempt: Int, retryAfter: Double?, unit: Double) -> Double {
        if let retryAfter { return min(max(retryAfter, 0), Self.retryAfterCeilingSeconds) }
        return ceiling(afterAttempt: attempt) * min(max(unit, 0), 1)
    }

    /// The sum of the ceilings over all retries: the longest a delivery can be retried.
    public var longestSpanSeconds: Double {
        (1..<max(1, maxAttempts)).reduce(0) { $0 + ceiling(afterAttempt: $1) }
    }
}

/// A `Retry-After` header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
public enum RetryAfter {
    /// Seconds from `now` the header asks to wait, or nil when it is neither form.
    public static func seconds(_ value: String, now: Date) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text), seconds >= 0 { return Double(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
