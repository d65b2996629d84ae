import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// `tally run --config … --jobs N`: every provider of a config at once against one PostgreSQL gives
/// what running them one after another gives: the same breaks in the reports and in the store, the
/// same open items, one succeeded run per provider; and a provider whose lock is held is the only
/// one that waits.
@Suite(.freshDatabase, .serialized) struct ParallelProvidersTests {
    let cli = CommandLineTests()
    static let providers = ["acmepay", "betapay", "gammapay", "deltapay"]

    /// Per provider 150 ledger charges on 2026-03-10; the file settles all but every tenth, one
    /// with another amount, and adds three lines the ledger lacks.
    func prepare(in directory: URL) throws -> String {
        var ledger = StripeScenario()
        for provider in Self.providers {
            var file = StripeScenario()
            for number in 0..<150 {
                let minor = Int64(100 + number)
                ledger.ledger("\(provider)_ch_\(number)", minor: minor, currency: "EUR", provider: provider)
                guard number % 10 != 0 else { continue }
                let gross = number == 7 ? "9.99" : String(format: "%d.%02d", minor / 100, minor % 100)
                file.line("\(provider)_ch_\(number)", category: "charge", gross: gross, currency: "EUR")
            }
            for extra in 0..<3 { file.line("\(provider)_extra_\(extra)", category: "charge", gross: "5.00", currency: "EUR") }
            try file.csv().write(to: directory.appendingPathComponent("\(provider)_2026-03-10.csv"))
        }
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try db.execute("DROP TABLE IF EXISTS payments")
        try TestLedger.create(db)
        try TestLedger.insert(ledger.rows, into: db)
        let config = directory.appendingPathComponent("tally.yml")
        let providers = Self.providers.map {
            "  \($0):\n    format: stripe\n    file_pattern: \(directory.path)/\($0)_{date}.csv\n"
        }
        try ("reports_dir: \(directory.path)/reports\nproviders:\n" + providers.joined())
            .write(to: config, atomically: true, encoding: .utf8)
        return config.path
    }

    /// What a night left: per provider the breaks of its report.json, and the store's breaks and
    /// open items (class, reference, kind), each sorted.
    struct Night: Equatable {
        var reports: [String: [String]] = [:]
        var stored: [String]
        var openItems: [String]
        var succeededRuns: [String]
    }

    func night(_ directory: URL) throws -> Night {
        let db = try PostgresConnection(url: FreshDatabase.url)
        func rows(_ sql: String) throws -> [String] {
            try db.query(sql).map { $0.map { $0 ?? "∅" }.joined(separator: " ") }.sorted()
        }
        var night = Night(
            stored: try rows(
                "SELECT r.provider, b.class, b.reference, b.kind, b.provider_amount_minor::text, b.ledger_amount_minor::text FROM tally.breaks b JOIN tally.runs r ON r.id = b.run_id"
            ),
            openItems: try rows("SELECT provider, class, reference, kind FROM tally.open_items"),
            succeededRuns: try rows("SELECT provider FROM tally.runs WHERE state = 'succeeded'"))
        for provider in Self.providers {
            let path = directory.appendingPathComponent("reports/\(provider)/2026-03-10_2026-03-10/report.json")
            guard FileManager.default.fileExists(atPath: path.path) else { continue }
            let report = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any])
            let breaks = try #require(report["breaks"] as? [[String: Any]])
            night.reports[provider] = breaks.map { "\($0["class"]!) \($0["reference"]!) \($0["kind"]!)" }.sorted()
        }
        return night
    }

    @Test func everyProviderAtOnceGivesWhatOneAfterAnotherGives() throws {
        try AlertCommandTests().withDirectory { directory in
            let config = try prepare(in: directory)
            let arguments = ["run", "--config", config, "--from", "2026-03-10", "--database-url", FreshDatabase.url]
            let sequential = try cli.tally(arguments)
            #expect(sequential.status == 0, "\(sequential.output)")
            let one = try night(directory)
            #expect(one.succeededRuns == Self.providers.sorted())
            // per provider: 15 missing_in_provider, 1 amount_mismatch, 3 missing_internally
            #expect(one.stored.count == Self.providers.count * 19, "\(one.stored)")
            #expect(one.reports.values.allSatisfy { $0.count == 19 })

            try PostgresConnection(url: FreshDatabase.url).execute("DROP SCHEMA tally CASCADE")
            try FileManager.default.removeItem(at: directory.appendingPathComponent("reports"))
            let parallel = try cli.tally(arguments + ["--jobs", "3"])
            #expect(parallel.status == 0, "\(parallel.output)")
            #expect(try night(directory) == one)
            // every provider's summary is printed once
            for provider in Self.providers {
                #expect(
                    parallel.stdout.components(separatedBy: "\(provider) 2026-03-10..2026-03-10").count == 2, "\(parallel.stdout)"
                )
            }
        }
    }

    @Test func aHeldLockStopsOnlyItsProvider() throws {
        try AlertCommandTests().withDirectory { directory in
            let config = try prepare(in: directory)
            let holder = try PostgresConnection(url: FreshDatabase.url, applicationName: "manual rerun")
            _ = try holder.query("SELECT pg_advisory_lock(hashtextextended('tally:provider:betapay', 0))")
            let result = try cli.tally(
                ["run", "--config", config, "--from", "2026-03-10", "--database-url", FreshDatabase.url, "--jobs", "4"])
            holder.close()
            #expect(result.status == 75, "\(result.output)")
            #expect(result.stderr.contains("a session named 'manual rerun'"), "\(result.stderr)")
            let runs = try night(directory).succeededRuns
            #expect(runs == ["acmepay", "deltapay", "gammapay"], "\(runs)")
        }
    }

    @Test func jobsMustBeOneOrMore() throws {
        let result = try cli.tally(["run", "--provider", "acmepay", "--file", "x.csv", "--from", "2026-03-10", "--jobs", "0"])
        #expect(result.status == 64, "\(result.output)")
        #expect(result.stderr.contains("--jobs must be 1 or more"), "\(result.stderr)")
    }
}
