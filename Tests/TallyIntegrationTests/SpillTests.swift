import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// `--memory-limit`: a settlement index that would not fit spills to disk partitions, both sides
/// hash-partitioned on the reference, and finds exactly what the in-memory run finds.
@Suite(.freshDatabase, .serialized) struct SpillTests {
    let cli = CommandLineTests()

    func report(_ out: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))) as! [String: Any]
    }

    /// The parts of report.json that must not depend on how the run held its index.
    func outcome(_ report: [String: Any]) throws -> Data {
        var summary = report["summary"] as! [String: Any]
        summary["duration_ms"] = nil
        let object: [String: Any] = [
            "breaks": report["breaks"]!, "summary": summary, "controls": report["controls"]!,
            "rejects": report["rejects"]!, "open_items": report["open_items"]!, "delta": report["delta"]!,
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    @Test(arguments: ["1", "8KiB"])
    func aSpilledRunFindsWhatTheInMemoryRunFinds(_ limit: String) throws {
        try cli.withScenario { file, out in
            let inMemory = try cli.tally(
                cli.runArguments(file, out + "-memory") + ["--database-url", FreshDatabase.url, "--dry-run"])
            #expect(inMemory.status == 0, "\(inMemory.output)")
            #expect(!inMemory.stderr.contains("spilling"))
            let spilled = try cli.tally(
                cli.runArguments(file, out + "-spilled") + [
                    "--database-url", FreshDatabase.url, "--dry-run", "--memory-limit", limit, "--log-level", "debug",
                ])
            #expect(spilled.status == 0, "\(spilled.output)")
            #expect(spilled.stderr.contains("spilling to"), "\(spilled.stderr)")
            let memoryOutcome = try outcome(try report(out + "-memory"))
            let spilledOutcome = try outcome(try report(out + "-spilled"))
            #expect(String(decoding: spilledOutcome, as: UTF8.self) == String(decoding: memoryOutcome, as: UTF8.self))
            let breaks = try report(out + "-spilled")["breaks"] as! [[String: Any]]
            #expect(breaks.count == StripeScenario.everyClass().expected.count)
        }
    }

    @Test func theSpillFolderIsRemovedAndHistoryIsKept() throws {
        try cli.withScenario { file, out in
            let spillRoot = FileManager.default.temporaryDirectory.appendingPathComponent("tally-spill-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: spillRoot, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: spillRoot) }
            let result = try cli.tally(
                cli.runArguments(file, out) + ["--database-url", FreshDatabase.url, "--memory-limit", "4KiB"],
                environment: ["TMPDIR": spillRoot.path])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.stderr.contains("partitions under \(spillRoot.path)"), "\(result.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: spillRoot.path).isEmpty)
            let openItems = try report(out)["open_items"] as! [[String: Any]]
            #expect(openItems.count == StripeScenario.everyClass().expected.filter { $0.breakClass != "timing_difference" }.count)
        }
    }

    @Test func theStateDirFlagDecidesTheSpillFolder() throws {
        try cli.withScenario { file, out in
            let scratch = (out as NSString).deletingLastPathComponent
            let (state, temporary) = (scratch + "/state", scratch + "/tmp")
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            let result = try cli.tally(
                cli.runArguments(file, out) + [
                    "--database-url", FreshDatabase.url, "--dry-run", "--memory-limit", "4KiB", "--state-dir", state,
                ], environment: ["TMPDIR": temporary])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.stderr.contains("partitions under \(state)/spill"), "\(result.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: state + "/spill").isEmpty)
        }
    }

    /// A full, over-quota or read-only spill folder is the operator's to fix: 73 naming the folder, not 70.
    @Test(arguments: ["spill-write:ENOSPC", "spill-write:EDQUOT", "spill-folder:EROFS", "spill-folder:EACCES"])
    func aSpillThatCannotBeWrittenExits73NamingTheFolder(_ fault: String) throws {
        try cli.withScenario { file, out in
            let state = (out as NSString).deletingLastPathComponent + "/state"
            let result = try cli.tally(
                cli.runArguments(file, out) + [
                    "--database-url", FreshDatabase.url, "--memory-limit", "4KiB", "--state-dir", state,
                ],
                environment: ["TALLY_FAIL_WRITE": fault])
            #expect(result.status == 73, "\(result.output)")
            #expect(result.stderr.contains("cannot write the spill files under \(state)/spill"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out + "/report.json"))
        }
    }

    /// The same on a real disk of one page.
    @Test(.enabled(if: TinyDisk.canMount)) func aSpillOnARealFullDiskExits73() throws {
        try cli.withScenario { file, out in
            let state = (out as NSString).deletingLastPathComponent + "/state"
            let disk = try TinyDisk(at: state, bytes: 4096)
            defer { disk.unmount() }
            let result = try cli.tally(
                cli.runArguments(file, out) + ["--database-url", FreshDatabase.url, "--memory-limit", "1", "--state-dir", state])
            #expect(result.status == 73, "\(result.output)")
            #expect(result.stderr.contains("under \(state)/spill"), "\(result.stderr)")
            #expect(result.stderr.contains("No space left on device"), "\(result.stderr)")
        }
    }

    @Test func aBadLimitIsAUsageError() throws {
        let result = try cli.tally([
            "run", "--provider", "a", "--format", "stripe", "--file", "x", "--from", "2026-03-10", "--memory-limit", "lots",
        ])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--memory-limit 'lots'"))
    }
}
