import Foundation
import TallyAlerts
import Testing

/// Signing against the Standard Webhooks specification's published vectors.
@Suite struct StandardWebhooksTests {
    /// The vector of the spec's reference libraries (e.g. `libraries/go/webhook_test.go`, `TestWebhookSign`).
    static let specSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let specID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let specTimestamp: Int64 = 1_614_265_330
    static let specBody = Array(#"{"test": 2432232314}"#.utf8)

    func secret(_ text: String) throws -> WebhookSecret { try WebhookSecret.parse(text).get() }

    @Test func reproducesTheSpecificationVector() throws {
        let signature = StandardWebhooks.signature(
            id: Self.specID, timestamp: Self.specTimestamp, body: Self.specBody, secret: try secret(Self.specSecret))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func anyChangeToIdTimestampOrBodyChangesTheSignature() throws {
        let key = try secret(Self.specSecret)
        let reference = StandardWebhooks.signature(
            id: Self.specID, timestamp: Self.specTimestamp, body: Self.specBody, secret: key)
        let variants = [
            StandardWebhooks.signature(id: Self.specID + "x", timestamp: Self.specTimestamp, body: Self.specBody, secret: key),
            StandardWebhooks.signature(id: Self.specID, timestamp: Self.specTimestamp + 1, body: Self.specBody, secret: key),
            StandardWebhooks.signature(id: Self.specID, timestamp: Self.specTimestamp, body: Self.specBody + [0x20], secret: key),
        ]
        #expect(!variants.contains(reference))
        // the spec's "invalid signature" example is not what this secret gives
        #expect(reference != "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=")
    }

    @Test func headersCarryIdTimestampAndSignature() throws {
        let headers = StandardWebhooks.headers(
            id: Self.specID, timestamp: Self.specTimestamp, body: Self.specBody, secret: try secret(Self.specSecret))
        #expect(headers.map(\.0) == ["webhook-id", "webhook-timestamp", "webhook-signature"])
        #expect(headers[1].1 == "1614265330")
        #expect(headers[2].1 == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(StandardWebhooks.headers(id: "a", timestamp: 1, body: [], secret: nil).count == 2)
    }

    @Test func secretsAreBase64AfterWhsecOrRawBytes() throws {
        #expect(try secret(Self.specSecret).key.count == 24)
        #expect(try secret(" \(Self.specSecret)\n").key == secret(Self.specSecret).key)
        #expect(try secret("a-raw-shared-secret-text").key == Array("a-raw-shared-secret-text".utf8))
        #expect(throws: WebhookSecret.SecretProblem.self) { try WebhookSecret.parse("whsec_!!!not-base64").get() }
        #expect(throws: WebhookSecret.SecretProblem.self) { try WebhookSecret.parse("whsec_c2hvcnQ=").get() }
        #expect(throws: WebhookSecret.SecretProblem.self) { try WebhookSecret.parse("short").get() }
        #expect("\(try secret(Self.specSecret))" == "***")
    }

    @Test func webhookIDsAreStablePerRunEndpointAndContent() {
        let one = StandardWebhooks.webhookID(runID: "r1", endpoint: "ops", body: "{}")
        #expect(one == StandardWebhooks.webhookID(runID: "r1", endpoint: "ops", body: "{}"))
        #expect(one != StandardWebhooks.webhookID(runID: "r2", endpoint: "ops", body: "{}"))
        #expect(one != StandardWebhooks.webhookID(runID: "r1", endpoint: "slack", body: "{}"))
        #expect(one != StandardWebhooks.webhookID(runID: "r1", endpoint: "ops", body: "{ }"))
        #expect(one.hasPrefix("msg_") && one.count == 36 && !one.contains("."))
    }
}
