import Foundation
import TallyCore
import TallyTestFixtures
import Testing

@testable import TallyReport

#if canImport(Glibc)
import Glibc
#endif

/// The report folder is replaced as a whole: staged aside, swapped in, never mixed, and what
/// killed writers left behind is removed by the next writer.
@Suite struct ReportFolderTests {
    func withRoot<R>(_ body: (String) throws -> R) throws -> R { try ReportIndexTests().withRoot(body) }

    func rendered(_ tag: String) -> ReportWriter.Rendered {
        ReportWriter.Rendered(files: ReportFolder.reportNames.map { ($0, Array("\(tag) \($0)".utf8)) })
    }

    func contents(_ folder: String) -> [String: String] {
        var files: [String: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            files[name] = (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) ?? "(folder)"
        }
        return files
    }

    func old(_ path: String, seconds: Double) throws {
        let date = Date(timeIntervalSinceNow: -seconds)
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
    }

    @Test func aStagedSetIsInvisibleUntilPublishedAndThenReplacesTheOldAsAWhole() throws {
        try withRoot { root in
            let out = root + "/acmepay/2026-03-10_2026-03-11"
            try ReportWriter(directory: out).write(rendered("old"))
            let staged = try ReportFolder(directory: out).stage(rendered("new"))
            #expect(contents(out).values.allSatisfy { $0.hasPrefix("old ") } && contents(out).count == 3)
            let paths = try staged.publish()
            #expect(paths == ReportFolder.reportNames.map { out + "/" + $0 })
            #expect(contents(out).values.allSatisfy { $0.hasPrefix("new ") } && contents(out).count == 3)
            // nothing hidden is left beside or in the folder
            #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/acmepay") == ["2026-03-10_2026-03-11"])
        }
    }

    /// The swap is one step where the filesystem can exchange; where it cannot, nothing moved.
    @Test func anExchangeSwapsBothFoldersOrNeither() throws {
        try withRoot { root in
            for name in ["a", "b"] {
                try FileManager.default.createDirectory(atPath: root + "/" + name, withIntermediateDirectories: true)
                try name.write(toFile: root + "/\(name)/mark", atomically: false, encoding: .utf8)
            }
            let swapped = FileCalls.exchange(root + "/a", root + "/b")
            let marks = try ["a", "b"].map { try String(contentsOfFile: root + "/\($0)/mark", encoding: .utf8) }
            #expect(marks == (swapped ? ["b", "a"] : ["a", "b"]))
            print("renameat2(RENAME_EXCHANGE) available here: \(swapped)")
        }
    }

    /// `tally report --format html` rewrites one file: the folder's other reports stay.
    @Test func aPartialSetKeepsTheOtherReports() throws {
        try withRoot { root in
            let out = root + "/acmepay/w"
            try ReportWriter(directory: out).write(rendered("old"))
            try ReportWriter(directory: out).write(ReportWriter.Rendered(files: [("report.html", Array("new".utf8))]))
            #expect(contents(out) == ["report.html": "new", "report.json": "old report.json", "breaks.csv": "old breaks.csv"])
        }
    }

    @Test func aDiscardedSetLeavesTheOldSetAsItWas() throws {
        try withRoot { root in
            let out = root + "/acmepay/w"
            try ReportWriter(directory: out).write(rendered("old"))
            let before = contents(out)
            try ReportFolder(directory: out).stage(rendered("new")).discard()
            #expect(contents(out) == before)
            #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/acmepay") == ["w"])
        }
    }

    @Test func aFolderSharedWithOtherFilesKeepsThemAndGetsTheSetFileByFile() throws {
        try withRoot { root in
            try "mine".write(toFile: root + "/notes.txt", atomically: false, encoding: .utf8)
            try ReportWriter(directory: root + "/").write(rendered("old"))
            try ReportWriter(directory: root).write(rendered("new"))
            var expected = Dictionary(uniqueKeysWithValues: ReportFolder.reportNames.map { ($0, "new \($0)") })
            expected["notes.txt"] = "mine"
            #expect(contents(root) == expected)
        }
    }

    @Test func leftoversOfKilledWritersGoAndLiveOnesStay() throws {
        try withRoot { root in
            let out = root + "/acmepay/w"
            try ReportWriter(directory: out).write(rendered("old"))
            let dead = Int32.max  // above any pid_max: no such process
            let planted = [
                root + "/acmepay/.w.tally-\(dead)", root + "/acmepay/.w.tally-old-\(dead)", out + "/.tally-\(dead)",
            ]
            for folder in planted {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try "{\"trunc".write(toFile: folder + "/report.json", atomically: false, encoding: .utf8)
            }
            // an earlier version's Foundation temporaries: removed once old, kept while young
            for name in [".report.json.Ab12Cd", ".dat.nosyncB24.lHyHyG"] {
                try "x".write(toFile: out + "/" + name, atomically: false, encoding: .utf8)
                try old(out + "/" + name, seconds: 3600)
            }
            try "x".write(toFile: out + "/.report.html.young1", atomically: false, encoding: .utf8)
            // a staging folder of a live writer (this process's parent) stays
            let running = root + "/acmepay/.w.tally-\(getppid())"
            try FileManager.default.createDirectory(atPath: running, withIntermediateDirectories: true)
            // someone else's hidden file is not ours to remove
            try "keep".write(toFile: root + "/acmepay/.w.notes", atomically: false, encoding: .utf8)

            let removed = Set(ReportFolder(directory: out).removeLeftovers())
            #expect(removed == Set(planted + [out + "/.report.json.Ab12Cd", out + "/.dat.nosyncB24.lHyHyG"]))
            #expect(FileManager.default.fileExists(atPath: running))
            #expect(FileManager.default.fileExists(atPath: out + "/.report.html.young1"))
            #expect(FileManager.default.fileExists(atPath: root + "/acmepay/.w.notes"))
            #expect(contents(out).filter { !$0.key.hasPrefix(".") }.values.allSatisfy { $0.hasPrefix("old ") })
        }
    }

    @Test func theIndexRemovesOnlyTheTemporariesOfDeadAndOldWriters() throws {
        try withRoot { root in
            try ReportWriter(directory: root + "/acmepay/w").write(ReportFixture.everyShape())
            let deadOld = root + "/.index.html.tally-\(Int32.max)"
            let deadYoung = root + "/.index.html.tally-\(Int32.max - 1)"
            let liveOld = root + "/.index.html.tally-\(getppid())"
            let legacyOld = root + "/.index.html.Zx81Qp"
            for path in [deadOld, deadYoung, liveOld, legacyOld] {
                try "<html".write(toFile: path, atomically: false, encoding: .utf8)
            }
            try old(deadOld, seconds: 120)
            try old(liveOld, seconds: 120)
            try old(legacyOld, seconds: 3600)
            let path = try ReportIndex.write(root: root)
            #expect(path == root + "/index.html")
            let hidden = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasPrefix(".") }.sorted()
            // another machine's writer may own a young one; a live pid's is its own until it is an hour old
            #expect(hidden == [(deadYoung as NSString).lastPathComponent, (liveOld as NSString).lastPathComponent].sorted())
        }
    }
}
