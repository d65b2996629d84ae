import Foundation
import TallyCore

#if canImport(Glibc)
import Glibc
#endif

/// A run's report folder, replaced as a whole: the new reports are written into a hidden staging
/// folder and put in place only once every file is complete, so the folder always holds one run's
/// whole set — the old one until the swap, the new one after — and a failed write leaves the old
/// set as it was.
///
/// The staging folder is `.<folder>.tally-<pid>` beside the report folder (hidden, so
/// `reports/index.html` never lists it). The swap is one `renameat2(RENAME_EXCHANGE)` where the
/// filesystem has it: a finance person opening `report.html` at any moment gets the whole old set
/// or the whole new one. Elsewhere the old folder is renamed aside and the new one in: for the
/// moment between the two renames the folder is absent, never mixed. A folder that holds anything
/// but the reports (an `--out` shared with other files) is never swapped: the set is staged in
/// `<folder>/.tally-<pid>` and renamed in file by file (each whole), `report.json` last.
///
/// ```swift
/// let staged = try ReportFolder(directory: out).stage(rendered)   // nothing visible yet
/// let paths = try staged.publish()                                // the new set, at once
/// ```
public struct ReportFolder: Sendable {
    /// The report folder.
    public let directory: String
    /// The file names a report folder holds; any other entry makes the folder shared.
    static let reportNames = ReportWriter.reports.map(\.name)

    public init(directory: String) {
        var directory = directory
        while directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
        self.directory = directory
    }

    var parent: String {
        let parent = (directory as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }
    var name: String { (directory as NSString).lastPathComponent }
    /// `.`, `..` or `/` cannot be renamed: such a folder always takes its reports file by file.
    var isRenamable: Bool { ![".", "..", "/", ""].contains(name) }
    /// The sibling staging folders of this report folder (`.<folder>.tally-<pid>`, `….tally-old-<pid>`).
    var siblingPrefixes: [String] { [".\(name).tally-", ".\(name).tally-old-"] }
    static let insidePrefix = ".tally-"

    /// New reports written aside, not yet visible.
    public struct Staged: Sendable {
        let folder: ReportFolder
        let staging: String
        /// The set goes in file by file (a shared folder), not as a whole folder.
        let fileByFile: Bool
        let names: [String]

        /// Puts the staged set in place of the folder's reports.
        ///
        /// - Returns: the paths of the reports, in the order they were rendered (JSON first).
        public func publish() throws(ReportFileError) -> [String] {
            if fileByFile {
                // report.json last: a machine or the index that sees it finds its html and csv beside it
                for name in names.sorted(by: { ($0 == "report.json" ? 1 : 0) < ($1 == "report.json" ? 1 : 0) }) {
                    try FileCalls.rename(path(name, in: staging), path(name, in: folder.directory))
                }
                rmdir(staging)
                FileCalls.syncFolder(folder.directory)
            } else if FileCalls.status(folder.directory) == nil {
                try FileCalls.rename(staging, folder.directory)
                FileCalls.syncFolder(folder.parent)
            } else {
                try swapWhole()
            }
            return names.map { path($0, in: folder.directory) }
        }

        private func swapWhole() throws(ReportFileError) {
            let old: String
            if FileCalls.exchange(staging, folder.directory) {
                old = staging
            } else {
                old = path(".\(folder.name).tally-old-\(getpid())", in: folder.parent)
                try? FileManager.default.removeItem(atPath: old)
                try FileCalls.rename(folder.directory, old)
                do { try FileCalls.rename(staging, folder.directory) } catch {
                    try? FileCalls.rename(old, folder.directory)
                    throw error
                }
            }
            FileCalls.syncFolder(folder.parent)
            // what else came into the old folder meanwhile is kept: moved into the new one
            for entry in FileCalls.entries(old) where !ReportFolder.reportNames.contains(entry) {
                let target = path(entry, in: folder.directory)
                if FileCalls.status(target) == nil { try? FileCalls.rename(path(entry, in: old), target) }
            }
            try? FileManager.default.removeItem(atPath: old)
        }

        /// Removes the staged set (the run is not stored: the folder keeps its reports).
        public func discard() {
            try? FileManager.default.removeItem(atPath: staging)
        }

        func path(_ name: String, in folder: String) -> String { (folder as NSString).appendingPathComponent(name) }
    }

    /// Writes `rendered` into a staging folder, each file flushed to the disk; nothing in the
    /// report folder changes. On a failure the staging folder is removed again.
    public func stage(_ rendered: ReportWriter.Rendered) throws(ReportFileError) -> Staged {
        let existing = FileCalls.status(directory)
        let shared = !isRenamable || (existing.map { !FileCalls.isFolder($0) || !isOnlyReports() } ?? false)
        if existing == nil {
            do { try Folders.make(parent) } catch { throw ReportFileError(path: error.path, code: error.code) }
        }
        let staging =
            shared
            ? (directory as NSString).appendingPathComponent("\(Self.insidePrefix)\(getpid())")
            : (parent as NSString).appendingPathComponent(".\(name).tally-\(getpid())")
        // one left by an earlier process that had this pid (a container's pids repeat)
        try? FileManager.default.removeItem(atPath: staging)
        try FileCalls.makeFolder(staging)
        // the new folder keeps the old one's permissions (a group-shared folder stays shared)
        if !shared, let existing { chmod(staging, existing.st_mode & 0o7777) }
        do {
            for (name, bytes) in rendered.files {
                try FileCalls.create((staging as NSString).appendingPathComponent(name), bytes, faultPoint: "report-write")
            }
            // a partial set (`tally report --format html`) keeps the folder's other reports
            for name in Self.reportNames where !shared && !rendered.files.contains(where: { $0.name == name }) {
                let kept = (directory as NSString).appendingPathComponent(name)
                guard FileCalls.status(kept) != nil else { continue }
                try FileCalls.link(kept, (staging as NSString).appendingPathComponent(name))
            }
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        FileCalls.syncFolder(staging)
        return Staged(folder: self, staging: staging, fileByFile: shared, names: rendered.files.map(\.name))
    }

    /// True when the folder holds the reports and nothing else (hidden files aside, which a swap keeps).
    func isOnlyReports() -> Bool {
        FileCalls.entries(directory).allSatisfy { Self.reportNames.contains($0) || $0.hasPrefix(".") }
    }

    /// Removes what runs killed while writing this folder left: Tally's staging folders whose
    /// writer is gone, and an earlier version's temporary report files once they are old.
    ///
    /// Call it only under the provider's lock, so that no other run is writing this folder.
    /// - Returns: the paths removed.
    @discardableResult
    public func removeLeftovers() -> [String] {
        let prefixes = isRenamable ? siblingPrefixes : []
        var removed =
            prefixes.isEmpty
            ? []
            : StaleFiles.remove(in: parent) { entry, path in
                prefixes.compactMap { StaleFiles.pid(in: entry, prefix: $0) }.first.map {
                    StaleFiles.isLeftover(path, pid: $0)
                } ?? false
            }
        removed += StaleFiles.remove(in: directory) { entry, path in
            if let pid = StaleFiles.pid(in: entry, prefix: Self.insidePrefix) { return StaleFiles.isLeftover(path, pid: pid) }
            return StaleFiles.isLegacyTemporary(entry, of: Self.reportNames) && FileCalls.age(path) > StaleFiles.legacyAge
        }
        return removed
    }
}
