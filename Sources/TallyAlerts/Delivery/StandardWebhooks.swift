import Crypto
import Foundation

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
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: secret.key))
        hmac.update(data: Array("\(id).\(timestamp).".utf8))
        hmac.update(data: body)
        return "v1," + Data(hmac.finalize()).base64EncodedString()
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
        var hash = SHA256()
        hash.update(data: Array("\(runID)\n\(endpoint)\n".utf8))
        hash.update(data: Array(body.utf8))
        let hex = hash.finalize().map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
        return "msg_" + hex.prefix(32)
    }
}
