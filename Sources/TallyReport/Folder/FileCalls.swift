import Foundation
import TallyCore

#if canImport(Glibc)
import Glibc
#endif

/// A file or folder of the reports that could not be written, with the system's reason.
public struct ReportFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var code: Int32

    public var description: String { "\(path): \(String(cString: strerror(code)))" }
    /// A full, over-quota or read-only disk, or a folder not ours to write (exit 73, not a bug).
    public var isCannotCreate: Bool { WriteFault.isCannotCreate(code) }
}

/// The few system calls the report folder needs, each failing with the path it was about.
enum FileCalls {
    /// Writes `bytes` to a new file at `path` and flushes it to the disk (``TallyCore/Folders/create(_:_:mode:faultPoint:)``).
    static func create(_ path: String, _ bytes: [UInt8], faultPoint: String) throws(ReportFileError) {
        do { try Folders.create(path, bytes, faultPoint: faultPoint) } catch {
            throw ReportFileError(path: error.path, code: error.code)
        }
    }

    static func makeFolder(_ path: String, mode: mode_t = 0o755) throws(ReportFileError) {
        guard mkdir(path, mode) == 0 else { throw ReportFileError(path: path, code: errno) }
    }

    /// A second name for a file (same folder's filesystem): it costs no space and cannot be half done.
    static func link(_ existing: String, _ new: String) throws(ReportFileError) {
        guard Glibc.link(existing, new) == 0 else { throw ReportFileError(path: new, code: errno) }
    }

    static func rename(_ from: String, _ to: String) throws(ReportFileError) {
        guard Glibc.rename(from, to) == 0 else { throw ReportFileError(path: to, code: errno) }
    }

    /// Flushes a folder's entries (a rename in it) to the disk; best effort, as some filesystems refuse.
    static func syncFolder(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// glibc's `renameat2`, looked up at run time: Swift's Glibc module does not declare it
    /// (it is behind `_GNU_SOURCE`), and an older libc may not have it.
    static let renameat2: RenameAt2? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2").map {
        unsafeBitCast($0, to: RenameAt2.self)
    }

    /// Swaps two paths in one step (`RENAME_EXCHANGE`); false where the system or the filesystem
    /// cannot (then nothing was changed).
    static func exchange(_ first: String, _ second: String) -> Bool {
        guard let renameat2 else { return false }
        let renameExchange: UInt32 = 2  // RENAME_EXCHANGE of <linux/fs.h>
        return renameat2(AT_FDCWD, first, AT_FDCWD, second, renameExchange) == 0
    }

    /// What `lstat` says is at `path`: nil when nothing is there.
    static func status(_ path: String) -> stat? {
        var info = stat()
        return lstat(path, &info) == 0 ? info : nil
    }

    static func isFolder(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFDIR }

    /// Seconds since `path` was last modified (0 when it cannot be read).
    static func age(_ path: String) -> Double {
        guard let info = status(path) else { return 0 }
        return Date().timeIntervalSince1970 - (Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
    }

    /// True while a process `pid` exists on this machine (one we may not signal counts as alive).
    static func isAlive(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }

    static func entries(_ path: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    }
}
