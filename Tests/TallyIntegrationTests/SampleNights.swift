import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// The two sample nights run through the built binary into a scratch folder, for the item tests.
struct SampleNights {
    let cli = CommandLineTests()
    static let stripe = SampleLedger.root.appendingPathComponent("stripe").path
    static let one = (stripe + "/acmepay_2026-03-10_2026-03-11.csv", "2026-03-10", "2026-03-11")
    static let two = (stripe + "/acmepay_2026-03-12.csv", "2026-03-12", "2026-03-12")

    func reset() throws -> PostgresConnection {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try db.execute("DROP TABLE IF EXISTS payments")
        try SampleLedger.load(into: db)
        return db
    }

    func withScratch<R>(_ body: (URL) throws -> R) throws -> R {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-items-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    /// Runs one night into `out` and returns its report.json.
    @discardableResult
    func run(_ night: (String, String, String), _ out: URL) throws -> [String: Any] {
        let result = try cli.tally([
            "run", "--provider", "acmepay", "--format", "stripe", "--file", night.0, "--from", night.1, "--to", night.2,
            "--out", out.path, "--database-url", FreshDatabase.url,
        ])
        try #require(result.status == 0, "\(result.output)")
        let data = try Data(contentsOf: out.appendingPathComponent("report.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// reference → item_id of a report's breaks (those that open an item) and open items.
    func ids(_ report: [String: Any], _ key: String) -> [String: String] {
        var ids: [String: String] = [:]
        for entry in report[key] as? [[String: Any]] ?? [] {
            if let id = entry["item_id"] as? String { ids["\(entry["reference"]!) \(entry["kind"] ?? "")"] = id }
        }
        return ids
    }
}
