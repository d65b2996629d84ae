import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The loopback receiver of `scripts/webhook_receiver.py`, started for a test and stopped after
/// it: it verifies signatures and records every request; the URL path chooses how it answers
/// (`/ok`, `/fail/500/3`, `/retry-after/1/1`, `/hang/3/1`, `/status/400`).
///
/// ```swift
/// try WebhookReceiver.with(secret: secret) { receiver in
///     … post to "\(receiver.base)/fail/500/3" …
///     #expect(receiver.deliveries().count == 4)
/// }
/// ```
public final class WebhookReceiver {
    /// One request as the receiver saw it.
    public struct Delivery: Sendable, Hashable {
        public var path: String
        public var webhookID: String
        public var signatureOK: Bool?
        public var attempt: Int
        /// The status it answered, or nil when it hung.
        public var answered: Int?
        public var receivedAt: Double
        public var body: String
    }

    public let base: String
    private let pid: pid_t
    private let directory: URL

    private init(base: String, pid: pid_t, directory: URL) {
        self.base = base
        self.pid = pid
        self.directory = directory
    }

    /// Starts a receiver, runs `body`, stops the receiver.
    public static func with<R>(secret: String, _ body: (WebhookReceiver) throws -> R) throws -> R {
        let receiver = try start(secret: secret)
        defer { receiver.stop() }
        return try body(receiver)
    }

    /// Starts the script and waits (at most 30 s) until it has written its port.
    public static func start(secret: String) throws -> WebhookReceiver {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-receiver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = TestCluster.repositoryRoot.appendingPathComponent("scripts/webhook_receiver.py").path
        let portFile = directory.appendingPathComponent("port").path
        // Debian's interpreter when there is one (what `make` installs packages for), else PATH's.
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
        let arguments = [
            python, script, "--port-file", portFile, "--log", directory.appendingPathComponent("deliveries.jsonl").path,
            "--secret", secret, "--lifetime", "900",
        ]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(
            &actions, 2, directory.appendingPathComponent("stderr").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // The test process's threads may block or ignore signals, and a spawned child inherits
        // both: give the receiver an empty mask and default handlers.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGPIPE, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        var pointers = arguments.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        let spawned = posix_spawnp(&pid, python, &actions, &attributes, &pointers, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        for _ in 0..<600 {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text) {
                return WebhookReceiver(base: "http://127.0.0.1:\(port)", pid: pid, directory: directory)
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                let error = (try? String(contentsOfFile: directory.appendingPathComponent("stderr").path, encoding: .utf8)) ?? ""
                throw ReceiverFailed(description: "webhook_receiver.py exited before listening: \(error)")
            }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        throw ReceiverFailed(description: "webhook_receiver.py did not start listening within 30 s")
    }

    /// Everything received so far, in order.
    public func deliveries() throws -> [Delivery] {
        let path = directory.appendingPathComponent("deliveries.jsonl").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw ReceiverFailed(description: "unreadable line in the receiver's log: \(line)")
            }
            return Delivery(
                path: object["path"] as? String ?? "", webhookID: object["webhook_id"] as? String ?? "",
                signatureOK: object["signature_ok"] as? Bool, attempt: object["attempt"] as? Int ?? 0,
                answered: object["answered"] as? Int, receivedAt: object["received_at"] as? Double ?? 0,
                body: object["body"] as? String ?? "")
        }
    }

    /// Deliveries to one path.
    public func deliveries(to path: String) throws -> [Delivery] { try deliveries().filter { $0.path == path } }

    /// Kills the receiver (it keeps nothing worth a clean shutdown) and reaps it.
    public func stop() {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        try? FileManager.default.removeItem(at: directory)
    }
}

public struct ReceiverFailed: Error, CustomStringConvertible {
    public var description: String
}
