import Foundation
import TallyCore
import TallyEngine
import TallyIngest
import TallyPostgres
import TallyTestSupport
import Testing

/// Every break with a ledger side names the ledger row's `merchant_ref` (the order number a finance
/// person looks up), however the row was matched: by key in the window, by the out-of-window
/// lookup, or unmatched — in memory and spilled to disk.
@Suite(.freshDatabase, .serialized) struct MerchantReferenceTests {
    static let rows = [
        PaymentRow(
            id: 1, reference: "ch_amount", amountMinor: 1_000, createdAt: "2026-03-10 09:00:00+00",
            merchantReference: "order-amount"),
        PaymentRow(
            id: 2, reference: "ch_status", amountMinor: 2_000, status: "failed", createdAt: "2026-03-10 10:00:00+00",
            merchantReference: "order-status"),
        PaymentRow(
            id: 3, reference: "ch_currency", amountMinor: 3_000, currency: "USD", createdAt: "2026-03-10 11:00:00+00",
            merchantReference: "order-currency"),
        PaymentRow(
            id: 4, reference: "ch_twice", amountMinor: 4_000, createdAt: "2026-03-10 12:00:00+00",
            merchantReference: "order-twice"),
        // settled before its day (lookahead) and long after it (found by the out-of-window lookup)
        PaymentRow(
            id: 5, reference: "ch_ahead", amountMinor: 500, createdAt: "2026-03-11 06:00:00+00", merchantReference: "order-ahead"),
        PaymentRow(
            id: 6, reference: "ch_old", amountMinor: 600, createdAt: "2026-02-01 06:00:00+00", merchantReference: "order-old"),
        PaymentRow(
            id: 7, reference: "ch_unsettled", amountMinor: 700, createdAt: "2026-03-10 13:00:00+00",
            merchantReference: "order-unsettled"),
        PaymentRow(
            id: 8, reference: "ch_clean", amountMinor: 800, createdAt: "2026-03-10 14:00:00+00", merchantReference: "order-clean"),
        // a row without one stays without one
        PaymentRow(id: 9, reference: "ch_bare", amountMinor: 900, createdAt: "2026-03-10 15:00:00+00"),
    ]

    func run(memoryLimit: Int?, in directory: URL) throws -> [[String: Any]] {
        var scenario = StripeScenario()
        for (reference, gross, currency) in [
            ("ch_amount", "10.01", "EUR"), ("ch_status", "20.00", "EUR"), ("ch_currency", "30.00", "EUR"),
            ("ch_twice", "40.00", "EUR"), ("ch_twice", "40.00", "EUR"), ("ch_ahead", "5.00", "EUR"), ("ch_old", "6.00", "EUR"),
            ("ch_clean", "8.00", "EUR"), ("ch_bare", "9.01", "EUR"),
        ] {
            scenario.line(reference, category: "charge", gross: gross, currency: currency)
        }
        let file = directory.appendingPathComponent("stripe.csv")
        try scenario.csv().write(to: file)
        let out = directory.appendingPathComponent("out-\(memoryLimit.map(String.init) ?? "memory")")
        var options = RunOptions(
            provider: "acmepay", format: .stripe, files: [file.path], from: CivilDate(iso: "2026-03-10")!,
            to: CivilDate(iso: "2026-03-10")!, databaseURL: FreshDatabase.url, outDirectory: out.path, dryRun: true)
        options.memoryLimitBytes = memoryLimit
        _ = try ReconciliationRun(options: options).run()
        let report =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as! [String: Any]
        let csv = try String(contentsOf: out.appendingPathComponent("breaks.csv"), encoding: .utf8)
        #expect(csv.contains(",order-amount,"), "\(csv)")
        return report["breaks"] as! [[String: Any]]
    }

    @Test(arguments: [nil, 1] as [Int?])
    func everyBreakWithALedgerSideNamesItsOrder(memoryLimit: Int?) throws {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try TestLedger.create(db)
        try TestLedger.insert(Self.rows, into: db)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-merchant-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let breaks = try run(memoryLimit: memoryLimit, in: directory)
        let named = breaks.map { item -> String in
            let ledger = item["ledger"] as? [String: Any]
            let merchant = ledger.map { ($0["merchant_ref"] as? String) ?? "null" } ?? "-"
            return "\(item["class"]!) \(item["reference"]!) \(merchant)"
        }
        #expect(
            named == [
                "amount_mismatch ch_amount order-amount",
                "amount_mismatch ch_bare null",
                "currency_mismatch ch_currency order-currency",
                "duplicate_in_provider ch_twice order-twice",
                "missing_in_provider ch_unsettled order-unsettled",
                "status_mismatch ch_status order-status",
                "timing_difference ch_ahead order-ahead",
                "timing_difference ch_old order-old",
            ])
    }
}
