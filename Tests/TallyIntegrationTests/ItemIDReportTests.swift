import Foundation
import TallyPostgres
import TallyTestSupport
import Testing

/// Every report names each item by its stable id, the same on a rerun and the next night
/// (docs/items.md, "The item id").
@Suite(.freshDatabase, .serialized) struct ItemIDReportTests {
    let nights = SampleNights()

    @Test func itemIDsStayTheSameAcrossRerunsAndNights() throws {
        _ = try nights.reset()
        try nights.withScratch { scratch in
            let first = try nights.run(SampleNights.one, scratch.appendingPathComponent("n1"))
            let breaks = first["breaks"] as? [[String: Any]] ?? []
            for entry in breaks {
                let opens = !["timing_difference", "control_mismatch"].contains(entry["class"] as? String ?? "")
                if opens {
                    #expect((entry["item_id"] as? String)?.hasPrefix("it_") == true, "\(entry)")
                } else {
                    #expect(entry["item_id"] is NSNull, "\(entry)")
                }
            }
            let firstIDs = nights.ids(first, "breaks")
            #expect(firstIDs.count >= 10)
            #expect(Set(firstIDs.values).count == firstIDs.count, "ids are unique")
            let rerun = try nights.run(SampleNights.one, scratch.appendingPathComponent("n1-again"))
            #expect(nights.ids(rerun, "breaks") == firstIDs)
            #expect(nights.ids(rerun, "open_items") == nights.ids(first, "open_items"))
            try SampleLedger.applyNightTwoCorrections(to: PostgresConnection(url: FreshDatabase.url))
            let second = try nights.run(SampleNights.two, scratch.appendingPathComponent("n2"))
            let open = nights.ids(second, "open_items")
            #expect(!open.isEmpty)
            for (key, id) in open { #expect(firstIDs[key] == id, "\(key) kept its id") }
            for (key, id) in nights.ids(second, "resolved") { #expect(firstIDs[key] == id, "\(key) resolved under its id") }
            // breaks.csv: item_id after matched_by, then the item's state, the same ids
            let csv = try String(contentsOf: scratch.appendingPathComponent("n1/breaks.csv"), encoding: .utf8)
            let lines = csv.components(separatedBy: "\r\n")
            #expect(lines[0].hasSuffix(",matched_by,item_id,item_state,assignee,last_note"))
            for id in firstIDs.values { #expect(csv.contains("," + id + ",open,,\r\n"), "\(id) in breaks.csv") }
            let html = try String(contentsOf: scratch.appendingPathComponent("n1/report.html"), encoding: .utf8)
            #expect(html.contains("title=\"item \(firstIDs.values.sorted()[0])\""))
        }
    }
}
