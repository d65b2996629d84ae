import Foundation
import TallyAlerts
import Testing

/// Backoff, `Retry-After` and what each answer means, without a network or a clock.
@Suite struct DeliveryPolicyTests {
    @Test func backoffGrowsByTheMultiplierUpToTheCap() {
        let policy = RetryPolicy(maxAttempts: 6, initialBackoffSeconds: 5, backoffMultiplier: 3, maxBackoffSeconds: 200)
        #expect((1...6).map { policy.ceiling(afterAttempt: $0) } == [5, 15, 45, 135, 200, 200])
    }

    @Test func fullJitterSpansZeroToTheCeiling() {
        let policy = RetryPolicy()
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, unit: 0) == 0)
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, unit: 0.5) == 22.5)
        #expect(policy.delay(afterAttempt: 30, retryAfter: nil, unit: 0.999_999) <= 21_600)
    }

    @Test func retryAfterWinsAndIsBounded() {
        let policy = RetryPolicy(initialBackoffSeconds: 0.01, maxBackoffSeconds: 0.05)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 7, unit: 0.9) == 7)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 10_000_000, unit: 0.9) == RetryPolicy.retryAfterCeilingSeconds)
    }

    @Test func theDefaultsSpanAboutADay() {
        let span = RetryPolicy().longestSpanSeconds
        #expect(span == 146_000)  // at most 40.6 h; with full jitter about 20 h on average
        #expect((24 * 3_600)...(48 * 3_600) ~= Int(span))
    }

    @Test func retryAfterReadsSecondsAndHTTPDates() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryAfter.seconds("120", now: now) == 120)
        #expect(RetryAfter.seconds(" 0 ", now: now) == 0)
        #expect(RetryAfter.seconds("Wed, 15 Nov 2023 00:15:20 GMT", now: now).map { $0.rounded() } == 7_320)
        #expect(RetryAfter.seconds("-3", now: now) == nil)
        #expect(RetryAfter.seconds("soon", now: now) == nil)
    }

    @Test(arguments: [
        (200, "delivered"), (204, "delivered"), (408, "retry"), (429, "retry"), (500, "retry"), (502, "retry"),
        (503, "retry"), (504, "retry"), (400, "dead"), (401, "dead"), (404, "dead"), (410, "dead"), (301, "dead"),
        (302, "dead"), (307, "dead"),
    ])
    func classifiesEachAnswer(_ status: Int, _ expected: String) {
        let outcome = AttemptOutcome.classify(.success(WebhookResponse(status: status)), now: Date())
        switch outcome {
        case .delivered: #expect(expected == "delivered")
        case .retry: #expect(expected == "retry")
        case .dead: #expect(expected == "dead")
        }
    }

    @Test func noAnswerRetriesAndTimeoutsSaySo() {
        let outcome = AttemptOutcome.classify(.failure(TransportError(timedOut: true, message: "deadline")), now: Date())
        #expect(outcome == .retry(status: nil, reason: "timed out: deadline", retryAfter: nil))
    }

    @Test func a429CarriesItsRetryAfter() {
        let outcome = AttemptOutcome.classify(
            .success(WebhookResponse(status: 429, retryAfter: "3", bodyPrefix: "slow down")), now: Date())
        #expect(outcome == .retry(status: 429, reason: "HTTP 429: slow down", retryAfter: 3))
    }
}
