import Foundation
import Testing

@testable import TallyAlerts

/// The HTTP client's failures read as sentences, not as SwiftNIO's error types.
@Suite struct TransportErrorTextTests {
    /// A real attempt to a local port nothing listens on (no network beyond the loopback).
    @Test func aRefusedConnectionNamesTheTargetAndTheReason() throws {
        // a port that was free a moment ago: bound, read, closed
        let port = try Self.freePort()
        let transport = AsyncHTTPClientTransport()
        defer { transport.shutdown() }
        let request = WebhookRequest(
            url: URL(string: "http://127.0.0.1:\(port)/hook")!, headers: [], body: Array("{}".utf8),
            timeouts: .init(connectSeconds: 2, requestSeconds: 3))
        do {
            _ = try transport.send(request)
            Issue.record("a request to a closed port was answered")
        } catch {
            #expect(error.message == "127.0.0.1:\(port): Connection refused", "\(error.message)")
            #expect(!error.timedOut)
            #expect(!error.message.contains("errno") && !error.message.contains("error set"))
        }
    }

    static func freePort() throws -> Int {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(socketDescriptor, pointer, length) == 0 else { return -1 }
                return getsockname(socketDescriptor, pointer, &length)
            }
        }
        try #require(bound == 0)
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
