import Foundation
import TallyCore
import TallyIngest
import TallyPostgres

/// `swift run -c release tally-bench`: the hot paths in isolation (CSV reader, money parsing,
/// timestamp parsing, the settlement index, the COPY binary parser and the matching of ledger
/// rows), so a regression shows up as a number.
///
/// Each case runs a fixed amount of work five times and prints the best time; results are
/// consumed so the optimiser cannot drop the work.
@main
enum Microbenchmarks {
    static func main() {
        print("tally-bench (best of 5; release build expected)")
        csvReader()
        moneyParsing()
        timestampParsing()
        settlementIndex()
        ledgerMatching()
    }

    static func best(_ label: String, unit: String, count: Int, _ body: () -> Int) {
        var fastest = Double.infinity
        var sink = 0
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            sink &+= body()
            fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let rate = Double(count) / fastest
        print(
            "\(label.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(format: "%8.3f", fastest * 1000)) ms  "
                + (unit == "MB/s" ? String(format: "%8.1f MB/s", rate / 1e6) : String(format: "%8.1f ns/%@", 1e9 / rate, unit))
                + "  (\(sink & 1))")
    }

    static func csvReader() {
        var text =
            "balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description\r\n"
        for number in 0..<200_000 {
            let quoted = number % 53 == 0 ? "\"Order \(number), \"\"gift\"\" wrap\"" : "Order \(number)"
            text +=
                "txn_\(number),2024-01-01 10:00:00,2024-01-03 00:00:00,eur,12.34,0.61,11.73,charge,\(String(number, radix: 16)),\(quoted)\r\n"
        }
        let bytes = Array(text.utf8)
        best("CSV reader, 200k Stripe rows", unit: "MB/s", count: bytes.count) {
            var reader = CSVReader(bytes: bytes)
            var fields = 0
            try? reader.forEachRecord { fields &+= $0.count }
            return fields
        }
    }

    static func moneyParsing() {
        let amounts = (0..<1_000).map { "\($0 * 37 % 100_000).\($0 % 100 < 10 ? "0" : "")\($0 % 100)" }.map { Array($0.utf8) }
        best("MoneyParser.parseMinor x1M", unit: "op", count: 1_000_000) {
            var total: Int64 = 0
            for _ in 0..<1_000 {
                for amount in amounts {
                    amount.withUnsafeBufferPointer { total &+= (try? MoneyParser.parseMinor($0, exponent: 2)) ?? 0 }
                }
            }
            return Int(truncatingIfNeeded: total)
        }
    }

    static func timestampParsing() {
        let stamps = (0..<1_000).map {
            Array("2024-01-\(10 + $0 % 20) 1\($0 % 10):2\($0 % 10):3\($0 % 10).\(100_000 + $0)+00".utf8)
        }
        best("Timestamp.parse (PostgreSQL) x1M", unit: "op", count: 1_000_000) {
            var total: Int64 = 0
            for _ in 0..<1_000 {
                for stamp in stamps { stamp.withUnsafeBufferPointer { total &+= Timestamp.parse($0)?.microseconds ?? 0 } }
            }
            return Int(truncatingIfNeeded: total)
        }
    }

    static func settlementIndex() {
        let references = (0..<1_000_000).map {
            Array(String(UInt64($0) &* 0x9E37_79B9_7F4A_7C15, radix: 16, uppercase: true).utf8)
        }
        let money = Money(minor: 1_234, currency: .eur)
        var index = SettlementIndex(expectedCount: references.count)
        best("SettlementIndex.insert x1M", unit: "op", count: references.count) {
            index = SettlementIndex(expectedCount: references.count)
            var inserted = 0
            for (number, reference) in references.enumerated() {
                reference.withUnsafeBufferPointer {
                    if index.insert($0, kind: .charge, amount: money, location: SourceLocation(file: 0, line: number)) != nil {
                        inserted += 1
                    }
                }
            }
            return inserted
        }
        best("SettlementIndex.insertDeferred x1M", unit: "op", count: references.count) {
            var deferred = SettlementIndex(expectedCount: references.count)
            var duplicates = 0
            for (number, reference) in references.enumerated() {
                reference.withUnsafeBufferPointer {
                    if deferred.insertDeferred($0, kind: .charge, amount: money, location: SourceLocation(file: 0, line: number))
                        != nil
                    {
                        duplicates += 1
                    }
                }
            }
            return duplicates + (deferred.settle() == nil ? 0 : 1)
        }
        best("SettlementIndex.find x1M (hits)", unit: "op", count: references.count) {
            var found = 0
            for reference in references.reversed() {
                reference.withUnsafeBufferPointer { if index.find($0, .charge) != nil { found += 1 } }
            }
            return found
        }
        print("SettlementIndex footprint: \(index.footprintBytes / references.count) bytes per entry")
    }

    /// One `COPY … (FORMAT binary)` tuple of the canonical columns, as the server sends it.
    static func copyTuple(_ reference: [UInt8], amount: Int64, createdAt: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        func field(_ value: [UInt8]?) {
            guard let value else { return withUnsafeBytes(of: Int32(-1).bigEndian) { bytes += $0 } }
            withUnsafeBytes(of: Int32(value.count).bigEndian) { bytes += $0 }
            bytes += value
        }
        withUnsafeBytes(of: Int16(7).bigEndian) { bytes += $0 }
        field(reference)
        field(Array("charge".utf8))
        field(withUnsafeBytes(of: amount.bigEndian) { Array($0) })
        field(Array("EUR".utf8))
        field(Array("succeeded".utf8))
        field(withUnsafeBytes(of: createdAt.bigEndian) { Array($0) })
        field(nil)
        return bytes
    }

    /// The matcher's loop: COPY binary batches of 1M ledger rows parsed and probed against an index
    /// of the same 1M keys, 16 rows at a time after prefetching (`LedgerSource.feed`); each round
    /// starts from a copy of the settled index, and its first write copies the entries.
    static func ledgerMatching() {
        let count = 1_000_000
        let references = (0..<count).map { Array(String(UInt64($0) &* 0x9E37_79B9_7F4A_7C15, radix: 16, uppercase: true).utf8) }
        let created: Int64 = 757_382_400_000_000  // 2024-01-01 in PostgreSQL's epoch (2000)
        var batches: [LedgerBatch] = []
        var bytes: [UInt8] = []
        var rows = 0
        for (number, reference) in references.enumerated().reversed() {
            bytes += copyTuple(reference, amount: 1_234, createdAt: created + Int64(number))
            rows += 1
            if bytes.count >= 256 << 10 {
                batches.append(LedgerBatch(bytes: bytes, rows: rows, layout: .copyBinary))
                (bytes, rows) = ([], 0)
            }
        }
        batches.append(LedgerBatch(bytes: bytes, rows: rows, layout: .copyBinary))
        best("LedgerBatch.forEachRow (COPY) x1M", unit: "row", count: count) {
            var total = 0
            for batch in batches { batch.forEachRow { total &+= $0[.reference]?.count ?? 0 } }
            return total
        }
        let day = CivilDate(iso: "2024-01-01")!
        let window = ReconciliationWindow(
            from: day, to: day.adding(days: 29), start: Timestamp(date: day), end: Timestamp(date: day.adding(days: 30)),
            streamStart: Timestamp(date: day.adding(days: -3)), streamEnd: Timestamp(date: day.adding(days: 32)))
        var settled = Reconciler(window: window, expectedTransactions: count)
        for (number, reference) in references.enumerated() {
            reference.withUnsafeBufferPointer {
                settled.addTransaction(
                    $0, kind: .charge, amount: Money(minor: 1_234, currency: .eur),
                    location: SourceLocation(file: 0, line: number))
            }
        }
        let ledger = settled.ledgerPhase()
        best("match 1M COPY rows (+ index copy)", unit: "row", count: count) {
            var phase = ledger  // copied on the first claim: each round starts from the same index
            for batch in batches { LedgerSource.feed(batch, into: &phase) }
            return phase.ledgerRowsStreamed
        }
    }
}
