import Foundation
import TallyAlerts
import TallyCore
import TallyEngine
import TallyIngest
import TallyPostgres
import TallyReport
import TallyTestSupport
import Testing

/// Alerts end to end through the engine: the real PostgreSQL outbox, the real HTTP client and a
/// real loopback receiver (`scripts/webhook_receiver.py`) that fails on purpose. Backoffs are a
/// few hundredths of a second and nothing asserts how fast anything was.
@Suite(.freshDatabase, .serialized) struct AlertDeliveryTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let fastRetry = RetryPolicy(
        maxAttempts: 6, initialBackoffSeconds: 0.02, backoffMultiplier: 2, maxBackoffSeconds: 0.1)

    func reset() throws -> PostgresConnection {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        try TestLedger.create(db)
        return db
    }

    func endpoint(
        _ name: String, _ url: String, style: AlertEndpoint.Style = .standard, triggers: AlertTriggers = AlertTriggers(),
        requestSeconds: Double = 5
    ) throws -> AlertEndpoint {
        AlertEndpoint(
            name: name, url: try WebhookURL.parse(url).get(),
            secret: style == .standard ? try WebhookSecret.parse(Self.secret).get() : nil, style: style, triggers: triggers,
            retry: Self.fastRetry, timeouts: AlertEndpoint.Timeouts(connectSeconds: 2, requestSeconds: requestSeconds))
    }

    /// Runs one day: the ledger gets a matched charge of the day, the file settles it and `lines`.
    func night(
        _ day: String, lines: [(String, String, String)], endpoints: [AlertEndpoint], in directory: URL,
        db: PostgresConnection
    ) throws -> ReconciliationRun.Outcome {
        let id = Int(day.replacingOccurrences(of: "-", with: ""))!
        try TestLedger.insert(
            [PaymentRow(id: id, reference: "ch_\(day)", amountMinor: 1_000, createdAt: "\(day) 09:00:00+00")], into: db)
        var scenario = StripeScenario()
        scenario.line("ch_\(day)", category: "charge", gross: "10.00", currency: "EUR")
        for (reference, category, gross) in lines { scenario.line(reference, category: category, gross: gross, currency: "EUR") }
        let file = directory.appendingPathComponent("stripe-\(day).csv")
        try scenario.csv().write(to: file)
        let options = RunOptions(
            provider: "acmepay", format: .stripe, files: [file.path], from: CivilDate(iso: day)!, to: CivilDate(iso: day)!,
            databaseURL: FreshDatabase.url, outDirectory: directory.appendingPathComponent("out-\(day)").path,
            alerts: AlertSettings(
                rules: AlertRules(endpoints: endpoints), stateDirectory: directory.appendingPathComponent("state").path,
                budgetSeconds: 30))
        return try ReconciliationRun(options: options).run()
    }

    /// A fresh ledger and schema, a scratch directory and a running receiver for `body`.
    func withReceiver(_ body: (PostgresConnection, URL, WebhookReceiver) throws -> Void) throws {
        let db = try reset()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try WebhookReceiver.with(secret: Self.secret) { receiver in try body(db, directory, receiver) }
    }

    func outbox(_ db: PostgresConnection) throws -> [String] {
        try db.query("SELECT endpoint, state, attempts, coalesce(last_status, 0) FROM tally.alert_outbox ORDER BY id").map {
            "\($0[0]!) \($0[1]!) attempts=\($0[2]!) last=\($0[3]!)"
        }
    }

    static func figures(_ name: String, _ counts: AlertDispatcher.Counts?) {
        guard let counts else { return }
        print(
            "alert figures \(name): attempted \(counts.attempted), delivered \(counts.delivered), retried \(counts.retried), dead \(counts.dead)"
        )
    }

    @Test func deliveredAfterFailuresWithOneWebhookIDPerAlert() throws {
        try withReceiver { db, directory, receiver in
            let outcome = try night(
                "2026-03-10", lines: [("re_Y", "refund", "-5.00")],
                endpoints: [
                    try endpoint("signed", receiver.base + "/fail/500/3"),
                    try endpoint("chat", receiver.base + "/fail/503/2", style: .slack),
                ], in: directory, db: db)
            Self.figures("5xx", outcome.delivery)
            #expect(outcome.alertsQueued == 2)
            #expect(outcome.delivery?.delivered == 2 && outcome.delivery?.retried == 5 && outcome.delivery?.dead == 0)
            let signed = try receiver.deliveries(to: "/fail/500/3")
            #expect(signed.map(\.answered) == [500, 500, 500, 200])
            #expect(Set(signed.map(\.webhookID)).count == 1)
            #expect(!signed.isEmpty, "nothing to check: the assertion below would hold vacuously")
            #expect(signed.allSatisfy { $0.signatureOK == true })
            let body = try #require(JSONSerialization.jsonObject(with: Data(signed[0].body.utf8)) as? [String: Any])
            let data = try #require(body["data"] as? [String: Any])
            #expect((data["breaks"] as? [[String: Any]])?.map { $0["reference"] as? String } == ["re_Y"])
            #expect(
                (data["run"] as? [String: Any])?["report"] as? String
                    == directory.appendingPathComponent("out-2026-03-10/report.html").path)
            let chat = try receiver.deliveries(to: "/fail/503/2")
            #expect(chat.map(\.answered) == [503, 503, 200])
            #expect(!chat.isEmpty, "nothing to check: the assertion below would hold vacuously")
            #expect(chat.allSatisfy { $0.signatureOK == nil } && chat[0].body.contains("\"blocks\""))
            #expect(try outbox(db) == ["signed delivered attempts=4 last=200", "chat delivered attempts=3 last=200"])
        }
    }

    @Test func retryAfterIsHonouredAndATimeoutIsRetried() throws {
        try withReceiver { db, directory, receiver in
            let outcome = try night(
                "2026-03-10", lines: [("re_Y", "refund", "-5.00")],
                endpoints: [
                    try endpoint("throttled", receiver.base + "/retry-after/1/1"),
                    try endpoint("slow", receiver.base + "/hang/3/1", requestSeconds: 0.5),
                ], in: directory, db: db)
            Self.figures("429+timeout", outcome.delivery)
            let throttled = try receiver.deliveries(to: "/retry-after/1/1")
            #expect(throttled.map(\.answered) == [429, 200])
            // Retry-After: 1 means not before a second later (a lower bound, whatever the machine's speed)
            #expect(throttled[1].receivedAt - throttled[0].receivedAt >= 0.95)
            let slow = try receiver.deliveries(to: "/hang/3/1")
            #expect(slow.map(\.answered) == [nil, 200])
            #expect(slow[0].webhookID == slow[1].webhookID)
            #expect(try outbox(db) == ["throttled delivered attempts=2 last=200", "slow delivered attempts=2 last=200"])
            let error = try db.query("SELECT last_error FROM tally.alert_outbox WHERE endpoint = 'slow'").first?.first
            #expect(error == nil || error! == nil)
        }
    }

    @Test func aPersistingItemIsToldOnceAndEscalatesOnce() throws {
        try withReceiver { db, directory, receiver in
            let ops = try endpoint("ops", receiver.base + "/ok", triggers: AlertTriggers(escalateAfterDays: 2))
            let one = try night("2026-03-10", lines: [("re_Y", "refund", "-5.00")], endpoints: [ops], in: directory, db: db)
            let two = try night("2026-03-11", lines: [("re_Y", "refund", "-5.00")], endpoints: [ops], in: directory, db: db)
            let three = try night("2026-03-12", lines: [], endpoints: [ops], in: directory, db: db)
            let four = try night("2026-03-13", lines: [], endpoints: [ops], in: directory, db: db)
            #expect([one, two, three, four].map(\.alertsQueued) == [1, 0, 1, 0])
            #expect(two.report.breaks.map { "\($0.item.reference) new=\($0.isNew)" } == ["re_Y new=false"])
            let received = try receiver.deliveries(to: "/ok")
            #expect(received.count == 2)
            let bodies = try received.map {
                try #require(JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any])
            }
            let data = bodies.compactMap { $0["data"] as? [String: Any] }
            #expect(data[0]["breaks"].flatMap { ($0 as? [[String: Any]])?.map { $0["reference"] as? String } } == ["re_Y"])
            #expect((data[0]["escalations"] as? [Any])?.isEmpty == true)
            #expect((data[1]["breaks"] as? [Any])?.isEmpty == true)
            let escalation = try #require((data[1]["escalations"] as? [[String: Any]])?.first)
            #expect(escalation["reference"] as? String == "re_Y" && escalation["age_days"] as? Int == 2)
            #expect((data[1]["fired"] as? [[String: String]])?.map { $0["trigger"] } == ["escalate_after_days"])
            let told = try db.query("SELECT reference, escalated::text FROM tally.alerted_items")
            #expect(told.map { "\($0[0]!) \($0[1]!)" } == ["re_Y true"])
        }
    }
}
