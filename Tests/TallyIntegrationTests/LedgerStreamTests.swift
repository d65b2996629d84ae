import Foundation
import TallyCore
import TallyTestSupport
import Testing

@testable import TallyPostgres

/// The two ways the ledger window is streamed (a binary COPY of the canonical table, single-row
/// mode for a configured ledger query) read the same rows, and the rows set aside on disk are read
/// back while the stream is still adding to them.
@Suite(.freshDatabase, .serialized) struct LedgerStreamTests {
    static let window = ReconciliationWindow(
        from: CivilDate(iso: "1999-12-31")!, to: CivilDate(iso: "2026-03-10")!,
        start: Timestamp.parse("1999-12-31 00:00:00+00")!, end: Timestamp.parse("2026-03-11 00:00:00+00")!,
        streamStart: Timestamp.parse("1999-12-30 00:00:00+00")!, streamEnd: Timestamp.parse("2026-03-12 00:00:00+00")!)

    /// Rows whose binary forms are worth a look: before PostgreSQL's 2000 epoch (a negative
    /// timestamp), microseconds, a negative and a huge amount, NULL and awkward merchant references,
    /// an unknown status, and rows that must become rejects (an unknown kind or currency).
    ///
    /// - Parameter columns: `retyped` gives `amount_minor` and `created_at` other types than the
    ///   canonical schema's (numeric, timestamp), so the COPY has to cast them; `padded` makes the
    ///   text columns `char(n)`, whose padding binary COPY sends and the reader must drop.
    func ledger(columns: String = "canonical") throws -> PostgresConnection {
        let db = try PostgresConnection(url: FreshDatabase.url)
        try db.execute("DROP TABLE IF EXISTS payments")
        try TestLedger.create(db)
        if columns == "retyped" {
            try db.execute(
                "ALTER TABLE payments ALTER COLUMN amount_minor TYPE numeric(20, 2), ALTER COLUMN created_at TYPE timestamp")
        } else if columns == "padded" {
            try db.execute(
                """
                ALTER TABLE payments ALTER COLUMN provider_ref TYPE char(24), ALTER COLUMN kind TYPE char(12),
                  ALTER COLUMN currency TYPE char(5), ALTER COLUMN status TYPE char(16),
                  ALTER COLUMN merchant_ref TYPE char(30)
                """)
        }
        try TestLedger.insert(
            [
                PaymentRow(id: 1, reference: "ch_old", amountMinor: 100, createdAt: "1999-12-31 23:59:59.999999+00"),
                PaymentRow(id: 2, reference: "ch_micro", amountMinor: -250, createdAt: "2026-03-10 12:00:00.000001+00"),
                PaymentRow(
                    id: 3, reference: "ch_big", amountMinor: 9_007_199_254_740_993, currency: "JPY",
                    createdAt: "2026-03-10 23:59:59+00", merchantReference: "order\t7\n\\x"),
                PaymentRow(id: 4, reference: "ch_odd", amountMinor: 5, status: "on_hold", createdAt: "2026-03-09 00:00:00+00"),
                PaymentRow(id: 5, reference: "ch_kind", kind: "payout", amountMinor: 5, createdAt: "2026-03-09 00:00:00+00"),
                PaymentRow(id: 6, reference: "ch_ccy", amountMinor: 5, currency: "XYZ", createdAt: "2026-03-09 00:00:00+00"),
                PaymentRow(id: 7, provider: "other", reference: "ch_other", amountMinor: 5, createdAt: "2026-03-09 00:00:00+00"),
            ], into: db)
        if columns == "retyped" {
            // a fraction of a minor unit: a reject on either path, never rounded
            try db.execute("UPDATE payments SET amount_minor = 5.5 WHERE provider_ref = 'ch_odd'")
        }
        return db
    }

    func reconcile(_ source: LedgerSource, _ db: PostgresConnection) throws -> ReconciliationResult {
        var reconciler = Reconciler(window: Self.window)
        for (line, reference, minor) in [(2, "ch_micro", Int64(250)), (3, "ch_odd", 5)] {
            reconciler.addTransaction(
                SettlementTransaction(
                    reference: reference, kind: .charge, amount: Money(minor: minor, currency: .eur),
                    location: SourceLocation(file: 0, line: line)))
        }
        var ledger = reconciler.ledgerPhase()
        try source.read(into: &ledger, connection: db)
        return ledger.finish()
    }

    @Test(arguments: ["canonical", "retyped", "padded"])
    func aBinaryCopyAndSingleRowModeReadTheSameRows(columns: String) throws {
        let db = try ledger(columns: columns)
        let types = try db.columnTypes(of: LedgerSource.canonicalWindowQuery, ["acmepay", "-infinity", "infinity"])
        let padded = LedgerSource.paddedColumnsWithoutCasts(types)
        #expect((padded == nil) == (columns == "retyped"))
        #expect(padded == (columns == "padded" ? 0b101_1011 : columns == "canonical" ? 0b1000 : nil))
        let copy = LedgerSource(provider: "acmepay")
        #expect(copy.streamsWithCopy)  // unless the column types say otherwise (retyped)
        let configured = LedgerSource(
            provider: "acmepay",
            ledgerQuery: "SELECT * FROM payments WHERE provider = $1 AND created_at >= $2 AND created_at < $3",
            hasMerchantReference: true)
        #expect(!configured.streamsWithCopy)

        let binary = try reconcile(copy, db)
        let text = try reconcile(configured, db)
        #expect(binary.breaks == text.breaks)
        #expect(binary.rejects.map(\.reason) == text.rejects.map(\.reason))
        #expect(binary.matched == 1 && binary.ledgerRowsStreamed == (columns == "retyped" ? 3 : 4))
        #expect(binary.rejects.count == (columns == "retyped" ? 3 : 2))
        if columns == "retyped" {
            #expect(
                binary.rejects.contains { $0.reason.contains("ch_odd") && $0.reason.contains("'5.50'") },
                "\(binary.rejects.map(\.reason))")
        }

        let ledger = Dictionary(
            uniqueKeysWithValues: binary.breaks.compactMap { item in item.ledger.map { (item.reference, $0) } })
        #expect(ledger["ch_old"]?.createdAt == Timestamp.parse("1999-12-31 23:59:59.999999+00"))
        #expect(ledger["ch_big"]?.amount == Money(minor: 9_007_199_254_740_993, currency: .jpy))
        #expect(ledger["ch_big"]?.merchantReference == "order\t7\n\\x")
        #expect(ledger["ch_odd"]?.status == (columns == "retyped" ? nil : .other("on_hold")))  // a status_mismatch
        #expect(ledger["ch_old"]?.merchantReference == nil)
    }

    /// The work done while the drain waits for rows (the file digests) changes nothing, and once
    /// it says it has nothing left it is not asked again.
    @Test func workWhileWaitingLeavesTheOutcomeAlone() throws {
        let db = try TestLedger.charges(30_000)
        let source = LedgerSource(provider: "acmepay", queueBytes: 4096)
        var plain = Reconciler(window: Self.window).ledgerPhase()
        try source.read(into: &plain, connection: db)

        var busy = Reconciler(window: Self.window).ledgerPhase()
        let stream = try source.begin(window: Self.window, connection: db)
        var calls = 0
        try stream.drain(
            into: &busy,
            whileWaiting: {
                calls += 1
                return calls < 5
            })
        try source.lookUp(into: &busy, connection: db)
        try source.commit(db)
        #expect(calls <= 5)
        let (a, b) = (plain.finish(), busy.finish())
        #expect(b.ledgerRowsStreamed == 30_000)
        #expect(a.breaks == b.breaks)
    }

    /// A spilled run partitions the streamed rows with `drainRows`: rows the stream set aside on
    /// disk reach it too (before, only the queue's did, so a full queue could lose rows there).
    @Test func drainRowsReadsTheRowsSetAside() throws {
        let count = 20_000
        let db = try TestLedger.charges(count)
        let source = LedgerSource(provider: "acmepay", queueBytes: 4096)  // a queue of two batches
        let stream = try source.begin(window: Self.window, connection: db)
        stream.waitForRowsSetAside()
        #expect(stream.rowsSetAside > 0)
        var references = Set<String>()
        try stream.drainRows { fields in references.insert(String(decoding: fields[.reference]!, as: UTF8.self)) }
        try source.commit(db)
        #expect(references.count == count)
    }

    @Test func binaryFieldsDecodeAndBadHeadersAreRefused() throws {
        func field(_ value: Int64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
        for (raw, expected) in [
            (Int64.max, nil), (Int64.min, nil), (0, Timestamp.parse("2000-01-01 00:00:00+00")),
            (-1, Timestamp.parse("1999-12-31 23:59:59.999999+00")),
        ] as [(Int64, Timestamp?)] {
            let bytes = field(raw)
            bytes.withUnsafeBufferPointer { buffer in
                var fields = LedgerFields()
                fields.binaryValues = true
                fields[5] = buffer
                #expect(fields.createdAt() == expected, "\(raw)")
            }
        }
        var framing = CopyBinaryFraming()
        let notCopy = Array("PGCOPY\nnot binary at all".utf8)
        #expect(throws: PostgresError.self) { try notCopy.withUnsafeBufferPointer { _ = try framing.tuple(in: $0) } }
    }

    @Test func aSetAsideBatchKeepsItsLayoutAndPaddedColumns() throws {
        let overflow = LedgerOverflow()
        let tuple: [UInt8] = [0, 1, 0, 0, 0, 5] + Array("ab   ".utf8)  // one field, char(5) "ab"
        let batch = LedgerBatch(bytes: tuple, rows: 1, layout: .copyBinary, paddedColumns: 1)
        #expect(overflow.append(batch))
        let back = try #require(try overflow.next())
        #expect(back.layout == .copyBinary && back.paddedColumns == 1 && back.rows == 1 && back.bytes == tuple)
        var reference = ""
        back.forEachRow { reference = String(decoding: $0[0]!, as: UTF8.self) }
        #expect(reference == "ab")
    }

    @Test func rowsSetAsideAreReadWhileTheWriterGoesOn() throws {
        let overflow = LedgerOverflow()
        let batches = 200
        @Sendable func batch(_ number: Int) -> LedgerBatch {
            var batch = LedgerBatch(reservingBytes: 0)
            let text = Array("ch_\(number)".utf8)
            text.withUnsafeBufferPointer { reference in
                var fields = LedgerFields()
                fields[0] = reference
                for _ in 0...(number % 5) { batch.append(fields) }
            }
            return batch
        }
        let writer = Thread {
            for number in 0..<batches {
                _ = overflow.append(batch(number))
                if number % 10 == 0 { usleep(200) }
            }
        }
        writer.start()
        var read: [(Int, String)] = []
        var idle = 0
        while read.count < batches && idle < 20_000 {
            guard let next = try overflow.next() else {
                idle += 1
                usleep(100)
                continue
            }
            var first = ""
            next.forEachRow { if first.isEmpty { first = String(decoding: $0[0]!, as: UTF8.self) } }
            read.append((next.rows, first))
        }
        #expect(read.count == batches)
        #expect(read.map(\.0) == (0..<batches).map { $0 % 5 + 1 })
        #expect(read.map(\.1) == (0..<batches).map { "ch_\($0)" })
        #expect(try overflow.next() == nil)
        #expect(overflow.unreadRows == 0)
    }
}
