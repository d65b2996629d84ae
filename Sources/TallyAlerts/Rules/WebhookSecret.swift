import Foundation

/// The HMAC key of an endpoint. Prints as `***` so it cannot leak through interpolation.
public struct WebhookSecret: Sendable, Hashable, CustomStringConvertible {
    /// The key bytes: the base64-decoded part of a `whsec_…` secret, or the raw text's UTF-8.
    public let key: [UInt8]

    public init(key: [UInt8]) { self.key = key }

    /// Reads a secret as Standard Webhooks writes it (`whsec_` + base64 of 24–64 random bytes), or
    /// any other text as raw key bytes (at least 16). Surrounding whitespace (a file's trailing
    /// newline) is dropped.
    ///
    /// - Returns: the secret, or why it is unusable (never echoing the secret).
    public static func parse(_ text: String) -> Result<WebhookSecret, SecretProblem> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("whsec_") {
            guard let data = Data(base64Encoded: String(trimmed.dropFirst(6))) else {
                return .failure(SecretProblem(reason: "the part after whsec_ is not valid base64"))
            }
            guard data.count >= 24 else {
                return .failure(
                    SecretProblem(reason: "a whsec_ secret must hold at least 24 bytes, this one holds \(data.count)"))
            }
            return .success(WebhookSecret(key: Array(data)))
        }
        guard trimmed.utf8.count >= 16 else {
            return .failure(SecretProblem(reason: "a raw secret must be at least 16 bytes long"))
        }
        return .success(WebhookSecret(key: Array(trimmed.utf8)))
    }

    public var description: String { "***" }

    /// Why a secret cannot be used.
    public struct SecretProblem: Error, Sendable, Hashable {
        public var reason: String
    }
}

/// An endpoint's URL, which may itself be a secret (a Slack incoming webhook): its description
/// shows the scheme and host only.
public struct WebhookURL: Sendable, Hashable, CustomStringConvertible {
    public let url: URL

    public init(url: URL) { self.url = url }

    /// `https://hooks.slack.com/…`: enough to tell endpoints apart in a log, never the path.
    public var description: String {
        "\(url.scheme ?? "?")://\(url.host ?? "?")\(url.port.map { ":\($0)" } ?? "")/…"
    }

    /// Checks a URL for use as a webhook target: `https`, or plain `http` to a loopback address
    /// only (a receiver on this machine, as in tests); no user info, which would be sent as a
    /// password.
    ///
    /// - Returns: the URL or why it is refused (never echoing it, as it may be a secret).
    public static func parse(_ text: String) -> Result<WebhookURL, WebhookSecret.SecretProblem> {
        guard let url = URL(string: text.trimmingCharacters(in: .whitespacesAndNewlines)), let scheme = url.scheme?.lowercased(),
            let host = url.host, !host.isEmpty
        else {
            return .failure(.init(reason: "not an absolute http(s) URL"))
        }
        guard url.user == nil, url.password == nil else {
            return .failure(.init(reason: "user info in the URL is not allowed"))
        }
        switch scheme {
        case "https": return .success(WebhookURL(url: url))
        case "http" where isLoopback(host): return .success(WebhookURL(url: url))
        case "http": return .failure(.init(reason: "plain http is allowed to loopback addresses only; use https"))
        default: return .failure(.init(reason: "the scheme must be https"))
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        let ipv4Loopback = octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
        return bare == "localhost" || bare == "::1" || ipv4Loopback
    }
}
