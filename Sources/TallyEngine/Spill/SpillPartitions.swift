import Foundation
import TallyCore
import TallyPostgres

#if canImport(Glibc)
import Glibc
#endif

/// Disk partitions of a run whose settlement index would not fit `--memory-limit`: both sides
/// hash-partitioned on the reference, so that every settlement line and ledger row of a reference
/// land in the same partition, which is then reconciled on its own.
///
/// Settlement records are `[u32 reference length][reference][u8 kind][u32 currency][i64 amount]
/// [i32 file][i64 line]`; ledger rows go in ``TallyPostgres/LedgerBatch`` chunks to an unlinked
/// ``TallyPostgres/LedgerOverflow`` file per partition. Each side of each partition buffers at most
/// ``bufferBytes`` before a `write(2)`, so the buffers stay small whatever the file size. The folder
/// is removed when the run ends.
final class SpillPartitions {
    static let bufferBytes = 16 << 10
    let count: Int
    let directory: URL
    private var settlement: [Writer]
    private var ledger: [LedgerOverflow]
    private var ledgerBatches: [LedgerBatch]
    /// Settlement records per partition (to size each partition's index).
    private(set) var settlementCounts: [Int]

    init(count: Int, under parent: URL) throws {
        self.count = count
        let folder = parent.appendingPathComponent("tally-spill-\(UUID().uuidString.lowercased())")
        directory = folder
        do {
            if let code = WriteFault.injected("spill-folder") { throw Folders.Failure(path: folder.path, code: code) }
            try Folders.make(folder.path)
        } catch let error as Folders.Failure {
            throw Self.failure(under: parent.path, code: error.code)
        }
        settlement = try (0..<count).map { try Writer(path: folder.appendingPathComponent("s\($0)").path, parent: parent.path) }
        ledger = (0..<count).map { _ in LedgerOverflow(directory: folder) }
        ledgerBatches = (0..<count).map { _ in LedgerBatch(reservingBytes: 0) }
        settlementCounts = Array(repeating: 0, count: count)
    }

    deinit { remove() }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The partition of a reference: FNV-1a of its bytes (the kind is left out, so the rows of
    /// every kind of a reference meet).
    func partition(of reference: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in reference { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(hash % UInt64(count))
    }

    func partition(of reference: String) -> Int {
        var text = reference
        return text.withUTF8 { partition(of: $0) }
    }

    func writeSettlement(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, location: SourceLocation
    ) throws {
        let number = partition(of: reference)
        settlementCounts[number] += 1
        let writer = settlement[number]
        writer.append(UInt32(reference.count))
        writer.buffer.append(contentsOf: reference)
        writer.buffer.append(kind.rawValue)
        writer.append(amount.currency.packed)
        writer.append(UInt64(bitPattern: amount.minor))
        writer.append(UInt32(bitPattern: Int32(truncatingIfNeeded: location.file)))
        writer.append(UInt64(bitPattern: Int64(location.line)))
        try writer.flushIfFull()
    }

    func writeLedger(_ fields: LedgerFields) throws {
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        let number = partition(of: fields[0] ?? empty)
        ledgerBatches[number].append(fields)
        if ledgerBatches[number].bytes.count >= Self.bufferBytes { try flushLedger(number) }
    }

    private func flushLedger(_ number: Int) throws {
        if let code = WriteFault.injected("spill-write") { throw Self.failure(under: directory.path, code: code) }
        guard ledger[number].append(ledgerBatches[number]) else {
            throw Self.failure(under: directory.path, code: errno)
        }
        ledgerBatches[number] = LedgerBatch(reservingBytes: 0)
    }

    /// A spill write that failed: exit 73 when the folder is full, over quota, read-only or not
    /// ours (the operator frees space or points `--state-dir` elsewhere), 70 for anything else.
    static func failure(under folder: String, code: Int32) -> RunError {
        let reason = String(cString: strerror(code))
        guard WriteFault.isCannotCreate(code) else {
            return RunError(code: .internalFailure, message: "cannot write a spill file under \(folder): \(reason)")
        }
        return RunError(
            code: .cannotWriteSpill,
            message:
                "cannot write the spill files under \(folder): \(reason); free space there, or give --state-dir a folder on a larger disk (the partitions go to <state-dir>/spill)"
        )
    }

    /// Writes out the settlement records still buffered and closes those files.
    func finishSettlement() throws {
        for writer in settlement {
            try writer.flush()
            writer.close()
        }
    }

    /// Writes out the ledger rows still buffered.
    func finishLedger() throws {
        for number in 0..<count { try flushLedger(number) }
    }

    /// Calls `body` with each settlement record of a partition, in the order they were written.
    func forEachSettlement(
        _ number: Int, _ body: (UnsafeBufferPointer<UInt8>, TransactionKind, Money, SourceLocation) -> Void
    ) throws {
        let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent("s\(number)")))
        try bytes.withUnsafeBufferPointer { buffer in
            var reader = ByteReader(buffer)
            while !reader.atEnd {
                let length = Int(try reader.uint32())
                let reference = try reader.bytes(length)
                guard let kind = TransactionKind(rawValue: try reader.uint8()),
                    let currency = Currency(packed: try reader.uint32())
                else { throw SpillCorrupt() }
                let minor = Int64(bitPattern: try reader.uint64())
                let file = Int(Int32(bitPattern: try reader.uint32()))
                let line = Int(Int64(bitPattern: try reader.uint64()))
                body(reference, kind, Money(minor: minor, currency: currency), SourceLocation(file: file, line: line))
            }
        }
    }

    /// Calls `body` with each chunk of ledger rows of a partition, one chunk in memory at a time.
    func forEachLedgerBatch(_ number: Int, _ body: (LedgerBatch) -> Void) throws {
        try ledger[number].replay(body)
    }

    /// The settlement side of one partition: an append-only file with a small buffer.
    final class Writer {
        let descriptor: Int32
        /// The spill folder, as failures name it.
        let folder: String
        var buffer: [UInt8] = []

        init(path: String, parent: String) throws {
            folder = (path as NSString).deletingLastPathComponent
            descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw SpillPartitions.failure(under: parent, code: errno) }
            buffer.reserveCapacity(SpillPartitions.bufferBytes + 256)
        }

        func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) } }
        func append(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) } }

        func flushIfFull() throws {
            if buffer.count >= SpillPartitions.bufferBytes { try flush() }
        }

        func flush() throws {
            var offset = 0
            while offset < buffer.count {
                if let code = WriteFault.injected("spill-write") { throw SpillPartitions.failure(under: folder, code: code) }
                let written = buffer.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw SpillPartitions.failure(under: folder, code: written < 0 ? errno : EIO) }
                offset += written
            }
            buffer.removeAll(keepingCapacity: true)
        }

        func close() { Glibc.close(descriptor) }
    }
}

/// A spill file that does not read back as written.
struct SpillCorrupt: Error, CustomStringConvertible {
    var description: String { "a spill file is truncated or corrupt" }
}

/// Little-endian reads over a buffer, bounds-checked.
struct ByteReader {
    let buffer: UnsafeBufferPointer<UInt8>
    var offset = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

    var atEnd: Bool { offset >= buffer.count }

    mutating func bytes(_ count: Int) throws -> UnsafeBufferPointer<UInt8> {
        guard count >= 0, offset + count <= buffer.count else { throw SpillCorrupt() }
        defer { offset += count }
        return UnsafeBufferPointer(rebasing: buffer[offset..<offset + count])
    }

    mutating func uint8() throws -> UInt8 { try bytes(1)[0] }

    mutating func uint32() throws -> UInt32 {
        let raw = try bytes(4)
        return UnsafeRawBufferPointer(raw).loadUnaligned(as: UInt32.self).littleEndian
    }

    mutating func uint64() throws -> UInt64 {
        let raw = try bytes(8)
        return UnsafeRawBufferPointer(raw).loadUnaligned(as: UInt64.self).littleEndian
    }
}
