import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Ledger batches set aside in an unlinked temporary file: by the stream's thread whenever the
/// queue is full (so the stream never waits for the matcher, and memory does not grow with the
/// ledger), and by a spilled run for each disk partition.
///
/// The file is unlinked as soon as it is created: it lives in the page cache, never counts in the
/// process's RSS, and disappears with the descriptor whatever happens to the run. Chunks are
/// ``LedgerBatch`` bytes behind `[u32 rows | layout << 24][u32 bytes | padded columns << 24]` (a
/// batch holds far fewer than 2²⁴ rows or bytes).
///
/// One writer and one reader may work at the same time: the writer appends with `pwrite` at its
/// own offset and then publishes the chunk, the reader takes published chunks with `pread` at its
/// own offset (``next()``). This is what lets the matcher work through the rows set aside while
/// the stream goes on adding to them.
public final class LedgerOverflow: @unchecked Sendable {
    /// What the writer has published: the descriptor, the bytes and rows readable.
    private struct Published {
        var descriptor: Int32 = -1
        var bytes = 0
        var rows = 0
    }

    private let published = Mutex(Published())
    private let directory: URL
    // The writer's and the reader's own positions (each touched by one thread only).
    private var writeOffset = 0
    private var readOffset = 0
    private var readRows = 0

    /// - Parameter directory: where the (unlinked) file is created; the system's temporary folder by default.
    public init(directory: URL = FileManager.default.temporaryDirectory) { self.directory = directory }

    deinit {
        let descriptor = published.withLock { $0.descriptor }
        if descriptor >= 0 { close(descriptor) }
    }

    /// Rows appended so far.
    public var rows: Int { published.withLock { $0.rows } }

    /// Rows appended and not yet read back.
    public var unreadRows: Int { published.withLock { $0.rows } - readRows }

    /// Appends a batch (the writer); false when the file cannot be created or written.
    public func append(_ batch: LedgerBatch) -> Bool {
        guard batch.rows > 0 else { return true }
        var descriptor = published.withLock { $0.descriptor }
        if descriptor < 0 {
            let template = directory.appendingPathComponent("tally-ledger-XXXXXX").path
            var path = Array(template.utf8CString)
            descriptor = path.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            if descriptor < 0 && errno == ENOENT {
                // a spill folder (`--state-dir`/spill) is made when it is first needed
                try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                path = Array(template.utf8CString)
                descriptor = path.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            }
            guard descriptor >= 0 else { return false }
            path.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            published.withLock { $0.descriptor = descriptor }
        }
        var header = [UInt8]()
        withUnsafeBytes(of: (UInt32(batch.rows) | UInt32(batch.layout.rawValue) << 24).littleEndian) {
            header.append(contentsOf: $0)
        }
        withUnsafeBytes(of: (UInt32(batch.bytes.count) | UInt32(batch.paddedColumns) << 24).littleEndian) {
            header.append(contentsOf: $0)
        }
        guard write(header, descriptor), write(batch.bytes, descriptor) else { return false }
        let end = writeOffset
        published.withLock {
            $0.bytes = end
            $0.rows += batch.rows
        }
        return true
    }

    private func write(_ bytes: [UInt8], _ descriptor: Int32) -> Bool {
        var done = 0
        while done < bytes.count {
            let written = bytes.withUnsafeBytes {
                pwrite(descriptor, $0.baseAddress! + done, $0.count - done, off_t(writeOffset + done))
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            done += written
        }
        writeOffset += done
        return true
    }

    /// The next published batch not read yet (the reader), or `nil` when the reader has caught up
    /// with the writer.
    public func next() throws -> LedgerBatch? {
        let (descriptor, end) = published.withLock { ($0.descriptor, $0.bytes) }
        guard descriptor >= 0, readOffset < end else { return nil }
        let header = try readExactly(8, descriptor)
        let word = header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt32.self).littleEndian }
        let sizeWord = header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian }
        let size = Int(sizeWord & 0xFF_FFFF)
        guard let layout = LedgerBatch.Layout(rawValue: UInt8(word >> 24)), readOffset + size <= end else {
            throw overflowError("is corrupt")
        }
        let bytes = try readExactly(size, descriptor)
        let rows = Int(word & 0xFF_FFFF)
        readRows += rows
        return LedgerBatch(bytes: bytes, rows: rows, layout: layout, paddedColumns: UInt8(sizeWord >> 24))
    }

    private func readExactly(_ count: Int, _ descriptor: Int32) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + done, count - done, off_t(readOffset + done))
            }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { throw overflowError("is truncated") }
            done += got
        }
        readOffset += count
        return bytes
    }

    /// Calls `body` with every batch appended, in order, one in memory at a time, then closes the
    /// file (once the writer is done).
    public func replay(_ body: (LedgerBatch) -> Void) throws {
        defer {
            published.withLock {
                if $0.descriptor >= 0 { close($0.descriptor) }
                $0 = Published()
            }
        }
        while let batch = try next() { body(batch) }
    }

    private func overflowError(_ what: String) -> PostgresError {
        PostgresError(code: .stream, message: "the temporary file of ledger rows \(what)")
    }
}
