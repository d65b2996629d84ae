import Foundation
import TallyDigest

#if canImport(Glibc)
import Glibc
#endif

/// A settlement file of a run: its path, its position in the run, and its digest.
public struct SettlementFile: Sendable, Hashable {
    public var path: String
    /// Position in the run's file list (what ``TallyCore/SourceLocation/file`` refers to).
    public var index: Int

    public init(path: String, index: Int) {
        self.path = path
        self.index = index
    }

    /// Opens the file for reading.
    ///
    /// - Throws: ``IngestError`` `.fileMissing` when it does not exist, `.unreadable` otherwise.
    public func open() throws(IngestError) -> Int32 {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT {
                throw IngestError(code: .fileMissing, message: "no such file; check the path", path: path)
            }
            throw IngestError(code: .unreadable, message: "cannot open: \(String(cString: strerror(code)))", path: path)
        }
        var info = stat()
        if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw IngestError(code: .unreadable, message: "is a directory, not a settlement file", path: path)
        }
        return descriptor
    }

    /// Checks that the file exists and can be read, without reading it.
    public func checkReadable() throws(IngestError) {
        close(try open())
    }

    /// Size in bytes (0 when unknown).
    public var size: Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// SHA-256 of the whole file as lower-case hex, read in 1 MiB chunks.
    public func sha256() throws(IngestError) -> String {
        let digester = try Digester(self)
        while try digester.step() {}
        return digester.hex
    }

    /// The SHA-256 of a file computed a slice at a time, so that a thread can hash it whenever it
    /// would otherwise wait (see ``TallyPostgres/LedgerStream``).
    public final class Digester {
        public let file: SettlementFile
        private let descriptor: Int32
        private let hasher = SHA256()
        private var buffer = [UInt8](repeating: 0, count: 1 << 20)
        /// The digest in lower-case hex, once ``step()`` returned false.
        public private(set) var hex = ""

        public init(_ file: SettlementFile) throws(IngestError) {
            self.file = file
            descriptor = try file.open()
        }

        deinit { close(descriptor) }

        /// Hashes the next 1 MiB (or what is left).
        ///
        /// - Returns: false once the whole file is hashed (``hex`` is then set).
        public func step() throws(IngestError) -> Bool {
            guard hex.isEmpty else { return false }
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw IngestError(
                        code: .unreadable, message: "read failed: \(String(cString: strerror(errno)))", path: file.path)
                }
                if count > 0 {
                    buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                    return true
                }
                hex = hasher.finalize().lowercaseHex
                return false
            }
        }
    }
}
