import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// A week of working the exceptions through the built binary against the real PostgreSQL
/// (issue 15, docs/items.md): breaks acknowledged, assigned and commented, a proposal confirmed and
/// another rejected, a write-off under and one over the limit (refused for its maker, approved by
/// a second person), a sheet with a bad row (nothing applied) then a good one, a rerun keeping the
/// item ids, the alerts of each night, `--fail-on-acknowledged`, and the period report's figures.
@Suite(.freshDatabase, .serialized) struct ItemStoryTests {
    @Test func aWeekOfWorkingTheExceptions() throws {
        let story = try ItemStory.begin()
        defer { story.end() }

        // Night 1: nine breaks, two of them proposals of the amount_date pass.
        let (first, night1) = try story.run(night: 1, out: "n1")
        try #require(first.status == 0, "\(first.output)")
        let breaks1 = ItemStory.byKey(night1, "breaks")
        let classes = breaks1.mapValues { $0["class"] as? String ?? "" }
        #expect(
            classes == [
                "ch_round charge": "amount_mismatch", "ch_big charge": "amount_mismatch",
                "ch_known charge": "missing_internally", "ch_hold charge": "missing_internally",
                "ch_late charge": "missing_in_provider", "ch_pa charge": "probable_match", "ch_pb charge": "probable_match",
                "ch_s1 charge": "missing_internally", "ch_s2 charge": "missing_internally",
            ], "\(classes)")
        let id = breaks1.mapValues { $0["item_id"] as? String ?? "" }
        #expect(breaks1.values.allSatisfy { $0["state"] as? String == "open" })

        // The morning: acknowledge, assign, comment.
        func ok(_ result: Subprocess.Result) { #expect(result.status == 0, "\(result.output)") }
        ok(try story.items(["ack", id["ch_hold charge"]!, "--note", "re-sent Tuesday", "--until", "2026-03-20"]))
        ok(try story.items(["ack", id["ch_known charge"]!, "--note", "provider knows"]))
        ok(try story.items(["assign", id["ch_known charge"]!, "--to", "bob"]))
        ok(try story.items(["comment", id["ch_known charge"]!, "--note", "ticket 4411"], actor: "carol"))

        // Write-offs: 0.03 EUR under the 1.00 EUR limit closes; 25.00 EUR waits for a second person.
        ok(
            try story.items([
                "resolve", id["ch_round charge"]!, "--as", "written_off", "--reason", "rounding", "--note", "3 cents",
            ]))
        let big = try story.items([
            "resolve", id["ch_big charge"]!, "--as", "written_off", "--reason", "provider_fee", "--note", "fee taken twice",
        ])
        ok(big)
        #expect(big.stdout.contains("waiting for another person's approval"), "\(big.stdout)")
        let pending = try story.items(["list", "--state", "pending_approval"])
        #expect(pending.stdout.contains(id["ch_big charge"]!), "\(pending.output)")
        let selfApproval = try story.items(["approve", id["ch_big charge"]!])
        #expect(selfApproval.status == 64)
        #expect(
            selfApproval.stderr.contains("alice wrote it off and cannot approve their own write-off"), "\(selfApproval.output)")
        ok(try story.items(["approve", id["ch_big charge"]!], actor: "bob"))
        let notAProposal = try story.items(["confirm", id["ch_known charge"]!])
        #expect(notAProposal.status == 64 && notAProposal.stderr.contains("not a probable_match"), "\(notAProposal.output)")
        ok(try story.items(["confirm", id["ch_pa charge"]!, "--note", "same customer"]))

        // The sheet: one bad row and nothing is applied; corrected, both rows are.
        let exported = try story.items(["export", "--provider", "acmepay"])
        ok(exported)
        let original = exported.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        var sheet = original
        #expect(sheet[0].hasSuffix(",action,reason,note,assignee"))
        #expect(sheet.count == 1 + 6, "the open items but the two written off and the confirmed: \(exported.stdout)")
        func fill(_ reference: String, _ cells: String) {
            let index = original.firstIndex { $0.contains(",\(reference),charge,") }!
            #expect(original[index].hasSuffix(",,,,"))
            sheet[index] = String(original[index].dropLast(3)) + cells
        }
        fill("ch_s1", "explained,known_provider_issue,re-sent by the provider,")
        fill("ch_s2", "frobnicate,,,")
        let sheetPath = story.out("items.csv")
        try Data((sheet.joined(separator: "\r\n") + "\r\n").utf8).write(to: URL(fileURLWithPath: sheetPath))
        let db = try PostgresConnection(url: FreshDatabase.url)
        let eventsBefore = try db.query("SELECT count(*) FROM tally.item_events").first?.first ?? nil
        let refused = try story.items(["apply", sheetPath])
        #expect(refused.status == 65, "\(refused.output)")
        #expect(refused.stdout.contains("action 'frobnicate' is not one of"), "\(refused.stdout)")
        #expect(refused.stdout.contains("1 of 2 rows refused: nothing applied"), "\(refused.stdout)")
        #expect(try db.query("SELECT count(*) FROM tally.item_events").first?.first ?? nil == eventsBefore)
        fill("ch_s2", "ack,,known duplicate of ch_s1,")
        try Data((sheet.joined(separator: "\r\n") + "\r\n").utf8).write(to: URL(fileURLWithPath: sheetPath))
        let dry = try story.items(["apply", sheetPath, "--dry-run"])
        #expect(dry.status == 0 && dry.stdout.contains("2 rows checked, nothing applied (--dry-run)"), "\(dry.output)")
        let applied = try story.items(["apply", sheetPath])
        #expect(applied.status == 0 && applied.stdout.contains("2 rows applied"), "\(applied.output)")

        // --fail-on ignores what people acknowledged or closed, unless --fail-on-acknowledged.
        let quiet = try story.run(night: 1, out: "n1-dry", ["--dry-run", "--fail-on", "high"]).0
        #expect(quiet.status == 0, "\(quiet.output)")
        let strict = try story.run(night: 1, out: "n1-dry", ["--dry-run", "--fail-on", "high", "--fail-on-acknowledged"]).0
        #expect(strict.status == 1, "\(strict.output)")

        ok(try story.items(["reject", id["ch_pb charge"]!, "--note", "different customer"]))

        // The rerun of night 1 carries out what people decided, under the same ids.
        let (rerun, again) = try story.run(night: 1, out: "n1-again")
        try #require(rerun.status == 0, "\(rerun.output)")
        let breaks2 = ItemStory.byKey(again, "breaks")
        #expect(breaks2["ch_pa charge"] == nil, "a confirmed proposal is matched")
        #expect(breaks2["ch_pb charge"]?["class"] as? String == "missing_in_provider")
        #expect(breaks2["ch_pb_bank charge"]?["class"] as? String == "missing_internally")
        #expect(breaks2["ch_round charge"]?["state"] as? String == "written_off")
        #expect(breaks2["ch_big charge"]?["state"] as? String == "written_off")
        #expect(breaks2["ch_s1 charge"]?["state"] as? String == "explained")
        #expect(breaks2["ch_known charge"]?["state"] as? String == "acknowledged")
        #expect(breaks2["ch_known charge"]?["assignee"] as? String == "bob")
        #expect(breaks2["ch_known charge"]?["last_note"] as? String == "ticket 4411")
        for (key, entry) in breaks2 where key != "ch_pb_bank charge" {
            #expect(entry["item_id"] as? String == id[key], "\(key) kept its id")
        }
        #expect((again["summary"] as? [String: Any])?["matched"] as? Int == 21)
        let resolved = ItemStory.byKey(again, "resolved").mapValues {
            "\($0["resolved_as"] ?? "") \($0["actor"] ?? "") \($0["reason"] as? String ?? "-")"
        }
        #expect(
            resolved == [
                "ch_round charge": "written_off alice rounding", "ch_big charge": "written_off alice provider_fee",
                "ch_s1 charge": "explained alice known_provider_issue", "ch_pa charge": "confirmed alice -",
                "ch_pb charge": "rejected alice -",
            ], "\(resolved)")
        let open2 = Set(ItemStory.byKey(again, "open_items").keys)
        #expect(
            open2 == ["ch_known charge", "ch_hold charge", "ch_late charge", "ch_s2 charge", "ch_pb charge", "ch_pb_bank charge"])
        let csv = try String(contentsOfFile: story.out("n1-again") + "/breaks.csv", encoding: .utf8)
        #expect(csv.components(separatedBy: "\r\n")[0].hasSuffix(",item_id,item_state,assignee,last_note"))

        // Night 2: the late line resolves its item; the acknowledged item's amount changed, so it
        // is open again (by the reconciler) and alerted again.
        try story.loadNightTwo()
        let (second, night2) = try story.run(night: 2, out: "n2", ["--fail-on", "high"])
        #expect(second.status == 1, "ch_known no longer acknowledged: \(second.output)")
        let resolved2 = ItemStory.byKey(night2, "resolved").mapValues { "\($0["resolved_as"] ?? "") \($0["actor"] ?? "")" }
        #expect(resolved2 == ["ch_late charge": "timing_difference tally"], "\(resolved2)")
        #expect(ItemStory.byKey(night2, "breaks")["ch_known charge"]?["state"] as? String == "open")
        let shown = try story.items(["show", id["ch_known charge"]!, "--json"])
        let events = (try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["events"]
        let trail = (events as? [[String: Any]] ?? []).map { "\($0["action"] ?? "") \($0["actor"] ?? "")" }
        #expect(trail == ["ack alice", "assign alice", "comment carol", "reopen tally"], "\(trail)")

        // The alerts of each night: told once; not about what people settled; again on new facts.
        let alerts = try story.alerts()
        try #require(alerts.count == 3, "\(alerts)")
        #expect(alerts[0].breaks == ["ch_big", "ch_hold", "ch_known", "ch_round", "ch_s1", "ch_s2"])
        #expect(alerts[1].breaks == ["ch_pb_bank"] && alerts[1].escalations.isEmpty, "\(alerts[1])")
        #expect(alerts[2].breaks == ["ch_known"], "\(alerts[2])")
        #expect(alerts[2].escalations == ["ch_known", "ch_pb", "ch_pb_bank"], "ch_hold and ch_s2 are acknowledged: \(alerts[2])")

        // The period report.
        try PeriodChecks.expectFigures(story)
        // A person's closure counts at the period's end before a run carries it out.
        ok(
            try story.items([
                "resolve", id["ch_s2 charge"]!, "--as", "explained", "--reason", "known_provider_issue", "--note", "as ch_s1",
            ]))
        let closed = try PeriodChecks.breaks(story, folder: "period-after")
        #expect(closed["open_at_end_by_state"] as? [String: Int] == ["open": 4], "\(closed)")
        #expect(closed["explained_by_reason"] as? [String: Int] == ["known_provider_issue": 2], "\(closed)")

        let verified = try story.items(["verify"])
        let dump = try db.query(
            "SELECT id, reference, action, actor, left(previous_hash, 8), left(hash, 8) FROM tally.item_events ORDER BY id"
        ).map { $0.map { $0 ?? "-" }.joined(separator: " ") }.joined(separator: "\n")
        #expect(verified.status == 0 && verified.stdout.contains("the chain holds"), "\(verified.output)\n\(dump)")
    }
}
