import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends webhooks with swift-server's async-http-client: connect timeout and whole-request
/// deadline per endpoint, certificate verification on (the client's default TLS configuration
/// verifies the chain and the host name), redirects never followed, response bodies read only
/// up to 512 bytes.
///
/// The run is a synchronous pipeline, so each request blocks its thread on the client's future
/// (`wait()`), never an event loop: the client runs its own loop threads.
///
/// `@unchecked Sendable`: the only mutable state, the clients by connect timeout, is guarded by
/// `lock`; `HTTPClient` itself is thread-safe.
public final class AsyncHTTPClientTransport: AlertTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var clients: [Double: HTTPClient] = [:]

    public init() {}

    deinit { shutdown() }

    /// One client per connect timeout (that is a client setting; the deadline is per request).
    private func client(for timeouts: AlertEndpoint.Timeouts) -> HTTPClient {
        lock.lock()
        defer { lock.unlock() }
        if let client = clients[timeouts.connectSeconds] { return client }
        let configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .nanoseconds(Int64(timeouts.connectSeconds * 1e9)),
                read: .nanoseconds(Int64(timeouts.requestSeconds * 1e9))),
            decompression: .disabled)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        clients[timeouts.connectSeconds] = client
        return client
    }

    public func send(_ request: WebhookRequest) throws(TransportError) -> WebhookResponse {
        let client = client(for: request.timeouts)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "User-Agent", value: "tally-alerts/1")
        for (name, value) in request.headers { headers.add(name: name, value: value) }
        do {
            let httpRequest = try HTTPClient.Request(
                url: request.url, method: .POST, headers: headers, body: .bytes(request.body))
            let deadline = NIODeadline.now() + .nanoseconds(Int64(request.timeouts.requestSeconds * 1e9))
            return try client.execute(request: httpRequest, delegate: BoundedResponse(), deadline: deadline)
                .futureResult.wait()
        } catch let error as HTTPClientError {
            let timedOut = [.deadlineExceeded, .readTimeout, .connectTimeout, .tlsHandshakeTimeout, .writeTimeout]
                .contains(error)
            throw TransportError(timedOut: timedOut, message: TransportErrorText.sentence(error))
        } catch {
            throw TransportError(timedOut: false, message: TransportErrorText.sentence(error, url: request.url))
        }
    }

    public func shutdown() {
        lock.lock()
        let all = Array(clients.values)
        clients = [:]
        lock.unlock()
        for client in all { try? client.syncShutdown() }
    }
}

/// Keeps the status, `Retry-After` and the first 512 bytes of the body, dropping the rest, so a
/// receiver answering with a huge body costs no memory.
///
/// `@unchecked Sendable`: the client calls it from its event loop, one callback at a time; the
/// lock makes the hand-over to the waiting thread explicit.
private final class BoundedResponse: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = WebhookResponse

    private let lock = NSLock()
    private var status = 0
    private var retryAfter: String?
    private var body: [UInt8] = []

    func didReceiveHead(task: HTTPClient.Task<WebhookResponse>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        lock.lock()
        status = Int(head.status.code)
        retryAfter = head.headers.first(name: "Retry-After")
        lock.unlock()
        return task.eventLoop.makeSucceededFuture(())
    }

    func didReceiveBodyPart(task: HTTPClient.Task<WebhookResponse>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        lock.lock()
        let room = 512 - body.count
        if room > 0 { body += buffer.readableBytesView.prefix(room) }
        lock.unlock()
        return task.eventLoop.makeSucceededFuture(())
    }

    func didFinishRequest(task: HTTPClient.Task<WebhookResponse>) throws -> WebhookResponse {
        lock.lock()
        defer { lock.unlock() }
        let text = String(decoding: body, as: UTF8.self).split(whereSeparator: \.isNewline).joined(separator: " ")
        return WebhookResponse(status: status, retryAfter: retryAfter, bodyPrefix: String(text.prefix(200)))
    }
}
