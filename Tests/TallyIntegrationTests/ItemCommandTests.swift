import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// `tally items` through the built binary on the two sample nights (docs/items.md): actions as
/// events, the reconciler's resolutions as events, and the hash chain.
@Suite(.freshDatabase, .serialized) struct ItemCommandTests {
    let nights = SampleNights()

    func items(_ arguments: [String], actor: String? = "alice", environment: [String: String] = [:]) throws
        -> Subprocess.Result
    {
        try nights.cli.tally(
            ["items"] + arguments + ["--database-url", FreshDatabase.url] + (actor.map { ["--actor", $0] } ?? []),
            environment: environment)
    }

    @Test func everyActionIsAnEventAndTheChainNamesTheAlteredOne() throws {
        let db = try nights.reset()
        try nights.withScratch { scratch in
            let first = try nights.run(SampleNights.one, scratch.appendingPathComponent("n1"))
            let ids = nights.ids(first, "breaks")
            let ghost = try #require(ids.first { $0.key.hasPrefix("ch_6V0yB5RELxEr57_ghost") }?.value)
            let other = try #require(ids.first { $0.key.contains("_unsettled") && $0.key.hasPrefix("re_") }?.value)

            let ack = try items(["ack", other, "--note", "provider re-sends it Tuesday", "--until", "2026-03-17"])
            #expect(ack.status == 0, "\(ack.output)")
            #expect(ack.stdout.contains("acknowledged until 2026-03-17 by alice"))
            #expect(try items(["assign", other, "--to", "bob"]).status == 0)
            let comment = try items(
                ["comment", other, "--note", "ticket 4411"], actor: nil, environment: ["TALLY_ACTOR": "carol"])
            #expect(comment.status == 0, "\(comment.output)")
            #expect(comment.stdout.contains("by carol"))

            let listed = try items(["list", "--provider", "acmepay", "--json"], actor: nil)
            #expect(listed.status == 0, "\(listed.output)")
            let entries = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
            let entry = try #require(entries.first { $0["item_id"] as? String == other })
            #expect(entry["state"] as? String == "acknowledged")
            #expect(entry["assignee"] as? String == "bob")
            #expect(entry["last_note"] as? String == "ticket 4411")
            #expect(entry["acknowledged_until"] as? String == "2026-03-17")
            let byBob = try items(["list", "--assignee", "bob"], actor: nil)
            #expect(byBob.stdout.split(separator: "\n").count == 1, "\(byBob.output)")

            // refusals name the item and what is wrong, exit 64
            let badReason = try items(["resolve", other, "--as", "written_off", "--reason", "whim", "--note", "x"])
            #expect(badReason.status == 64)
            #expect(badReason.stderr.contains("item \(other): --reason 'whim' is not a reason code"))
            let resolved = try items([
                "resolve", other, "--as", "explained", "--reason", "known_provider_issue", "--note", "re-sent",
            ])
            #expect(resolved.status == 0, "\(resolved.output)")
            let again = try items(["ack", other, "--note", "again"])
            #expect(again.status == 64)
            #expect(again.stderr.contains("item \(other): is not open (resolved as explained by alice"))
            let unknown = try items(["comment", "it_0000000000000000", "--note", "x"])
            #expect(unknown.status == 64)
            #expect(unknown.stderr.contains("no item it_0000000000000000"))
            let malformed = try items(["comment", "ch_123", "--note", "x"])
            #expect(malformed.status == 64)
            #expect(malformed.stderr.contains("'ch_123' is not an item id"))
            #expect(try items(["reopen", other, "--note", "not re-sent after all"]).status == 0)

            // the reconciler's resolutions are events too
            try SampleLedger.applyNightTwoCorrections(to: db)
            try nights.run(SampleNights.two, scratch.appendingPathComponent("n2"))
            let shown = try items(["show", ghost, "--json"], actor: nil)
            #expect(shown.status == 0, "\(shown.output)")
            let ghostItem = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
            let ghostEvents = ghostItem["events"] as? [[String: Any]] ?? []
            #expect(ghostEvents.map { $0["action"] as? String } == ["reconciled"])
            #expect(ghostEvents.first?["actor"] as? String == "tally")
            #expect(ghostEvents.first?["resolved_as"] as? String == "timing_difference")
            #expect(ghostItem["state"] as? String == "reconciled")
            #expect((ghostItem["runs"] as? [Any])?.isEmpty == false)
            let text = try items(["show", other], actor: nil)
            #expect(text.stdout.contains("events:"))
            #expect(text.stdout.components(separatedBy: "\n  ").filter { $0.contains(" by ") }.count == 5, "\(text.stdout)")

            let verified = try items(["verify"], actor: nil)
            #expect(verified.status == 0, "\(verified.output)")
            #expect(verified.stdout.contains("the chain holds"))

            // events are never updated: the table refuses; tampering behind its back is found
            #expect(throws: (any Error).self) { try db.execute("UPDATE tally.item_events SET note = 'changed'") }
            #expect(throws: (any Error).self) { try db.execute("DELETE FROM tally.item_events") }
            let target = try #require(
                try db.query("SELECT id FROM tally.item_events WHERE action = 'assign'").first?.first ?? nil)
            try db.execute("SET session_replication_role = replica")
            try db.execute("UPDATE tally.item_events SET assignee = 'mallory' WHERE id = $1::bigint", [target])
            try db.execute("SET session_replication_role = DEFAULT")
            let tampered = try items(["verify"], actor: nil)
            #expect(tampered.status == 1, "\(tampered.output)")
            #expect(tampered.stdout.contains("broken at event \(target) (item \(other), assign)"), "\(tampered.stdout)")
        }
    }
}
