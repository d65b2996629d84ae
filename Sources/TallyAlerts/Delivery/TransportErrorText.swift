import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The HTTP client's errors as sentences for the outbox's `last_error`, the logs and
/// `tally alerts list`: what failed, in the system's words, without SwiftNIO's type names
/// ("connection reset (error set): Connection refused) (errno: 111)" becomes
/// "127.0.0.1:9: Connection refused").
enum TransportErrorText {
    /// - Parameter url: the endpoint, to name `host:port` with a system error.
    static func sentence(_ error: any Error, url: URL? = nil) -> String {
        if let error = error as? HTTPClientError { return sentence(error) }
        if let error = error as? NIOConnectionError {
            let target = "\(error.host):\(error.port)"
            if let dns = error.dnsAError ?? error.dnsAAAAError {
                return "cannot resolve \(error.host): \(sentence(dns, url: nil))"
            }
            let reasons = Set(error.connectionErrors.map { sentence($0.error, url: nil) }).sorted()
            return "cannot connect to \(target): " + (reasons.isEmpty ? "no address to try" : reasons.joined(separator: "; "))
        }
        if let error = error as? IOError {
            let reason = String(cString: strerror(error.errnoCode))
            guard let url, let host = url.host else { return reason }
            return "\(host):\(url.port ?? (url.scheme == "https" ? 443 : 80)): \(reason)"
        }
        return String(describing: error)
    }

    static func sentence(_ error: HTTPClientError) -> String {
        switch error {
        case .connectTimeout: "no connection within the endpoint's connect timeout"
        case .readTimeout, .deadlineExceeded: "no complete answer within the endpoint's timeout"
        case .tlsHandshakeTimeout: "the TLS handshake did not finish within the connect timeout"
        case .remoteConnectionClosed: "the receiver closed the connection before answering"
        case .invalidURL, .emptyHost, .emptyScheme: "the endpoint's URL cannot be used (\(error))"
        case .cancelled: "the request was cancelled"
        default: "\(error)"
        }
    }
}
