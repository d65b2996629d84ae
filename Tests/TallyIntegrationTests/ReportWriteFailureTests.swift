import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A run whose reports cannot be written (a full disk) is not stored, supersedes nothing, sends
/// one alert — the failure — and leaves the previous report set whole; a killed run's temporary
/// files are removed by the next run of the folder.
@Suite(.freshDatabase, .serialized) struct ReportWriteFailureTests {
    let cli = CommandLineTests()
    let alertsCLI = AlertCommandTests()

    func withDirectory<R>(_ body: (URL) throws -> R) throws -> R {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-reportfail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    /// Every entry under `folder` (hidden ones too) with its bytes.
    static func tree(_ folder: String) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            files[relative] = FileManager.default.contents(atPath: folder + "/" + relative) ?? Data()
        }
        return files
    }

    /// `(state, superseded)` of the provider's runs, oldest first.
    func runs(_ db: PostgresConnection) throws -> [String] {
        try db.query("SELECT state, superseded_by IS NOT NULL FROM tally.runs ORDER BY started_at").map {
            "\($0[0]!)\($0[1] == "t" ? " superseded" : "")"
        }
    }

    /// Night one writes its reports; the rerun of the window, whose report write fails as `fault`
    /// makes it, must change nothing on disk and store nothing but a failed run.
    func rerunFailing(
        environment fault: [String: String], reportsRoot: (URL) throws -> String, betweenRuns: () throws -> Void = {}
    ) throws {
        try withDirectory { directory in
            try cli.withScenario { file, _ in
                let db = try PostgresConnection(url: FreshDatabase.url)
                try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
                let root = try reportsRoot(directory)
                let out = root + "/acmepay/2026-03-10_2026-03-11"
                let arguments = cli.runArguments(file, out) + ["--database-url", FreshDatabase.url]
                let first = try cli.tally(arguments)
                #expect(first.status == 0, "\(first.output)")
                try betweenRuns()
                let before = Self.tree(root)
                #expect(before.keys.contains("index.html") && before.keys.contains("acmepay/2026-03-10_2026-03-11/report.html"))
                try WebhookReceiver.with(secret: AlertCommandTests.secret) { receiver in
                    // only the rerun alerts: before the fix its high breaks were sent as tally.run.alert too
                    let alerts = try alertsCLI.rules(receiver.base + "/ok", in: directory)
                    var environment = AlertCommandTests.environment
                    environment.merge(fault) { $1 }
                    let failed = try cli.tally(
                        arguments + ["--alerts", alerts, "--state-dir", directory.path + "/state"], environment: environment)
                    #expect(failed.status == 73, "\(failed.output)")
                    #expect(failed.stderr.contains("cannot write the reports to \(out)"), "\(failed.stderr)")
                    #expect(failed.stderr.contains("No space left on device"), "\(failed.stderr)")
                    let received = try receiver.deliveries(to: "/ok")
                    #expect(received.count == 1, "\(received.map(\.body))")
                    let body = try JSONSerialization.jsonObject(with: Data((received.first?.body ?? "{}").utf8)) as? [String: Any]
                    #expect(body?["type"] as? String == "tally.run.failed")
                    #expect((body?["data"] as? [String: Any])?["exit_status"] as? Int == 73)
                }
                // the old set, byte for byte, and nothing beside it (no staging folder, no temporary)
                #expect(Self.tree(root) == before)
                #expect(try runs(db) == ["succeeded", "failed"])
                let outbox = try db.query("SELECT event FROM tally.alert_outbox ORDER BY id").map { $0[0]! }
                #expect(outbox == ["tally.run.failed"])
            }
        }
    }

    @Test func aRerunWhoseReportsCannotBeWrittenIsNotStoredAndLeavesTheOldSetWhole() throws {
        try rerunFailing(environment: ["TALLY_FAIL_WRITE": "report-write:ENOSPC"]) { $0.path + "/reports" }
    }

    /// The same on a real full disk: a tmpfs holding night one's reports, shrunk to what it holds.
    @Test(.enabled(if: TinyDisk.canMount)) func aRerunOnARealFullDiskIsNotStoredAndLeavesTheOldSetWhole() throws {
        var disk: TinyDisk?
        defer { disk?.unmount() }
        try rerunFailing(
            environment: [:],
            reportsRoot: { directory in
                let mounted = try TinyDisk(at: directory.path + "/reports", bytes: 16 << 20)
                disk = mounted
                return mounted.path
            },
            betweenRuns: { try disk?.shrink(spare: 8 << 10) })
    }

    @Test func aRunKilledWhileWritingItsReportsLeavesNothingTheNextRunKeeps() throws {
        try withDirectory { directory in
            try cli.withScenario { file, _ in
                let db = try PostgresConnection(url: FreshDatabase.url)
                try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
                let root = directory.path + "/reports"
                let out = root + "/acmepay/2026-03-10_2026-03-11"
                let arguments = cli.runArguments(file, out) + ["--database-url", FreshDatabase.url]
                #expect(try cli.tally(arguments).status == 0)
                let killed = try cli.tally(arguments, environment: ["TALLY_CRASH_AT": "reports-staged"])
                #expect(killed.status == 137, "\(killed.output)")
                let left = try FileManager.default.contentsOfDirectory(atPath: root + "/acmepay").filter { $0.hasPrefix(".") }
                #expect(left.count == 1, "the killed run's staging folder: \(left)")
                // what earlier versions' kills left: Foundation's temporaries of the reports and the index
                let stale = [out + "/.report.json.Ab12Cd", out + "/.dat.nosyncB24.lHyHyG", root + "/.index.html.Qw09Er"]
                for path in stale {
                    try "{\"trunc".write(toFile: path, atomically: false, encoding: .utf8)
                    try FileManager.default.setAttributes(
                        [.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: path)
                }
                let next = try cli.tally(arguments)
                #expect(next.status == 0, "\(next.output)")
                #expect(next.stderr.contains("removed 3 temporary report files of killed runs"), "\(next.stderr)")
                let hidden = Self.tree(root).keys.filter { $0.split(separator: "/").contains { $0.hasPrefix(".") } }
                #expect(hidden.isEmpty, "\(hidden.sorted())")
                #expect(try runs(db) == ["succeeded superseded", "failed", "succeeded"])
            }
        }
    }
}

/// A tmpfs of a few MB mounted for a test (as root, where mounting is allowed), to fill for real.
struct TinyDisk {
    let path: String

    static let canMount: Bool = {
        guard getuid() == 0 else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("tally-mount-probe-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard (try? Subprocess.run("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]))?.status == 0 else { return false }
        _ = try? Subprocess.run("umount", [probe])
        return true
    }()

    init(at path: String, bytes: Int) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let mounted = try Subprocess.run("mount", ["-t", "tmpfs", "-o", "size=\(bytes)", "tmpfs", path])
        guard mounted.status == 0 else { throw TinyDiskFailed(output: mounted.output) }
    }

    /// Shrinks the disk to what it holds now plus `spare` bytes.
    func shrink(spare: Int) throws {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { throw TinyDiskFailed(output: String(cString: strerror(errno))) }
        let used = Int(info.f_blocks - info.f_bfree) * Int(info.f_frsize)
        let resized = try Subprocess.run("mount", ["-o", "remount,size=\(used + spare)", path])
        guard resized.status == 0 else { throw TinyDiskFailed(output: resized.output) }
    }

    func unmount() { _ = try? Subprocess.run("umount", [path]) }
}

struct TinyDiskFailed: Error { var output: String }
