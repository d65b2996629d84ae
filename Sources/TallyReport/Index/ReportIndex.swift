import Foundation
import Synchronization
import TallyCore

#if canImport(Glibc)
import Glibc
#endif

/// `index.html` of a reports root: the latest runs per provider, so a shared folder of reports is
/// browsable.
///
/// It is built from the `report.json` files found at `<root>/<provider>/<folder>/report.json` (the
/// default layout `reports/<provider>/<from>_<to>/`), not from the store, so it covers dry runs and
/// works wherever the folder is copied. Each run rewrites it, atomically, after swapping in its own
/// reports; two runs finishing together may leave the one written first, and the next run corrects it.
///
/// ```swift
/// let path = try ReportIndex.write(root: "reports")   // "reports/index.html"
/// ```
public enum ReportIndex {
    /// Windows listed per provider; older report folders are counted, not read.
    public static let windowsPerProvider = 30

    /// One report as the index lists it.
    public struct Entry: Sendable, Hashable {
        /// The provider folder and the report folder, relative to the root.
        public var providerFolder: String
        public var folder: String
        public var provider: String
        public var from: String
        public var to: String
        public var runID: String
        public var dryRun: Bool
        public var finishedAt: String
        public var supersedes: String?
        public var settlementTransactions: Int
        public var matched: Int
        public var high: Int
        public var medium: Int
        public var info: Int
        public var rejects: Int
        public var controlsFailed: Int
        /// The provider's open items after the run (tonight's and earlier windows'), by severity.
        public var openHigh: Int = 0
        public var openMedium: Int = 0

        /// `action needed` (a high break, a high open item or a failed control), `review` (a
        /// medium one) or `clean`: a night is clean only when nothing high is open.
        public var status: String {
            if high > 0 || openHigh > 0 || controlsFailed > 0 { return "action needed" }
            return medium > 0 || openMedium > 0 ? "review" : "clean"
        }
    }

    /// The reports of one provider folder, newest window first.
    public struct ProviderReports: Sendable, Hashable {
        public var folder: String
        public var entries: [Entry]
    }

    /// What a scan found.
    public struct Listing: Sendable, Hashable {
        /// Provider folders sorted by name.
        public var providers: [ProviderReports]
        /// Report folders past ``windowsPerProvider`` per provider folder, not read.
        public var older: [String: Int]
        /// `report.json` files that could not be read, relative to the root, sorted.
        public var unreadable: [String]
    }

    /// Reads the reports under `root`: folder names in byte order (so `<from>_<to>` folders come
    /// newest first when reversed), at most `limit` readable reports per provider folder.
    public static func scan(root: String, limit: Int = windowsPerProvider) -> Listing {
        let files = FileManager.default
        var providers: [ProviderReports] = []
        var older: [String: Int] = [:]
        var unreadable: [String] = []
        for providerFolder in folders(in: root) {
            let providerPath = (root as NSString).appendingPathComponent(providerFolder)
            var entries: [Entry] = []
            for folder in folders(in: providerPath).reversed() {
                let relative = providerFolder + "/" + folder + "/report.json"
                let path = (root as NSString).appendingPathComponent(relative)
                guard files.fileExists(atPath: path) else { continue }
                guard entries.count < limit else {
                    older[providerFolder, default: 0] += 1
                    continue
                }
                guard let data = files.contents(atPath: path),
                    let document = try? JSONDecoder().decode(IndexedReport.self, from: data)
                else {
                    unreadable.append(relative)
                    continue
                }
                entries.append(document.entry(providerFolder: providerFolder, folder: folder))
            }
            guard !entries.isEmpty else { continue }
            entries.sort { ($0.to, $0.from, $0.finishedAt, $0.folder) > ($1.to, $1.from, $1.finishedAt, $1.folder) }
            providers.append(ProviderReports(folder: providerFolder, entries: entries))
        }
        return Listing(providers: providers, older: older, unreadable: unreadable.sorted())
    }

    /// Visible subfolders of `path`, sorted by their names' bytes.
    static func folders(in path: String) -> [String] {
        let files = FileManager.default
        let names = (try? files.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { name in
            var isFolder: ObjCBool = false
            return !name.hasPrefix(".")
                && files.fileExists(atPath: (path as NSString).appendingPathComponent(name), isDirectory: &isFolder)
                && isFolder.boolValue
        }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Scans `root` and writes `root/index.html` atomically: into `.index.html.tally-<pid>`, then
    /// renamed over it. First it removes the temporaries of index writes that were killed
    /// (``removeLeftovers(root:)``).
    ///
    /// - Returns: the path written.
    /// - Throws: when the file cannot be written.
    @discardableResult
    public static func write(root: String) throws -> String {
        // the temporary is named by the process: the runs of `tally run --jobs` take turns
        try writing.withLock { _ throws in try writeAlone(root: root) }
    }

    /// One index write of this process at a time.
    private static let writing = Mutex(())

    private static func writeAlone(root: String) throws -> String {
        removeLeftovers(root: root)
        let path = (root as NSString).appendingPathComponent("index.html")
        let temporary = (root as NSString).appendingPathComponent("\(temporaryPrefix)\(getpid())")
        do {
            try FileCalls.create(temporary, render(scan(root: root)), faultPoint: "index-write")
            try FileCalls.rename(temporary, path)
        } catch {
            unlink(temporary)
            throw error
        }
        return path
    }

    static let temporaryPrefix = ".index.html.tally-"

    /// Removes the index temporaries of killed writes. The index is shared by every provider's
    /// runs, and no lock covers it: a temporary goes only when its writer's pid is dead and it is
    /// over a minute old (a writer on another machine sharing the folder is not known here; an
    /// index is written in milliseconds), or when it is an earlier version's and ten minutes old.
    ///
    /// - Returns: the paths removed.
    @discardableResult
    public static func removeLeftovers(root: String) -> [String] {
        StaleFiles.remove(in: root) { name, path in
            if let pid = StaleFiles.pid(in: name, prefix: temporaryPrefix) {
                return StaleFiles.isLeftover(path, pid: pid, minimumAge: 60)
            }
            return StaleFiles.isLegacyTemporary(name, of: ["index.html"]) && FileCalls.age(path) > StaleFiles.legacyAge
        }
    }
}

/// The few fields of `report.json` the index needs.
struct IndexedReport: Decodable {
    struct Run: Decodable {
        struct Window: Decodable {
            var from: String
            var to: String
        }
        var id: String
        var provider: String
        var window: Window
        var dryRun: Bool
        var finishedAt: String
        var supersedes: String?

        enum CodingKeys: String, CodingKey {
            case id, provider, window, supersedes
            case dryRun = "dry_run"
            case finishedAt = "finished_at"
        }
    }

    struct Summary: Decodable {
        struct Count: Decodable { var count: Int }
        var settlementTransactions: Int
        var matched: Int
        var breaks: [String: Count]
        var rejects: Int?

        enum CodingKeys: String, CodingKey {
            case matched, breaks, rejects
            case settlementTransactions = "settlement_transactions"
        }
    }

    struct Control: Decodable { var ok: Bool }
    struct Item: Decodable {
        var `class`: String
    }

    var run: Run
    var summary: Summary
    var controls: [Control]
    /// Absent from reports of versions before open items were listed.
    var openItems: [Item]?

    enum CodingKeys: String, CodingKey {
        case run, summary, controls
        case openItems = "open_items"
    }

    func entry(providerFolder: String, folder: String) -> ReportIndex.Entry {
        var severities: [Severity: Int] = [:]
        for (name, entry) in summary.breaks {
            guard let breakClass = BreakClass(rawValue: name) else { continue }
            severities[breakClass.severity, default: 0] += entry.count
        }
        return ReportIndex.Entry(
            providerFolder: providerFolder, folder: folder, provider: run.provider, from: run.window.from,
            to: run.window.to, runID: run.id, dryRun: run.dryRun, finishedAt: run.finishedAt,
            supersedes: run.supersedes, settlementTransactions: summary.settlementTransactions,
            matched: summary.matched, high: severities[.high] ?? 0, medium: severities[.medium] ?? 0,
            info: severities[.info] ?? 0, rejects: summary.rejects ?? 0, controlsFailed: controls.filter { !$0.ok }.count,
            openHigh: openCount(.high), openMedium: openCount(.medium))
    }

    func openCount(_ severity: Severity) -> Int {
        (openItems ?? []).filter { BreakClass(rawValue: $0.class)?.severity == severity }.count
    }
}
