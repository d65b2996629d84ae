import Foundation
import TallyCore
import TallyPostgres
import TallyTestSupport
import Testing

/// Ledger rows the stream's thread sets aside in a temporary file while nobody drains the queue come
/// back at the drain: the outcome is the one of a plain drain.
@Suite(.freshDatabase, .serialized) struct LedgerOverflowTests {
    static let window = ReconciliationWindow(
        from: CivilDate(iso: "2026-03-10")!, to: CivilDate(iso: "2026-03-10")!,
        start: Timestamp.parse("2026-03-10 00:00:00+00")!, end: Timestamp.parse("2026-03-11 00:00:00+00")!,
        streamStart: Timestamp.parse("2026-03-07 00:00:00+00")!, streamEnd: Timestamp.parse("2026-03-12 00:00:00+00")!)

    func settle(_ reconciler: inout Reconciler, count: Int) {
        for number in 0..<count where number % 7 != 0 {  // every 7th row is missing in the provider
            let amount = Money(minor: Int64(100 + number) + (number % 11 == 0 ? 1 : 0), currency: .eur)
            reconciler.addTransaction(
                SettlementTransaction(
                    reference: "ch_\(number)", kind: .charge, amount: amount, location: SourceLocation(file: 0, line: number + 2))
            )
        }
    }

    @Test func theStreamSetsRowsAsideOnDiskWhileNobodyDrains() throws {
        let count = 20_000
        let db = try TestLedger.charges(count)
        let source = LedgerSource(provider: "acmepay", queueBytes: 4096)  // a queue of two batches

        var plainSettlement = Reconciler(window: Self.window)
        settle(&plainSettlement, count: count)
        var plain = plainSettlement.ledgerPhase()
        try source.read(into: &plain, connection: db)

        var lateSettlement = Reconciler(window: Self.window)
        settle(&lateSettlement, count: count)
        var late = lateSettlement.ledgerPhase()
        let stream = try source.begin(window: Self.window, connection: db)
        // Nobody drains: once the queue is full, the stream's thread sets batches aside.
        stream.waitForRowsSetAside()
        #expect(stream.rowsSetAside > 0)
        try stream.drain(into: &late)
        try source.lookUp(into: &late, connection: db)
        try source.commit(db)
        let a = plain.finish()
        let b = late.finish()
        #expect(b.ledgerRowsStreamed == count)
        #expect(b.matched == a.matched)
        #expect(b.breaks.map { "\($0.breakClass) \($0.reference)" } == a.breaks.map { "\($0.breakClass) \($0.reference)" })
    }

    /// `--state-dir` decides where the stream sets rows aside too, not only the spill partitions:
    /// its spill folder is made when the first batch goes there (the file itself is unlinked at once).
    @Test func rowsAreSetAsideInTheGivenFolderMadeWhenFirstNeeded() throws {
        let db = try TestLedger.charges(20_000)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tally-setaside-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var source = LedgerSource(provider: "acmepay", queueBytes: 4096)
        source.setAsideDirectory = scratch.path + "/state/spill"
        let stream = try source.begin(window: Self.window, connection: db)
        stream.waitForRowsSetAside()
        #expect(stream.rowsSetAside > 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/state/spill").isEmpty)
        var ledger = Reconciler(window: Self.window).ledgerPhase()
        try stream.drain(into: &ledger)
        try source.commit(db)
        #expect(ledger.ledgerRowsStreamed == 20_000)
    }
}
