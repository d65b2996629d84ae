import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// The store through the built binary: killed runs, concurrent runs, and the history commands.
@Suite(.freshDatabase, .serialized) struct StoreCommandTests {
    let cli = CommandLineTests()

    func reset() throws -> PostgresConnection {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        return db
    }

    @Test(arguments: ["ledger-stream", "store-write"])
    func aRunKilledAtAnyPhaseLeavesTheStoreAsItWas(_ phase: String) throws {
        try cli.withScenario { file, out in
            let db = try reset()
            let arguments = cli.runArguments(file, out) + ["--database-url", FreshDatabase.url]
            let first = try cli.tally(arguments)
            #expect(first.status == 0, "\(first.output)")
            func snapshot() throws -> [String] {
                try [
                    "SELECT count(*) FROM tally.breaks", "SELECT count(*) FROM tally.open_items",
                    "SELECT count(*) FROM tally.resolutions",
                    "SELECT count(*) FROM tally.runs WHERE state = 'succeeded' AND superseded_by IS NULL",
                ].map { try db.query($0).first!.first!! }
            }
            let before = try snapshot()
            let killed = try cli.tally(arguments, environment: ["TALLY_CRASH_AT": phase])
            #expect(killed.status == 137, "\(killed.output)")
            #expect(try snapshot() == before)
            let running = try db.query("SELECT count(*) FROM tally.runs WHERE state = 'running'")
            #expect(running.first?.first == "1")
            // the next run succeeds and marks the killed one failed
            let next = try cli.tally(arguments)
            #expect(next.status == 0, "\(next.output)")
            let states = try db.query("SELECT state, count(*) FROM tally.runs GROUP BY state ORDER BY state")
            #expect(states.map { "\($0[0]!)=\($0[1]!)" } == ["failed=1", "succeeded=2"])
        }
    }

    @Test func aSecondRunOfTheProviderExits75NamingTheHolderOrWaits() throws {
        try cli.withScenario { file, out in
            let db = try reset()
            try Migrations.migrate(db)
            try db.execute(
                """
                INSERT INTO tally.runs (id, provider, format, window_from, window_to, timezone, state, started_at)
                VALUES ('00000000-0000-4000-8000-000000000001', 'acmepay', 'stripe', '2026-03-10', '2026-03-11', 'UTC', 'running', '2026-03-12T02:30:00Z')
                """)
            let holder = try PostgresConnection(url: FreshDatabase.url)
            _ = try holder.query("SELECT pg_advisory_lock(hashtextextended('tally:provider:acmepay', 0))")
            let arguments = cli.runArguments(file, out) + ["--database-url", FreshDatabase.url]
            let refused = try cli.tally(arguments)
            #expect(refused.status == 75, "\(refused.output)")
            #expect(refused.stderr.contains("00000000-0000-4000-8000-000000000001"))
            #expect(refused.stderr.contains("2026-03-10..2026-03-11"))
            let waitedOut = try cli.tally(arguments + ["--wait", "1"])
            #expect(waitedOut.status == 75)
            #expect(waitedOut.stderr.contains("after waiting 1 s"))
            holder.close()
            // another session holds the lock for a moment and then lets go: a waiting run then runs
            let url = FreshDatabase.url
            let taken = DispatchSemaphore(value: 0)
            let other = Thread {
                let session = try? PostgresConnection(url: url)
                _ = try? session?.query("SELECT pg_advisory_lock(hashtextextended('tally:provider:acmepay', 0))")
                taken.signal()
                Thread.sleep(forTimeInterval: 1.0)
                session?.close()
            }
            other.start()
            taken.wait()
            let waited = try cli.tally(arguments + ["--wait"])
            #expect(waited.status == 0, "\(waited.output)")
        }
    }

    @Test func historyCommands() throws {
        try cli.withScenario { file, out in
            _ = try reset()
            let arguments = cli.runArguments(file, out) + ["--database-url", FreshDatabase.url]
            #expect(try cli.tally(arguments).status == 0)
            #expect(try cli.tally(arguments).status == 0)
            let list = try cli.tally(["runs", "list", "--database-url", FreshDatabase.url, "--json"])
            #expect(list.status == 0, "\(list.output)")
            let runs = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as! [[String: Any]]
            #expect(runs.count == 2)
            #expect(runs[0]["supersedes"] as? String == runs[1]["id"] as? String)
            #expect(runs[1]["superseded_by"] as? String == runs[0]["id"] as? String)
            let text = try cli.tally(["runs", "list", "--database-url", FreshDatabase.url])
            #expect(text.stdout.contains("superseded by"))
            let show = try cli.tally([
                "runs", "show", String((runs[0]["id"] as! String).prefix(8)), "--database-url", FreshDatabase.url, "--json",
            ])
            #expect(show.status == 0, "\(show.output)")
            let shown = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as! [String: Any]
            #expect((shown["breaks"] as? [[String: Any]])?.count == 15)
            let items = try cli.tally(["open-items", "--provider", "acmepay", "--database-url", FreshDatabase.url, "--json"])
            let open = try JSONSerialization.jsonObject(with: Data(items.stdout.utf8)) as! [[String: Any]]
            #expect(open.count == 12)
            #expect(Set(open.compactMap { $0["class"] as? String }).contains("missing_internally"))
            let older = try cli.tally(["open-items", "--older-than", "5", "--database-url", FreshDatabase.url])
            #expect(older.stdout.contains("no open items"))
            let status = try cli.tally(["db", "status", "--database-url", FreshDatabase.url])
            #expect(status.stdout.contains("tally schema version \(Migrations.latest) of \(Migrations.latest)"))
            let migrate = try cli.tally(["db", "migrate", "--database-url", FreshDatabase.url])
            #expect(migrate.stdout.contains("up to date"))
            let missing = try cli.tally(["runs", "show", "ffffffff", "--database-url", FreshDatabase.url])
            #expect(missing.status == 64)
        }
    }
}

/// `--per-day`: each day its own run, in date order, with a range summary.
@Suite(.freshDatabase, .serialized) struct PerDayTests {
    let cli = CommandLineTests()

    @Test func eachDayIsItsOwnRunAndAMissingDayIs66() throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try TestLedger.create(db)
        try TestLedger.insert(
            [
                PaymentRow(id: 1, reference: "ch_1", amountMinor: 100, createdAt: "2026-03-10 10:00:00+00"),
                PaymentRow(id: 2, reference: "ch_2", amountMinor: 200, createdAt: "2026-03-11 10:00:00+00"),
                PaymentRow(id: 3, reference: "ch_3", amountMinor: 300, createdAt: "2026-03-12 10:00:00+00"),
            ], into: db)
        let inbox = FileManager.default.temporaryDirectory.appendingPathComponent("tally-inbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: inbox) }
        for (day, reference, gross) in [("2026-03-10", "ch_1", "1.00"), ("2026-03-12", "ch_3", "3.01")] {
            var scenario = StripeScenario()
            scenario.line(reference, category: "charge", gross: gross, currency: "EUR")
            try scenario.csv().write(to: inbox.appendingPathComponent("\(day).csv"))
        }
        let arguments = [
            "run", "--provider", "acmepay", "--format", "stripe", "--per-day", "--file-pattern", inbox.path + "/{date}.csv",
            "--from", "2026-03-10", "--to", "2026-03-12", "--database-url", FreshDatabase.url, "--out", inbox.path + "/out",
        ]
        let strict = try cli.tally(arguments)
        #expect(strict.status == 66, "\(strict.output)")
        #expect(strict.stdout.contains("range 2026-03-10..2026-03-12: 2 of 3 days done, 1 missing (2026-03-11)"))
        #expect(strict.stdout.contains("breaks: amount_mismatch 1"))
        #expect(FileManager.default.fileExists(atPath: inbox.path + "/out/2026-03-10/report.json"))
        #expect(FileManager.default.fileExists(atPath: inbox.path + "/out/2026-03-12/report.json"))
        let windows = try db.query("SELECT window_from::text || '..' || window_to::text FROM tally.runs ORDER BY started_at")
        #expect(windows.map { $0[0]! } == ["2026-03-10..2026-03-10", "2026-03-12..2026-03-12"])
        let relaxed = try cli.tally(arguments + ["--allow-missing"])
        #expect(relaxed.status == 0, "\(relaxed.output)")
        // without --per-day the pattern gives one run over every day's file
        var single = arguments.filter { $0 != "--per-day" } + ["--allow-missing"]
        single[single.firstIndex(of: "--out")! + 1] = inbox.path + "/range"
        let one = try cli.tally(single)
        #expect(one.status == 0, "\(one.output)")
        #expect(one.stdout.contains("2 settlement transactions"))
    }
}
