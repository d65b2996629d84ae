import Foundation
import Testing

@testable import TallyIngest

/// The in-place fast path of the CSV reader gives exactly what the byte state machine gives, for
/// any input cut into chunks anywhere: a differential test over seeded random inputs made of the
/// bytes that matter (delimiters, quotes, CR, LF, multi-byte UTF-8).
@Suite struct CSVReaderInPlaceTests {
    struct Row: Equatable, CustomStringConvertible {
        var line: Int
        var fields: [[UInt8]]
        var problem: String?
        var description: String { "\(line): \(fields.map { String(decoding: $0, as: UTF8.self) }) \(problem ?? "")" }
    }

    /// SplitMix64: the same inputs on every machine and every run.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let pieces: [[UInt8]] = [
        Array("a".utf8), Array("bc".utf8), Array("12.50".utf8), Array(",".utf8), Array(",".utf8), Array(";".utf8),
        Array("\"".utf8), Array("\"\"".utf8), Array("\r".utf8), Array("\n".utf8), Array("\r\n".utf8), Array(" ".utf8),
        Array("é".utf8), Array("txn_0123456789".utf8),
    ]

    func randomInput(_ generator: inout SeededGenerator) -> [UInt8] {
        var bytes: [UInt8] = []
        if Int.random(in: 0..<8, using: &generator) == 0 { bytes += [0xEF, 0xBB, 0xBF] }
        for _ in 0..<Int.random(in: 0..<120, using: &generator) {
            bytes += Self.pieces[Int.random(in: 0..<Self.pieces.count, using: &generator)]
        }
        return bytes
    }

    /// - Parameter limited: whether fields may go over the size limit. What an over-long field keeps
    ///   before the limit depends on where reads cut it, in either path; such a record is a reject
    ///   (whichever problem it reports first), so then only the line and reason of rejects are compared.
    func collect(_ reader: inout CSVReader, limited: Bool = false) throws -> [Row] {
        var rows: [Row] = []
        try reader.forEachRecord { record in
            let fields = limited && record.problem != nil ? [] : (0..<record.count).map { Array(record[$0]) }
            rows.append(Row(line: record.line, fields: fields, problem: record.problem))
        }
        return rows
    }

    func fromFile(_ bytes: [UInt8], delimiter: UInt8, maxFieldBytes: Int, chunkBytes: Int, inPlace: Bool, limited: Bool) throws
        -> [Row]
    {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tally-csv-\(UUID().uuidString).csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let descriptor = open(path, O_RDONLY)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        var reader = CSVReader(
            fileDescriptor: descriptor, delimiter: delimiter, maxFieldBytes: maxFieldBytes, chunkBytes: chunkBytes,
            readsInPlace: inPlace)
        return try collect(&reader, limited: limited)
    }

    @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: ";")])
    func inPlaceEqualsTheStateMachine(delimiter: UInt8) throws {
        var generator = SeededGenerator(state: UInt64(delimiter))
        var inPlaceRecords = 0
        for sample in 0..<300 {
            let input = randomInput(&generator)
            let limited = sample % 5 == 0
            let maxFieldBytes = limited ? 4 : 1 << 20
            var reference = CSVReader(bytes: input, delimiter: delimiter, maxFieldBytes: maxFieldBytes, readsInPlace: false)
            let expected = try collect(&reference, limited: limited)
            var whole = CSVReader(bytes: input, delimiter: delimiter, maxFieldBytes: maxFieldBytes, readsInPlace: true)
            #expect(try collect(&whole, limited: limited) == expected, "sample \(sample), in memory: \(input)")
            // From 3 bytes up: a first read shorter than a BOM is not a case (a first read of a
            // regular file is the whole chunk, 256 KiB, or the whole file).
            for chunkBytes in [3, 4, 5, 7, 64] {
                let chunked = try fromFile(
                    input, delimiter: delimiter, maxFieldBytes: maxFieldBytes, chunkBytes: chunkBytes, inPlace: true,
                    limited: limited)
                #expect(chunked == expected, "sample \(sample), chunks of \(chunkBytes): \(input)")
            }
            inPlaceRecords += expected.filter { $0.problem == nil }.count
        }
        #expect(inPlaceRecords > 100)  // the inputs do exercise plain records
    }

    @Test func aRecordIsReadInPlaceWithItsFieldsAndLines() throws {
        let text = "id,amount\r\ntxn_1,12.50\r\n\r\ntxn_2,\"1,5\"\nlast,9"
        var reader = CSVReader(bytes: Array(text.utf8))
        let rows = try collect(&reader)
        #expect(rows.map(\.line) == [1, 2, 4, 5])
        #expect(
            rows.map { $0.fields.map { String(decoding: $0, as: UTF8.self) } } == [
                ["id", "amount"], ["txn_1", "12.50"], ["txn_2", "1,5"], ["last", "9"],
            ])
    }
}
