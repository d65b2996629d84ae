import Foundation
import TallyAlerts
import TallyCore
import TallyPostgres
import TallyReport
import Testing

/// The bodies: Standard Webhooks JSON, Slack blocks, failed runs.
@Suite struct AlertPayloadTests {
    func object(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func writes(_ report: RunReport, _ endpoint: AlertEndpoint) -> [String] {
        let alerts = AlertEvaluator(rules: AlertRules(endpoints: [endpoint])).alerts(for: report, told: [])
        return AlertMessages.run(alerts, report: report, reportPath: "/srv/reports/report.html").messages.map(\.body)
    }

    @Test func theStandardBodyListsTheFirst50BreaksAndCountsTheRest() throws {
        let settled = (0..<60).map { ("re_\($0)", TransactionKind.refund, Int64(100 + $0)) }
        let report = Night.report("2026-03-10", settled: settled, runID: "00000000-0000-4000-8000-000000000001")
        let body = try #require(writes(report, Night.endpoint()).first)
        let json = try object(body)
        #expect(json["type"] as? String == "tally.run.alert")
        #expect(json["timestamp"] as? String == report.finishedAt.iso8601)
        let data = try #require(json["data"] as? [String: Any])
        #expect((data["breaks"] as? [Any])?.count == 50)
        #expect(data["breaks_not_listed"] as? Int == 10)
        let run = try #require(data["run"] as? [String: Any])
        #expect(run["report"] as? String == "/srv/reports/report.html")
        #expect(run["window"] as? [String: String] == ["from": "2026-03-10", "to": "2026-03-10"])
        let first = try #require((data["breaks"] as? [[String: Any]])?.first)
        #expect(first["class"] as? String == "missing_internally" && first["amount_at_risk_minor"] as? Int == 100)
        #expect((data["summary"] as? [String: Any])?["new"] as? Int == 60)
        // the same run gives the same bytes
        #expect(writes(report, Night.endpoint()).first == body)
    }

    @Test func slackTextIsEscapedAndBlocksStayWithinLimits() throws {
        let settled = (0..<60).map { ("<!channel>&\($0)", TransactionKind.refund, Int64(100)) }
        let report = Night.report("2026-03-10", settled: settled)
        let body = try #require(writes(report, Night.endpoint("slack", style: .slack)).first)
        #expect(!body.contains("<!channel>"))
        #expect(body.contains("&lt;!channel&gt;&amp;0"))
        let json = try object(body)
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        #expect(blocks.count <= 50)
        #expect(blocks.first?["type"] as? String == "header")
        for block in blocks {
            let text = (block["text"] as? [String: Any])?["text"] as? String ?? ""
            #expect(text.count <= 3_000)
        }
        #expect(body.contains("…and 10 more in the report"))
        #expect((json["text"] as? String)?.hasPrefix("Tally: acmepay 2026-03-10..2026-03-10") == true)
    }

    @Test func aFailedRunTellsItsStatusToEveryEndpointThatWantsIt() throws {
        let failure = RunFailure(
            runID: "r1", provider: "acmepay", format: "stripe", from: "2026-03-10", to: "2026-03-10", exitStatus: 69,
            meaning: "database or service unavailable", message: "cannot connect to PostgreSQL at host db port 5432: refused",
            failedAt: Timestamp(date: CivilDate(iso: "2026-03-11")!, hour: 2))
        let quiet = Night.endpoint("quiet", triggers: AlertTriggers(runFailure: false))
        let messages = AlertMessages.failure(
            failure, rules: AlertRules(endpoints: [Night.endpoint(), Night.endpoint("chat", style: .slack), quiet]))
        #expect(messages.map(\.endpoint) == ["ops", "chat"])
        #expect(!messages.isEmpty, "nothing to check: the assertion below would hold vacuously")
        #expect(messages.allSatisfy { $0.event == "tally.run.failed" })
        let data = try #require(try object(messages[0].body)["data"] as? [String: Any])
        #expect(data["exit_status"] as? Int == 69)
        #expect(data["error"] as? String == failure.message)
        #expect(messages[1].body.contains("exit status 69"))
    }
}
