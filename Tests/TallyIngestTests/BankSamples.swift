import Foundation
import TallyCore
import TallyTestFixtures
import Testing

@testable import TallyIngest

/// Reading a bank file with the reader of its format, for the BAI2 and MT940 suites.
enum BankSamples {
    static func read(_ path: String, format: SettlementFormat) throws -> CollectingSink {
        var sink = CollectingSink()
        try ReaderFactory.reader(for: format, options: ReaderOptions()).read(
            SettlementFile(path: path, index: 0), into: &sink, progress: { _ in })
        return sink
    }

    /// Reads bytes as a file of the format (written to a temporary file).
    static func read(bytes: [UInt8], format: SettlementFormat, maxFieldBytes: Int = 1 << 20) throws -> CollectingSink {
        try ProviderSamples.withTemporaryFile(bytes, suffix: ".txt") { path in
            var sink = CollectingSink()
            try ReaderFactory.reader(for: format, options: ReaderOptions(maxFieldBytes: maxFieldBytes)).read(
                SettlementFile(path: path, index: 0), into: &sink, progress: { _ in })
            return sink
        }
    }

    static func read(text: String, format: SettlementFormat) throws -> CollectingSink {
        try read(bytes: Array(text.utf8), format: format)
    }

    /// A sample's row: (file, format, transactions "kind CCY count sum", listed lines "category CCY
    /// count gross_minor", rejects, the controls' outcomes in order, why a control fails).
    typealias Expectation = (String, SettlementFormat, String, String, Int, String, String)

    /// Reads the sample and checks its row: a file whose own trailers or balances are wrong must
    /// fail the controls its row names and say why; every sample is detected by content.
    static func check(_ expected: Expectation, in folder: URL) throws {
        let name = expected.0
        let path = folder.appendingPathComponent(name).path
        let sink = try read(path, format: expected.1)
        #expect(CamtConformanceTests.transactions(sink) == expected.2, "\(name)")
        #expect(CamtConformanceTests.listed(sink) == expected.3, "\(name)")
        #expect(sink.rejects.count == expected.4, "\(name): \(sink.rejects.prefix(3))")
        let outcomes = sink.controls.map { $0.ok ? "ok" : "FAILED" }.joined(separator: ",")
        let failed = sink.controls.filter { !$0.ok }.map { "\($0.name): expected \($0.expected), actual \($0.actual)" }
        #expect(outcomes == expected.5, "\(name): \(failed)")
        #expect(failed.isEmpty == expected.6.isEmpty, "\(name) fails \(failed) (note: \(expected.6))")
        #expect(try FormatDetector.detect(SettlementFile(path: path, index: 0)) == expected.1, "\(name)")
    }

    /// The table names every file of the folder.
    static func checkTable(_ names: [String], in folder: URL) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.sorted() == names.sorted())
    }
}
