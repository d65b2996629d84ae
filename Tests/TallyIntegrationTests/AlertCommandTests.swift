import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// Alerts through the built binary: a failed run, a store that is down, a kill -9 between the
/// commit and the delivery, a dead alert revived, and the `tally alerts` commands.
@Suite(.freshDatabase, .serialized) struct AlertCommandTests {
    let cli = CommandLineTests()
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let environment = ["TALLY_TEST_WEBHOOK_SECRET": secret]

    /// A rules file with one signed endpoint `ops` at `url` and fast retries.
    func rules(_ url: String, in directory: URL, name: String = "alerts.yml") throws -> String {
        let path = directory.appendingPathComponent(name).path
        try """
        endpoints:
          - name: ops
            url: \(url)
            secret_env: TALLY_TEST_WEBHOOK_SECRET
            retry: { max_attempts: 4, initial_backoff_seconds: 0.02, backoff_multiplier: 2, max_backoff_seconds: 0.1 }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func withDirectory<R>(_ body: (URL) throws -> R) throws -> R {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-alert-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    func reset() throws -> PostgresConnection {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        return db
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func aFailedRunAlertsWithItsExitStatus() throws {
        try withDirectory { directory in
            _ = try reset()
            try WebhookReceiver.with(secret: Self.secret) { receiver in
                let alerts = try rules(receiver.base + "/ok", in: directory)
                let result = try cli.tally(
                    [
                        "run", "--provider", "acmepay", "--format", "stripe", "--file", directory.path + "/missing.csv",
                        "--from", "2026-03-10", "--to", "2026-03-10", "--database-url", FreshDatabase.url, "--alerts", alerts,
                        "--state-dir", directory.path + "/state",
                    ], environment: Self.environment)
                #expect(result.status == 66, "\(result.output)")
                let received = try receiver.deliveries(to: "/ok")
                #expect(received.count == 1 && received[0].signatureOK == true)
                let body = try json(received[0].body)
                #expect(body["type"] as? String == "tally.run.failed")
                let data = try #require(body["data"] as? [String: Any])
                #expect(data["exit_status"] as? Int == 66)
                #expect((data["error"] as? String)?.contains("missing.csv") == true)
            }
        }
    }

    @Test func aFailureWhileTheStoreIsDownIsSpooledAndDeliveredByTheNextInvocation() throws {
        try withDirectory { directory in
            _ = try reset()
            try WebhookReceiver.with(secret: Self.secret) { receiver in
                let alerts = try rules(receiver.base + "/ok", in: directory)
                let state = directory.path + "/state"
                try cli.withScenario { file, out in
                    let down = "postgresql:///tally?host=\(directory.path)&port=1"
                    let failed = try cli.tally(
                        cli.runArguments(file, out) + ["--database-url", down, "--alerts", alerts, "--state-dir", state],
                        environment: Self.environment)
                    #expect(failed.status == 69, "\(failed.output)")
                    #expect(failed.stderr.contains("waits in \(state)/alert-spool"))
                }
                let spooled = try FileManager.default.contentsOfDirectory(atPath: state + "/alert-spool")
                #expect(spooled.count == 1)
                #expect(try receiver.deliveries().isEmpty)
                let deliver = try cli.tally(
                    ["alerts", "deliver", "--alerts", alerts, "--state-dir", state, "--database-url", FreshDatabase.url],
                    environment: Self.environment)
                #expect(deliver.status == 0, "\(deliver.output)")
                #expect(deliver.stdout.contains("1 attempted, 1 delivered, 0 to retry, 0 dead; 0 pending"))
                #expect(try FileManager.default.contentsOfDirectory(atPath: state + "/alert-spool").isEmpty)
                let received = try receiver.deliveries(to: "/ok")
                #expect(received.count == 1)
                #expect(try json(received[0].body)["data"].flatMap { ($0 as? [String: Any])?["exit_status"] as? Int } == 69)
            }
        }
    }

    @Test func theOutboxSurvivesAKillBetweenCommitAndDelivery() throws {
        try withDirectory { directory in
            let db = try reset()
            try WebhookReceiver.with(secret: Self.secret) { receiver in
                let alerts = try rules(receiver.base + "/ok", in: directory)
                try cli.withScenario { file, out in
                    let arguments = cli.runArguments(file, out) + ["--database-url", FreshDatabase.url, "--alerts", alerts]
                    var environment = Self.environment
                    environment["TALLY_CRASH_AT"] = "alert-delivery"
                    let killed = try cli.tally(arguments, environment: environment)
                    #expect(killed.status == 137, "\(killed.output)")
                }
                #expect(try receiver.deliveries().isEmpty)
                let pending = try cli.tally(["alerts", "list", "--pending", "--database-url", FreshDatabase.url])
                #expect(
                    pending.status == 0 && pending.stdout.contains("pending  ops  tally.run.alert  acmepay"), "\(pending.output)")
                let runs = try db.query("SELECT count(*) FROM tally.runs WHERE state = 'succeeded'")
                #expect(runs.first?.first == "1")
                let deliver = try cli.tally(
                    ["alerts", "deliver", "--alerts", alerts, "--database-url", FreshDatabase.url], environment: Self.environment)
                #expect(deliver.stdout.contains("1 delivered"), "\(deliver.output)")
                let received = try receiver.deliveries(to: "/ok")
                #expect(received.count == 1 && received[0].signatureOK == true)
                #expect(try json(received[0].body)["type"] as? String == "tally.run.alert")
                // delivered once: another pass sends nothing
                let again = try cli.tally(
                    ["alerts", "deliver", "--alerts", alerts, "--database-url", FreshDatabase.url], environment: Self.environment)
                #expect(again.stdout.contains("0 attempted"), "\(again.output)")
                #expect(try receiver.deliveries().count == 1)
            }
        }
    }

    @Test func a400IsDeadAtOnceWithoutFailingTheRunAndCanBeRevived() throws {
        try withDirectory { directory in
            let db = try reset()
            try WebhookReceiver.with(secret: Self.secret) { receiver in
                let refusing = try rules(receiver.base + "/status/400", in: directory)
                try cli.withScenario { file, out in
                    let run = try cli.tally(
                        cli.runArguments(file, out) + ["--database-url", FreshDatabase.url, "--alerts", refusing],
                        environment: Self.environment)
                    #expect(run.status == 0, "\(run.output)")
                    #expect(run.stdout.contains("alerts: 1 queued, 0 delivered, 0 to retry, 1 dead"), "\(run.output)")
                    #expect(run.stderr.contains("HTTP 400"))
                }
                #expect(try receiver.deliveries(to: "/status/400").count == 1)
                let dead = try cli.tally(["alerts", "list", "--dead", "--json", "--database-url", FreshDatabase.url])
                let rows = try #require(JSONSerialization.jsonObject(with: Data(dead.stdout.utf8)) as? [[String: Any]])
                #expect(rows.count == 1 && rows[0]["attempts"] as? Int == 1 && rows[0]["last_status"] as? Int == 400)
                let id = try #require(rows[0]["id"] as? Int)
                let retry = try cli.tally(["alerts", "retry", String(id), "--database-url", FreshDatabase.url])
                #expect(retry.status == 0, "\(retry.output)")
                let unknown = try cli.tally(["alerts", "retry", "999999", "--database-url", FreshDatabase.url])
                #expect(unknown.status == 64)
                // the operator fixes the endpoint's URL; the revived alert goes there, same webhook-id
                let fixed = try rules(receiver.base + "/ok", in: directory, name: "fixed.yml")
                let deliver = try cli.tally(
                    ["alerts", "deliver", "--alerts", fixed, "--database-url", FreshDatabase.url], environment: Self.environment)
                #expect(deliver.stdout.contains("1 delivered"), "\(deliver.output)")
                let first = try receiver.deliveries(to: "/status/400")[0]
                let second = try receiver.deliveries(to: "/ok")
                #expect(second.count == 1 && second[0].webhookID == first.webhookID)
                let state = try db.query("SELECT state, attempts FROM tally.alert_outbox")
                #expect(state.map { "\($0[0]!) \($0[1]!)" } == ["delivered 1"])
            }
        }
    }

    @Test func badAlertRulesAreAUsageErrorNamingEveryProblem() throws {
        try withDirectory { directory in
            let path = directory.appendingPathComponent("bad.yml").path
            try "endpoints:\n  - name: ops\n    url: http://example.com/x\n    secret: whsec_x\n"
                .write(toFile: path, atomically: true, encoding: .utf8)
            let result = try cli.tally(
                [
                    "run", "--provider", "acmepay", "--format", "stripe", "--file", path, "--from", "2026-03-10", "--to",
                    "2026-03-10", "--alerts", path,
                ])
            #expect(result.status == 64)
            #expect(result.stderr.contains("endpoints[0].secret: secrets are never written in the configuration"))
            #expect(result.stderr.contains("endpoints[0].url: plain http is allowed to loopback addresses only"))
            let noSecret = try cli.tally(
                [
                    "run", "--provider", "acmepay", "--format", "stripe", "--file", path, "--from", "2026-03-10", "--to",
                    "2026-03-10", "--webhook", "https://ops.example.com/h",
                ])
            #expect(noSecret.status == 64 && noSecret.stderr.contains("TALLY_WEBHOOK_SECRET: not set"))
        }
    }
}
