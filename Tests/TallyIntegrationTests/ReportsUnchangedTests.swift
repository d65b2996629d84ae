import Foundation
import TallyCore
import TallyDigest
import TallyEngine
import TallyIngest
import TallyPostgres
import TallyTestSupport
import Testing

/// The reports of whole runs, byte for byte: the two sample nights (with the overnight correction)
/// against the files in `Golden/`, and a generated 100k-row window (bench/gen.py, fixed seed)
/// against the SHA-256 of each report recorded in `Golden/generated-100k.sha256`. Only what differs
/// from run to run by nature is replaced before comparing: run ids (and their 8-character
/// prefixes), the start and finish times, the run's duration, and the folders the inputs live in.
/// A wanted change is recorded with `TALLY_UPDATE_GOLDEN=1` and reviewed in the commit.
enum ReportBytes {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let names = ["report.json", "breaks.csv", "report.html"]
    static var updating: Bool { ProcessInfo.processInfo.environment["TALLY_UPDATE_GOLDEN"] == "1" }

    /// The three reports of `directory` with the run-to-run parts replaced by placeholders.
    static func normalized(_ directory: URL, roots: [String: String]) throws -> [String: String] {
        let json = try Data(contentsOf: directory.appendingPathComponent("report.json"))
        let document = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let run = try #require(document["run"] as? [String: Any])
        var replacements: [(String, String)] = []
        for (key, token) in [("id", "RUN"), ("supersedes", "SUPERSEDED-RUN")] {
            guard let id = run[key] as? String else { continue }
            replacements += [(id, "<\(token)>"), (String(id.prefix(8)), "<\(token)-PREFIX>")]
        }
        for key in ["started_at", "finished_at"] {
            if let time = run[key] as? String { replacements.append((time, "<\(key)>")) }
        }
        replacements += roots.sorted { $0.key.count > $1.key.count }.map { ($0.key, $0.value) }
        var files: [String: String] = [:]
        for name in names {
            var text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            for (value, token) in replacements { text = text.replacingOccurrences(of: value, with: token) }
            // Ids of earlier runs (an open item's first run), then the run's duration, "(0.06 s)" in
            // report.html's header.
            text = text.replacingOccurrences(
                of: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", with: "<EARLIER-RUN>",
                options: .regularExpression)
            text = text.replacingOccurrences(of: #"\(\d+\.\d\d s\)"#, with: "(<duration>)", options: .regularExpression)
            files[name] = text
        }
        return files
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func scratch(_ name: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}

@Suite(.freshDatabase, .serialized) struct ReportsUnchangedTests {
    static let root = TestCluster.repositoryRoot.path

    func run(_ file: String, from: String, to: String, out: URL) throws {
        let options = RunOptions(
            provider: "acmepay", format: .stripe, files: [file], from: CivilDate(iso: from)!, to: CivilDate(iso: to)!,
            lookbackDays: 3, lookaheadDays: 1, databaseURL: FreshDatabase.url, outDirectory: out.path)
        _ = try ReconciliationRun(options: options).run()
    }

    @Test func theSampleNightsAreByteIdentical() throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try SampleLedger.load(into: db)
        let scratch = try ReportBytes.scratch("golden-samples")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let stripe = SampleLedger.root.appendingPathComponent("stripe").path
        let nights = [
            ("night1", stripe + "/acmepay_2026-03-10_2026-03-11.csv", "2026-03-10", "2026-03-11"),
            ("night2", stripe + "/acmepay_2026-03-12.csv", "2026-03-12", "2026-03-12"),
        ]
        var compared = 0
        for (night, file, from, to) in nights {
            if night == "night2" { try SampleLedger.applyNightTwoCorrections(to: db) }
            let out = scratch.appendingPathComponent(night)
            try run(file, from: from, to: to, out: out)
            let files = try ReportBytes.normalized(out, roots: [Self.root: "<repository>"])
            for name in ReportBytes.names {
                let golden = ReportBytes.golden.appendingPathComponent("samples-\(night).\(name)")
                let text = try #require(files[name])
                if ReportBytes.updating { try text.write(to: golden, atomically: true, encoding: .utf8) }
                let expected = try String(contentsOf: golden, encoding: .utf8)
                #expect(text.contains("<RUN>"), "\(night) \(name) does not name its run")
                #expect(text == expected, "\(night) \(name) differs from \(golden.path): diff it against \(out.path)")
                compared += 1
            }
        }
        #expect(compared == 6)
    }
}

@Suite(.freshDatabase, .serialized) struct GeneratedReportsUnchangedTests {
    @Test func aGeneratedHundredThousandRowWindowIsByteIdentical() throws {
        let scratch = try ReportBytes.scratch("golden-100k")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let data = scratch.appendingPathComponent("data")
        let generator = TestCluster.repositoryRoot.appendingPathComponent("bench/gen.py").path
        let generated = try Subprocess.run(
            "/usr/bin/env", ["python3", generator, "--rows", "100000", "--seed", "12", "--out", data.path])
        try #require(generated.status == 0, "bench/gen.py failed: \(generated.output)")
        // The cluster's server reads the file itself (we are its superuser), as `make bench` loads it.
        try chmod(scratch)
        let db = try PostgresConnection(url: FreshDatabase.url)
        let schema = try String(
            contentsOf: TestCluster.repositoryRoot.appendingPathComponent("samples/schema.sql"), encoding: .utf8)
        for statement in schema.components(separatedBy: ";") where statement.contains("CREATE") {
            try db.execute(statement)
        }
        let csv = data.appendingPathComponent("payments.csv").path.replacingOccurrences(of: "'", with: "''")
        try db.execute("COPY payments FROM '\(csv)' WITH (FORMAT csv, HEADER)")
        let out = scratch.appendingPathComponent("out")
        let options = RunOptions(
            provider: "acmepay", format: .stripe, files: [data.appendingPathComponent("stripe_balance.csv").path],
            from: CivilDate(iso: "2024-01-01")!, to: CivilDate(iso: "2024-01-30")!, lookbackDays: 3,
            lookaheadDays: 2, databaseURL: FreshDatabase.url, outDirectory: out.path)
        _ = try ReconciliationRun(options: options).run()
        let files = try ReportBytes.normalized(out, roots: [data.path: "<data>"])
        let digests = ReportBytes.names.map { "\(ReportBytes.sha256(files[$0]!))  \($0)" }.joined(separator: "\n") + "\n"
        let golden = ReportBytes.golden.appendingPathComponent("generated-100k.sha256")
        if ReportBytes.updating { try digests.write(to: golden, atomically: true, encoding: .utf8) }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        // The run found exactly the generator's 500 injected breaks.
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: data.appendingPathComponent("truth.json")))
        let injected = try #require((truth as? [String: Any])?["breaks"] as? [Any]).count
        #expect(injected == 500)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json")))
        let found = try #require((report as? [String: Any])?["breaks"] as? [Any]).count
        #expect(found == injected)
        #expect(digests == expected, "the 100k reports changed: keep \(out.path) and compare with a run of the old code")
    }

    private func chmod(_ directory: URL) throws {
        for path in [
            directory.path, directory.appendingPathComponent("data").path,
            directory.appendingPathComponent("data/payments.csv").path,
        ] {
            try FileManager.default.setAttributes([.posixPermissions: path.hasSuffix(".csv") ? 0o644 : 0o755], ofItemAtPath: path)
        }
    }
}
