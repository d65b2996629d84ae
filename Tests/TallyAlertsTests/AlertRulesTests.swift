import Foundation
import TallyAlerts
import TallyCore
import Testing

/// The alert rules' YAML: every key, the defaults, and every problem reported with its key path.
@Suite struct AlertRulesTests {
    static let environment = [
        "SLACK_URL": "https://hooks.slack.com/services/T000/B000/XXXX",
        "OPS_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    ]

    func parse(_ yaml: String, files: [String: String] = [:]) throws(AlertRulesError) -> AlertRules {
        try AlertRules.parse(yaml: yaml, source: "alerts.yml", environment: Self.environment, readFile: { files[$0] })
    }

    func problems(_ yaml: String) -> [String] {
        do {
            _ = try parse(yaml)
            return []
        } catch {
            return error.problems
        }
    }

    @Test func readsASlackAndASignedEndpoint() throws {
        let rules = try parse(
            """
            endpoints:
              - name: payments-oncall
                style: slack
                url_env: SLACK_URL
                triggers:
                  min_severity: medium
                  class_counts: { missing_in_provider: 10 }
                  amount_at_risk: { EUR: 1000.00, JPY: "50000" }
                  match_rate_below: 99.5
                  failed_control: true
                  escalate_after_days: 3
                  run_failure: false
              - name: ops-api
                url: https://ops.example.com/hooks/tally
                secret_file: /run/secrets/tally
                retry: { max_attempts: 5, backoff_multiplier: 2, initial_backoff_seconds: 1, max_backoff_seconds: 60 }
                timeouts: { connect_seconds: 2, request_seconds: 10 }
            """, files: ["/run/secrets/tally": "a-raw-secret-of-some-length\n"])
        #expect(rules.endpoints.map(\.name) == ["payments-oncall", "ops-api"])
        let slack = rules.endpoints[0]
        #expect(slack.style == .slack && slack.secret == nil)
        #expect(slack.url.url.absoluteString == Self.environment["SLACK_URL"])
        #expect("\(slack.url)" == "https://hooks.slack.com/…")
        #expect(
            slack.triggers
                == AlertTriggers(
                    minSeverity: .medium, classCounts: [.missingInProvider: 10],
                    amountAtRisk: [.eur: 100_000, .jpy: 50_000], matchRateBelowBasisPoints: 9_950, failedControl: true,
                    escalateAfterDays: 3, runFailure: false))
        let ops = rules.endpoints[1]
        #expect(ops.style == .standard && ops.secret?.key == Array("a-raw-secret-of-some-length".utf8))
        #expect(ops.triggers == AlertTriggers())  // the defaults: high breaks, failed controls, failed runs
        #expect(ops.retry == RetryPolicy(maxAttempts: 5, initialBackoffSeconds: 1, backoffMultiplier: 2, maxBackoffSeconds: 60))
        #expect(ops.timeouts == AlertEndpoint.Timeouts(connectSeconds: 2, requestSeconds: 10))
    }

    @Test func triggersLeftOutAreOffButRunFailureStaysOn() throws {
        let rules = try parse(
            """
            endpoints:
              - { name: a, url: "http://127.0.0.1:9/x", secret_env: OPS_SECRET, triggers: { escalate_after_days: 7 } }
            """)
        #expect(rules.endpoints[0].triggers == AlertTriggers(minSeverity: nil, failedControl: false, escalateAfterDays: 7))
    }

    @Test func reportsEveryProblemWithItsKeyPath() {
        let found = problems(
            """
            endpoints:
              - name: ops
                url: http://ops.example.com/hook
                secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
                triggers:
                  min_severity: urgent
                  class_counts: { amount_mismatch: 0, nonsense: 1 }
                  amount_at_risk: { EUR: "12.345", XXQ: 5 }
                  match_rate_below: 101
                  escalate_afterdays: 3
              - name: ops
                style: teams
                url_env: NOT_SET
                retry: { max_attempts: 0, initial_backoff_seconds: 10, max_backoff_seconds: 5 }
            extra: 1
            """)
        #expect(
            found == [
                "extra: unknown key (expected one of endpoints)",
                "endpoints[0].secret: secrets are never written in the configuration; use secret_env (an environment variable) or secret_file",
                "endpoints[0].url: plain http is allowed to loopback addresses only; use https",
                "endpoints[0].secret: required: give secret_env or secret_file",
                "endpoints[0].triggers.escalate_afterdays: unknown key (expected one of min_severity, class_counts, amount_at_risk, match_rate_below, failed_control, escalate_after_days, run_failure)",
                "endpoints[0].triggers.min_severity: expected info, medium or high, found 'urgent'",
                "endpoints[0].triggers.class_counts.amount_mismatch: expected a whole number of at least 1, found '0'",
                "endpoints[0].triggers.class_counts.nonsense: not a break class (one of amount_mismatch, ambiguous_match, control_mismatch, currency_mismatch, duplicate_in_provider, duplicate_internal, missing_in_provider, missing_internally, payout_amount_mismatch, payout_missing, probable_match, status_mismatch, timing_difference, unexpected_payout)",
                "endpoints[0].triggers.amount_at_risk.EUR: expected a positive amount in EUR with at most 2 decimals, found '12.345'",
                "endpoints[0].triggers.amount_at_risk.XXQ: not an ISO 4217 currency code such as EUR",
                "endpoints[0].triggers.match_rate_below: expected a percentage from 0 to 100 with at most 2 decimals, found '101'",
                "endpoints[1].style: expected standard or slack, found 'teams'",
                "endpoints[1].url_env: the environment variable NOT_SET is not set",
                "endpoints[1].secret: required: give secret_env or secret_file",
                "endpoints[1].retry.max_attempts: expected a whole number of at least 1, found '0'",
                "endpoints[1].retry.max_backoff_seconds: must be at least initial_backoff_seconds",
            ])
    }

    @Test func namesAreRequiredValidAndUnique() {
        #expect(
            problems(
                """
                endpoints:
                  - { url: "https://a.example/x", secret_env: OPS_SECRET }
                  - { name: "../etc", url: "https://a.example/x", secret_env: OPS_SECRET }
                  - { name: b, url: "https://a.example/x", secret_env: OPS_SECRET }
                  - { name: b, url: "https://a.example/y", url_env: SLACK_URL, secret_env: OPS_SECRET }
                """)
                == [
                    "endpoints[0].name: required (a short stable name: the outbox refers to the endpoint by it)",
                    "endpoints[1].name: '../etc' is not a valid name; use letters, digits, '_', '-' or '.' (at most 63)",
                    "endpoints[3].url: give only one of url, url_env or url_file",
                ])
        #expect(
            problems(
                """
                endpoints:
                  - { name: b, url: "https://a.example/x", secret_env: OPS_SECRET }
                  - { name: b, url: "https://a.example/y", secret_env: OPS_SECRET }
                """) == ["endpoints[1].name: 'b' is already the name of another endpoint"])
    }

    @Test func theTopLevelMustListEndpoints() {
        #expect(problems("endpoints: []") == ["endpoints: expected a list of at least one endpoint"])
        #expect(problems("- a") == ["(top level): expected a mapping with endpoints: [...]"])
        #expect(
            problems("other: 1") == [
                "other: unknown key (expected one of endpoints)", "endpoints: required (a list of endpoints)",
            ])
    }

    @Test(arguments: [
        ("https://hooks.example.com/x", true), ("http://127.0.0.1:8080/x", true), ("http://localhost/x", true),
        ("http://[::1]:9/x", true), ("http://127.evil.example/x", false), ("http://10.0.0.1/x", false),
        ("ftp://example.com/x", false), ("https://user:pw@example.com/x", false), ("not a url", false),
    ])
    func webhookURLsAreHTTPSOrLoopback(_ text: String, _ accepted: Bool) {
        #expect(((try? WebhookURL.parse(text).get()) != nil) == accepted)
    }

    @Test func theOneOffWebhookNeedsItsSecret() throws {
        let rules = try AlertRules.oneOff(url: "https://ops.example.com/h", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(rules.endpoints.map(\.name) == ["webhook"] && rules.endpoints[0].triggers == AlertTriggers())
        #expect(throws: AlertRulesError.self) { try AlertRules.oneOff(url: "https://ops.example.com/h", secret: nil) }
    }
}
