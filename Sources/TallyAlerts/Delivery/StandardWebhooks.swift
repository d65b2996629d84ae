import Foundation
import TallyDigest

/// Standard Webhooks 1.0 signing (symmetric `v1`): the three headers of every attempt.
///
/// The signed content is `"{webhook-id}.{webhook-timestamp}.{body}"` over the exact body bytes; the
/// signature is `v1,` + base64 of its HMAC-SHA256 under the endpoint's secret.
///
/// ```swift
/// let headers = StandardWebhooks.headers(id: message.webhookID, timestamp: now, body: body, secret: secret)
/// ```
public enum StandardWebhooks {
    /// `v1,<base64 HMAC-SHA256>` of `id.timestamp.body`.
    public static func signature(id: String, timestamp: Int64, body: [UInt8], secret: WebhookSecret) -> String {
        let code = HMACSHA256.code(for: Array("\(id).\(timestamp).".utf8) + body, key: Array(secret.key))
        return "v1," + Data(code).base64EncodedString()
    }

    /// `webhook-id`, `webhook-timestamp` (Unix seconds of this attempt) and, with a secret,
    /// `webhook-signature`.
    public static func headers(id: String, timestamp: Int64, body: [UInt8], secret: WebhookSecret?) -> [(String, String)] {
        var headers = [("webhook-id", id), ("webhook-timestamp", String(timestamp))]
        if let secret {
            headers.append(("webhook-signature", signature(id: id, timestamp: timestamp, body: body, secret: secret)))
        }
        return headers
    }

    /// The `webhook-id` of one alert: `msg_` + 32 hex digits of SHA-256 over the run, the endpoint
    /// and the body, so it is the same on every retry and for the same content, and no `.` appears.
    public static func webhookID(runID: String, endpoint: String, body: String) -> String {
        let hash = SHA256()
        hash.update(Array("\(runID)\n\(endpoint)\n".utf8))
        hash.update(Array(body.utf8))
        return "msg_" + hash.finalize().lowercaseHex.prefix(32)
    }
}
