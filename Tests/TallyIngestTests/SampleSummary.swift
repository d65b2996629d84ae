import Foundation
import TallyCore
import TallyTestFixtures

/// What a reader found in a file, as sorted lines that a conformance table can spell out:
/// `charge USD 5 39.80`, `MerchantPayout USD 1 net -59.75`, `ok <control>: expected …, actual …`.
struct SampleSummary: Equatable, CustomStringConvertible {
    var transactions: [String]
    var nonTransactions: [String]
    var controls: [String]
    var rejects: Int

    init(_ sink: CollectingSink) {
        var totals: [String: (count: Int, minor: Int64, currency: Currency)] = [:]
        for transaction in sink.transactions {
            let key = "\(transaction.kind.name) \(transaction.amount.currency.code)"
            let previous = totals[key] ?? (0, 0, transaction.amount.currency)
            totals[key] = (previous.count + 1, previous.minor + transaction.amount.minor, previous.currency)
        }
        transactions = totals.map {
            "\($0.key) \($0.value.count) \(Money(minor: $0.value.minor, currency: $0.value.currency).decimalString)"
        }
        .sorted()
        var lines: [String: (count: Int, net: Int64, currency: Currency)] = [:]
        for line in sink.nonTransactions {
            let key = "\(line.category) \(line.currency.code)"
            let previous = lines[key] ?? (0, 0, line.currency)
            lines[key] = (previous.count + 1, previous.net + line.net, line.currency)
        }
        nonTransactions = lines.map {
            "\($0.key) \($0.value.count) net \(Money(minor: $0.value.net, currency: $0.value.currency).decimalString)"
        }
        .sorted()
        controls = sink.controls.map { "\($0.ok ? "ok" : "FAILED") \($0.name): expected \($0.expected), actual \($0.actual)" }
        rejects = sink.rejects.count
    }

    init(transactions: [String], nonTransactions: [String], controls: [String], rejects: Int = 0) {
        self.transactions = transactions.sorted()
        self.nonTransactions = nonTransactions.sorted()
        self.controls = controls
        self.rejects = rejects
    }

    var description: String {
        (transactions + nonTransactions + controls + ["rejects: \(rejects)"]).joined(separator: "; ")
    }
}

/// The public provider samples in ../shared/provider-samples (present in CI; their licences keep
/// them out of this repository). See ``SharedSamples`` for when their tests run.
enum ProviderSamples {
    static let root = SharedSamples.root

    static func path(_ folder: String, _ name: String) -> String {
        root.appendingPathComponent(folder).appendingPathComponent(name).path
    }

    /// Whether the tests of `folder` run (``SharedSamples/enabled(_:)``: skipped loudly when the
    /// folder is missing, failing then under `TALLY_REQUIRE_SAMPLES=1`).
    static func available(_ folder: String) -> Bool { SharedSamples.enabled(folder) }

    /// Writes `bytes` to a temporary file, runs `body` on its path and removes it.
    static func withTemporaryFile<R>(_ bytes: [UInt8], suffix: String = ".csv", _ body: (String) throws -> R) throws -> R {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tally-\(UUID().uuidString)\(suffix)")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url.path)
    }
}
