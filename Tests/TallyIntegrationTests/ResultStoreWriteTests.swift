import Foundation
import TallyCore
import TallyPostgres
import TallyTestSupport
import Testing

/// The store writes breaks and open items with `COPY … FROM STDIN` and the rendered reports as a
/// binary parameter: any text and any bytes come back as they went in.
@Suite(.freshDatabase, .serialized) struct ResultStoreWriteTests {
    @Test func awkwardTextAndBytesComeBackUnchanged() throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP SCHEMA IF EXISTS tally CASCADE")
        _ = try Migrations.migrate(db)
        let store = ResultStore(connection: db)
        let day = CivilDate(iso: "2026-03-10")!
        let window = ReconciliationWindow(
            from: day, to: day, start: Timestamp.parse("2026-03-10 00:00:00+00")!,
            end: Timestamp.parse("2026-03-11 00:00:00+00")!, streamStart: Timestamp.parse("2026-03-07 00:00:00+00")!,
            streamEnd: Timestamp.parse("2026-03-12 00:00:00+00")!)
        let runID = "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"
        try store.beginRun(
            id: runID, provider: "acmepay", format: "stripe", from: day, to: day, timezone: "UTC",
            startedAt: Timestamp.parse("2026-03-11 02:00:00+00")!, optionsJSON: "{}")

        let awkward = "tab\there, line\nend, cr\rhere, back\\slash \\N, \"quoted\", ünïcödé"
        let ledger = LedgerRecord(
            reference: awkward, kind: .charge, amount: Money(minor: 1_000, currency: .eur), status: .other("weird\tstatus"),
            createdAt: Timestamp.parse("2026-03-10 12:00:00.5+00")!, merchantReference: "order\\\n7")
        let breaks = [
            Break(
                breakClass: .amountMismatch, reference: awkward, kind: .charge,
                provider: Break.ProviderSide(
                    amount: Money(minor: 999, currency: .eur), location: SourceLocation(file: 0, line: 7)),
                ledger: ledger, differences: [.status, .amount]),
            Break(breakClass: .missingInProvider, reference: "\\.", kind: .refund, provider: nil, ledger: nil),
        ]
        let outcome = History(runID: runID, window: window, supersedes: nil).advance(
            breaks: breaks, previous: [], settledKeys: { _ in false }, ledger: [:])
        let report: [UInt8] = [0, 1, 2, 0x5C, 0x0A, 0xFF] + Array("report".utf8)
        try store.commit(
            runID: runID, provider: "acmepay", finishedAt: Timestamp.parse("2026-03-11 02:01:00+00")!, summaryJSON: "{}",
            filesJSON: "[]", supersedes: nil, breaks: outcome.breaks, filePaths: ["settle\tment.csv"], outcome: outcome,
            reports: { [("report.json", report), ("empty.csv", [])] })

        let rows = try db.query(
            """
            SELECT reference, ledger_status, ledger_merchant_ref, provider_file, differences::text, ledger_created_at::text
            FROM tally.breaks WHERE run_id = $1::uuid ORDER BY ordinal
            """, [runID])
        #expect(rows.count == 2)
        let stored = try #require(rows.first(where: { $0[0] == awkward }))
        #expect(stored[1] == "weird\tstatus")
        #expect(stored[2] == "order\\\n7")
        #expect(stored[3] == "settle\tment.csv")
        #expect(stored[4] == "{status,amount}")
        #expect(stored[5] == "2026-03-10 12:00:00.5+00")
        #expect(rows.contains { $0[0] == "\\." && $0[2] == nil && $0[4] == "{}" })
        let open = try db.query("SELECT reference FROM tally.open_items WHERE provider = 'acmepay' ORDER BY reference")
        #expect(Set(open.compactMap { $0[0] }) == [awkward, "\\."])
        let reports = try store.reports(runID: runID)
        #expect(reports.first { $0.name == "report.json" }?.bytes == report)
        #expect(reports.first { $0.name == "empty.csv" }?.bytes == [])
    }
}
