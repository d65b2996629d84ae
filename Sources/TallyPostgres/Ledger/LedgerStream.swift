import Foundation
import Synchronization
import TallyCore

/// A count shared between the stream's thread and the reader of progress.
final class RowCounter: Sendable {
    let value = Mutex<Int>(0)
}

/// The window query running on its own thread, its rows waiting in a bounded queue.
public final class LedgerStream: Sendable {
    enum Message: Sendable {
        case batch(LedgerBatch)
        case end(rows: Int)
        case failure(PostgresError)
    }

    /// What the stream's thread runs: a query in single-row mode, or a binary COPY.
    enum Query: Sendable {
        case rows(String, [String?])
        case copyBinary(String, paddedColumns: UInt8)
    }

    static let batchBytes = 256 << 10

    private let queue: BoundedQueue<Message>
    private let canceller: PostgresCanceller
    private let finished = Mutex<Bool>(false)
    /// Batches the stream's thread set aside on disk because the queue was full (the files still
    /// being read, or the matcher busy): read back by the drain alongside the queue.
    private let spill: LedgerOverflow
    private let received = RowCounter()

    /// Rows the stream's thread has set aside in its temporary file while the queue was full.
    public var rowsSetAside: Int { spill.rows }

    /// Rows PostgreSQL has delivered so far (for progress; matched or not).
    public var rowsReceived: Int { received.value.withLock { $0 } }

    init(connection: PostgresConnection, query: Query, queueBytes: Int, setAsideDirectory: String? = nil) {
        queue = BoundedQueue(capacity: max(2, queueBytes / Self.batchBytes))
        spill = setAsideDirectory.map { LedgerOverflow(directory: URL(fileURLWithPath: $0)) } ?? LedgerOverflow()
        canceller = (try? connection.makeCanceller()) ?? PostgresCanceller.none
        let handoff = ConnectionHandoff(connection)
        let queue = self.queue
        let received = self.received
        let spill = self.spill
        let thread = Thread {
            do {
                var layout = LedgerBatch.Layout.packedText
                var padded: UInt8 = 0
                if case .copyBinary(_, let paddedColumns) = query { (layout, padded) = (.copyBinary, paddedColumns) }
                var batch = LedgerBatch(reservingBytes: Self.batchBytes + 4096, layout: layout, paddedColumns: padded)
                func handOver() {
                    guard batch.bytes.count >= Self.batchBytes else { return }
                    received.value.withLock { $0 += batch.rows }
                    // Never wait for the parser: a full queue sends the batch to the spill file.
                    if !queue.tryPush(.batch(batch)) && !spill.append(batch) {
                        queue.push(.batch(batch))
                    }
                    batch = LedgerBatch(reservingBytes: Self.batchBytes + 4096, layout: layout, paddedColumns: padded)
                }
                var rows = 0
                switch query {
                case .rows(let sql, let parameters):
                    rows = try handoff.connection.stream(sql, parameters) { row in
                        batch.append(row)
                        handOver()
                    }
                case .copyBinary(let sql, _):
                    var framing = CopyBinaryFraming()
                    try handoff.connection.copyOut(sql) { message in
                        guard let tuple = try framing.tuple(in: message) else { return }
                        batch.appendTuple(tuple)
                        rows += 1
                        handOver()
                    }
                }
                if batch.rows > 0 { queue.push(.batch(batch)) }
                queue.push(.end(rows: rows))
            } catch let error as PostgresError {
                queue.push(.failure(error))
            } catch {
                queue.push(.failure(PostgresError(code: .stream, message: "\(error)")))
            }
        }
        thread.name = "tally-ledger-stream"
        thread.start()
    }

    /// Matches every streamed row until the stream ends.
    ///
    /// - Parameters:
    ///   - progress: called after each batch with the rows matched so far.
    ///   - whileWaiting: called instead of waiting when no rows are ready; it does a slice of other
    ///     work and returns true, or returns false when it has none (the drain then waits).
    /// - Throws: the stream's ``PostgresError`` if the query failed.
    public func drain(
        into sink: inout some LedgerSink, progress: (Int) -> Void = { _ in }, whileWaiting: () -> Bool = { false }
    ) throws {
        var seen = 0
        try drainBatches(whileWaiting: whileWaiting) { batch in
            LedgerSource.feed(batch, into: &sink)
            seen += batch.rows
            progress(seen)
        }
    }

    /// Takes every batch, from the queue and from the rows set aside on disk, until the stream
    /// ends or fails. Queued batches come first whenever there are any, so the stream's thread
    /// finds room again at once; the file is read while the queue is empty, and waited on only when
    /// both are. Batches therefore do not come in the stream's order (the outcome does not depend
    /// on it), and the stream never waits for the matcher.
    private func drainBatches(whileWaiting: () -> Bool = { false }, _ body: (LedgerBatch) throws -> Void) throws {
        var ended = false
        var idleWork = true
        while true {
            let message: Message
            if let queued = queue.tryPop() {
                message = queued
            } else if let setAside = try spill.next() {
                message = .batch(setAside)
            } else if ended {
                // The end came after the stream's last batch was set aside: nothing is left.
                finished.withLock { $0 = true }
                return
            } else if idleWork && whileWaiting() {
                continue
            } else {
                idleWork = false
                message = queue.pop()
            }
            switch message {
            case .batch(let batch):
                CrashPoint.hit("ledger-stream")
                try body(batch)
            case .end:
                ended = true
            case .failure(let error):
                finished.withLock { $0 = true }
                throw error
            }
        }
    }

    /// Hands every streamed row to `body` until the stream ends (a run that spilled to
    /// disk partitions them instead of matching them).
    ///
    /// - Throws: the stream's ``PostgresError`` if the query failed.
    public func drainRows(_ body: (LedgerFields) throws -> Void) throws {
        try drainBatches { batch in
            var failure: (any Error)?
            batch.forEachRow { fields in
                guard failure == nil else { return }
                do { try body(fields) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    /// Stops the stream after a failure elsewhere: cancels the query and waits for the thread to
    /// give the connection back.
    public func abandon() {
        guard !finished.withLock({ $0 }) else { return }
        canceller.cancel()
        while true {
            switch queue.pop() {
            case .batch: continue
            case .end, .failure:
                finished.withLock { $0 = true }
                return
            }
        }
    }
}

/// Carries the connection to the streaming thread.
///
/// `@unchecked Sendable` is safe because the connection is used by one thread at a time: the
/// stream thread from its start until it pushes its last message, the caller only after popping
/// that message (the queue's lock orders the two).
private final class ConnectionHandoff: @unchecked Sendable {
    let connection: PostgresConnection
    init(_ connection: PostgresConnection) { self.connection = connection }
}
