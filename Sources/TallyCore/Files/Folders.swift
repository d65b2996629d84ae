import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `mkdir -p` through the system calls themselves, so a failure carries the real `errno` and the
/// component it happened at. (Foundation's `createDirectory(withIntermediateDirectories:)` reports
/// "NSCocoaErrorDomain error 512" with no underlying error on Linux for a parent that is a file.)
public enum Folders {
    /// A folder that could not be made: the path where it failed and why.
    public struct Failure: LocalizedError, Sendable, CustomStringConvertible {
        public var path: String
        public var code: Int32
        public var description: String { "\(path): \(String(cString: strerror(code)))" }
        public var errorDescription: String? { description }

        public init(path: String, code: Int32) {
            self.path = path
            self.code = code
        }
    }

    /// Creates `path` and every missing folder above it (mode 0777 less the umask); an existing
    /// folder is fine.
    ///
    /// - Throws: ``Failure`` naming the first component that could not be made, or that exists but
    ///   is not a folder (`ENOTDIR`).
    public static func make(_ path: String) throws(Failure) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if mkdir(prefix, 0o777) == 0 { continue }
            let code = errno
            var status = stat()
            if stat(prefix, &status) == 0 {
                if status.st_mode & S_IFMT == S_IFDIR { continue }
                throw Failure(path: prefix, code: ENOTDIR)
            }
            throw Failure(path: prefix, code: code == EEXIST ? ENOTDIR : code)
        }
    }
}

extension Folders {
    /// Writes `bytes` to a new file at `path` (replacing one there) and flushes it to the disk, so
    /// a rename that follows never publishes a file the disk does not hold yet. `faultPoint` names
    /// the ``WriteFault`` that tests may inject between writes.
    public static func create(
        _ path: String, _ bytes: [UInt8], mode: mode_t = 0o644, faultPoint: String? = nil
    ) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Failure(path: path, code: errno) }
        defer { close(descriptor) }
        func injected() -> Int32? { faultPoint.flatMap(WriteFault.injected) }
        var done = 0
        while done < bytes.count {
            if let code = injected() { throw Failure(path: path, code: code) }
            let written = bytes.withUnsafeBytes { buffer in
                buffer.baseAddress.map { write(descriptor, $0 + done, buffer.count - done) } ?? 0
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw Failure(path: path, code: written < 0 ? errno : EIO) }
            done += written
        }
        if let code = injected() { throw Failure(path: path, code: code) }
        guard fsync(descriptor) == 0 else { throw Failure(path: path, code: errno) }
    }

    /// Writes `bytes` to `path` atomically (``create(_:_:mode:faultPoint:)`` of a temporary file
    /// beside it, then a rename over it), making the folder first; failures carry the real `errno`
    /// and the path they were about, and leave no temporary behind.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(Failure) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try make(folder) }
        let temporary = "\(folder.isEmpty ? "." : folder)/.\((path as NSString).lastPathComponent).tally-\(getpid())"
        do {
            try create(temporary, bytes, mode: mode)
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw Failure(path: path, code: code)
        }
    }
}
