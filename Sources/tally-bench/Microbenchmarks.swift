import Foundation
import TallyCore
import TallyIngest

/// `swift run -c release tally-bench`: the hot paths in isolation (CSV reader, money parsing,
/// timestamp parsing, the settlement index), so a regression shows up as a number.
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
        var text = "balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description\r\n"
        for number in 0..<200_000 {
            let quoted = number % 53 == 0 ? "\"Order \(number), \"\"gift\"\" wrap\"" : "Order \(number)"
            text += "txn_\(number),2024-01-01 10:00:00,2024-01-03 00:00:00,eur,12.34,0.61,11.73,charge,\(String(number, radix: 16)),\(quoted)\r\n"
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
        let stamps = (0..<1_000).map { Array("2024-01-\(10 + $0 % 20) 1\($0 % 10):2\($0 % 10):3\($0 % 10).\(100_000 + $0)+00".utf8) }
        best("Timestamp.parse (PostgreSQL) x1M", unit: "op", count: 1_000_000) {
            var total: Int64 = 0
            for _ in 0..<1_000 {
                for stamp in stamps { stamp.withUnsafeBufferPointer { total &+= Timestamp.parse($0)?.microseconds ?? 0 } }
            }
            return Int(truncatingIfNeeded: total)
        }
    }

    static func settlementIndex() {
        let references = (0..<1_000_000).map { Array(String(UInt64($0) &* 0x9E37_79B9_7F4A_7C15, radix: 16, uppercase: true).utf8) }
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
        best("SettlementIndex.find x1M (hits)", unit: "op", count: references.count) {
            var found = 0
            for reference in references.reversed() {
                reference.withUnsafeBufferPointer { if index.find($0, .charge) != nil { found += 1 } }
            }
            return found
        }
        print("SettlementIndex footprint: \(index.footprintBytes / references.count) bytes per entry")
    }
}
