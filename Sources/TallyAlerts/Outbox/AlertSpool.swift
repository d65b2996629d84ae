import Foundation
import TallyCore
import TallyPostgres

#if canImport(Glibc)
import Glibc
#endif

/// Failure alerts that could not be written to the store (it was down): one JSON file each in
/// `<state directory>/alert-spool/`, moved into the outbox by the next invocation that reaches
/// the store, then delivered like any other.
///
/// Files are written with mode 0600 to a temporary name, flushed and renamed, so a crash leaves
/// either a whole file or none. They hold the body and the endpoint's name, never a URL or secret.
public struct AlertSpool: Sendable {
    public var directory: String

    /// - Parameter stateDirectory: `--state-dir`, by default `.tally/state`.
    public init(stateDirectory: String) {
        directory = (stateDirectory as NSString).appendingPathComponent("alert-spool")
    }

    /// A spool file that cannot be read.
    public struct SpoolError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Writes each message to its own file (an existing file for the same alert is kept).
    public func spool(_ messages: [OutboxMessage]) throws {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for message in messages {
            let object: [String: Any] = [
                "webhook_id": message.webhookID, "endpoint": message.endpoint, "event": message.event,
                "run_id": message.runID ?? NSNull(), "provider": message.provider, "body": message.body,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            let name = "\(message.endpoint)-\(message.webhookID).json"
            let final = (directory as NSString).appendingPathComponent(name)
            do {
                try Folders.writeAtomically(Array(data), to: final, mode: 0o600)
            } catch {
                throw SpoolError(description: "cannot write \(final): \(String(cString: strerror(error.code)))")
            }
        }
    }

    /// The spooled messages with their files, oldest name first.
    public func pending() throws -> [(path: String, message: OutboxMessage)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return try names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { name in
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let webhookID = object["webhook_id"] as? String, let endpoint = object["endpoint"] as? String,
                let event = object["event"] as? String, let provider = object["provider"] as? String,
                let body = object["body"] as? String
            else { throw SpoolError(description: "\(path) is not a spooled alert; move it away") }
            return (
                path,
                OutboxMessage(
                    webhookID: webhookID, endpoint: endpoint, event: event, runID: object["run_id"] as? String,
                    provider: provider, body: body)
            )
        }
    }

    /// Moves every spooled message into the outbox, removing each file once its row is committed.
    ///
    /// - Returns: how many messages were moved.
    @discardableResult
    public func drain(into outbox: AlertOutbox) throws -> Int {
        let spooled = try pending()
        for (path, message) in spooled {
            try outbox.enqueue([message])
            try FileManager.default.removeItem(atPath: path)
        }
        return spooled.count
    }
}
