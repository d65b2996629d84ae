import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Ledger batches set aside in an unlinked temporary file: by the stream's thread while the queue is
/// full and the files are still parsed (so the stream never waits and memory does not grow with the
/// ledger), and by a spilled run for each disk partition.
///
/// The file is unlinked as soon as it is created: it lives in the page cache, never counts in the
/// process's RSS, and disappears with the descriptor whatever happens to the run. Chunks are
/// ``LedgerBatch`` bytes behind `[u32 rows][u32 bytes]`.
public final class LedgerOverflow: @unchecked Sendable {
    // One thread at a time: the writer (under StreamSpill's lock, or the spilled run), then the replay.
    private var descriptor: Int32 = -1
    private let directory: URL
    public private(set) var rows = 0

    /// - Parameter directory: where the (unlinked) file is created; the system's temporary folder by default.
    public init(directory: URL = FileManager.default.temporaryDirectory) { self.directory = directory }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Appends a batch; false when the file cannot be created or written.
    public func append(_ batch: LedgerBatch) -> Bool {
        guard batch.rows > 0 else { return true }
        if descriptor < 0 {
            let template = directory.appendingPathComponent("tally-ledger-XXXXXX").path
            var path = Array(template.utf8CString)
            descriptor = path.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard descriptor >= 0 else { return false }
            path.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        }
        var header = [UInt8]()
        withUnsafeBytes(of: UInt32(batch.rows).littleEndian) { header.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(batch.bytes.count).littleEndian) { header.append(contentsOf: $0) }
        guard write(header), write(batch.bytes) else { return false }
        rows += batch.rows
        return true
    }

    private func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Calls `body` with every batch set aside, in order, one in memory at a time, then forgets them.
    public func replay(_ body: (LedgerBatch) -> Void) throws {
        guard descriptor >= 0 else { return }
        defer {
            close(descriptor)
            descriptor = -1
            rows = 0
        }
        guard lseek(descriptor, 0, SEEK_SET) == 0 else { throw overflowError("cannot rewind") }
        func readExactly(_ count: Int) throws -> [UInt8]? {
            var bytes = [UInt8](repeating: 0, count: count)
            var done = 0
            while done < count {
                let got = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + done, count - done) }
                if got < 0 && errno == EINTR { continue }
                if got <= 0 { break }
                done += got
            }
            if done == 0 { return nil }
            guard done == count else { throw overflowError("is truncated") }
            return bytes
        }
        while let header = try readExactly(8) {
            let rows = Int(header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt32.self).littleEndian })
            let size = Int(header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian })
            guard let bytes = try readExactly(size) else { throw overflowError("is truncated") }
            body(LedgerBatch(bytes: bytes, rows: rows))
        }
    }

    private func overflowError(_ what: String) -> PostgresError {
        PostgresError(code: .stream, message: "the temporary file of ledger rows \(what)")
    }
}
