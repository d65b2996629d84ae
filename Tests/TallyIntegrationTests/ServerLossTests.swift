import Foundation
import Synchronization
import TallyPostgres
import TallyTestSupport
import Testing

/// Issue 17 2: PostgreSQL stopped (`pg_ctl stop -m immediate`) at every named point of a run
/// (``CrashPoint/points``) must give exit 69, or a completed run when it happens after the
/// commit, never 70; and what the store holds after a restart is the store as it was, or the whole run.
///
/// The cluster is the test's own (``ThrowawayCluster``); the run pauses at the point
/// (`TALLY_PAUSE_AT`), the test stops the server, then lets the run go on: no timing guess.
@Suite(.serialized) struct ServerLossTests {
    let cli = CommandLineTests()

    /// Runs `tally` on a thread of its own, so the test can act while it is paused.
    final class Background: Sendable {
        let result = Mutex<Result<Subprocess.Result, any Error>?>(nil)
        init(_ body: @escaping @Sendable () throws -> Subprocess.Result) {
            Thread.detachNewThread { [self] in
                let outcome = Result { try body() }
                result.withLock { $0 = outcome }
            }
        }
        func wait(seconds: Double = 60) throws -> Subprocess.Result? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if let done = result.withLock({ $0 }) { return try done.get() }
                Thread.sleep(forTimeInterval: 0.01)
            }
            return nil
        }
        var finished: Bool { result.withLock { $0 != nil } }
    }

    func snapshot(_ url: String) throws -> [String] {
        let db = try PostgresConnection(url: url)
        defer { db.close() }
        return try [
            "SELECT count(*) FROM tally.breaks", "SELECT count(*) FROM tally.open_items",
            "SELECT count(*) FROM tally.resolutions", "SELECT count(*) FROM tally.run_reports",
            "SELECT count(*) FROM tally.runs WHERE state = 'succeeded'",
            "SELECT count(*) FROM tally.runs WHERE state = 'succeeded' AND superseded_by IS NULL",
            // no break, item or report of a run that did not succeed
            """
            SELECT count(*) FROM tally.breaks b JOIN tally.runs r ON r.id = b.run_id WHERE r.state <> 'succeeded'
            """,
            "SELECT count(*) FROM tally.run_reports b JOIN tally.runs r ON r.id = b.run_id WHERE r.state <> 'succeeded'",
        ].map { try db.query($0).first?.first.flatMap { $0 } ?? "?" }
    }

    /// A throw-away cluster with the Stripe scenario's ledger (and `extraCharges` charges no file
    /// settles, so the run streams and stores more), one completed run, and the run's arguments.
    func withLoadedCluster(extraCharges: Int = 0, _ body: (ThrowawayCluster, [String]) throws -> Void) throws {
        let cluster = try ThrowawayCluster.start()
        defer { cluster.destroy() }
        let scenario = StripeScenario.everyClass()
        let db = try PostgresConnection(url: cluster.url)
        try TestLedger.create(db)
        try TestLedger.insert(scenario.rows, into: db)
        try TestLedger.insert(
            (0..<extraCharges).map {
                PaymentRow(
                    id: 1_000_000 + $0, reference: "ch_unsettled_\($0)", amountMinor: Int64(100 + $0),
                    createdAt: "2026-03-10 12:00:00+00")
            }, into: db)
        db.close()
        let directory = URL(fileURLWithPath: cluster.directory)
        let file = directory.appendingPathComponent("stripe.csv").path
        try scenario.csv().write(to: URL(fileURLWithPath: file))
        try WebhookReceiver.with(secret: AlertCommandTests.secret) { receiver in
            let alerts = try AlertCommandTests().rules(receiver.base + "/ok", in: directory)
            let arguments =
                cli.runArguments(file, directory.path + "/out") + [
                    "--database-url", cluster.url, "--alerts", alerts, "--state-dir", directory.path + "/state",
                    "--alert-budget", "2",
                    // the unsettled extra charges are most of the window on purpose: the store has more to write
                    "--allow-mass-breaks",
                ]
            let first = try cli.tally(arguments, environment: AlertCommandTests.environment)
            #expect(first.status == 0, "\(first.output)")
            try body(cluster, arguments)
            // the next run completes, and marks every run the lost server left running as failed
            let last = try cli.tally(arguments, environment: AlertCommandTests.environment)
            #expect(last.status == 0, "\(last.output)")
            let check = try PostgresConnection(url: cluster.url)
            defer { check.close() }
            let states = try check.query("SELECT DISTINCT state FROM tally.runs ORDER BY state").map { $0[0] ?? "" }
            #expect(!states.isEmpty, "nothing to check: the assertion below would hold vacuously")
            #expect(states.allSatisfy { $0 == "succeeded" || $0 == "failed" }, "\(states)")
            // no failure alert said "internal error" (the spool was drained into the outbox by a later run)
            let failures = try check.query("SELECT body FROM tally.alert_outbox WHERE event = 'tally.run.failed'")
                .map { $0[0] ?? "" }
            #expect(!failures.contains { $0.contains("internal error") }, "\(failures)")
        }
    }

    @Test func aServerStoppedAtAnyPointOfARunIs69OrACompletedRunNever70() throws {
        try withLoadedCluster { cluster, arguments in
            let directory = URL(fileURLWithPath: cluster.directory)
            var outcomes: [String] = []
            for point in CrashPoint.points {
                let before = try snapshot(cluster.url)
                let pauseDirectory = directory.appendingPathComponent("pause-\(point)").path
                try FileManager.default.createDirectory(atPath: pauseDirectory, withIntermediateDirectories: true)
                var environment = AlertCommandTests.environment
                environment["TALLY_PAUSE_AT"] = point
                environment["TALLY_PAUSE_DIR"] = pauseDirectory
                let cli = self.cli
                let environmentCopy = environment
                let run = Background { try cli.tally(arguments, environment: environmentCopy) }
                let marker = pauseDirectory + "/\(point).paused"
                let deadline = Date().addingTimeInterval(30)
                while !FileManager.default.fileExists(atPath: marker) && !run.finished && Date() < deadline {
                    Thread.sleep(forTimeInterval: 0.01)
                }
                #expect(FileManager.default.fileExists(atPath: marker), "the run reached \(point)")
                try cluster.stop(mode: "immediate")
                try? FileManager.default.removeItem(atPath: marker)
                let result = try #require(try run.wait(), "the run ended after the server stopped at \(point)")
                outcomes.append("\(point)=\(result.status)")
                try cluster.start()
                let after = try snapshot(cluster.url)
                if point == "alert-delivery" {
                    // committed before the server went: a completed run, stored whole
                    #expect([0, 1].contains(result.status), "\(point): \(result.output)")
                    #expect(after[5] == "1" && after[6] == "0" && after[7] == "0", "\(point): \(after)")
                } else {
                    #expect(result.status == 69, "\(point): \(result.output)")
                    #expect(!result.stderr.contains("internal error"), "\(point): \(result.stderr)")
                    #expect(after == before, "\(point): the store is as it was")
                }
            }
            print("server stops: \(outcomes.joined(separator: " "))")
        }
    }

    /// The same at moments no pause point marks, inside statements: the server stopped after
    /// increasing delays over the length of a run (the outcome may differ from one machine to
    /// the next; what is asserted holds for every outcome).
    @Test func aServerStoppedAfterAnyDelayIs69OrACompletedRunNever70() throws {
        try withLoadedCluster(extraCharges: 2_000) { cluster, arguments in
            let started = Date()
            let timed = try cli.tally(arguments, environment: AlertCommandTests.environment)
            #expect(timed.status == 0, "\(timed.output)")
            let length = Date().timeIntervalSince(started)
            var outcomes: [String] = []
            for step in 0..<16 {
                let before = try snapshot(cluster.url)
                let delay = length * 1.25 * Double(step) / 16
                let cli = self.cli
                let run = Background { try cli.tally(arguments, environment: AlertCommandTests.environment) }
                Thread.sleep(forTimeInterval: delay)
                try cluster.stop(mode: "immediate")
                let result = try #require(try run.wait(), "the run ended after the server stopped at \(delay) s")
                outcomes.append(String(format: "%.2fs=%d", delay, result.status))
                try cluster.start()
                let after = try snapshot(cluster.url)
                #expect([0, 1, 69].contains(result.status), "after \(delay) s: \(result.output)")
                #expect(!result.stderr.contains("internal error"), "after \(delay) s: \(result.stderr)")
                // the store as it was, or with this run whole (a COMMIT may land before its answer is lost)
                let whole = Int(after[4]) == (Int(before[4]) ?? -2) + 1 && after[5] == "1" && after[6] == "0" && after[7] == "0"
                #expect(after == before || whole, "after \(delay) s: \(before) -> \(after)")
            }
            print("server stops after delays: \(outcomes.joined(separator: " "))")
        }
    }
}
