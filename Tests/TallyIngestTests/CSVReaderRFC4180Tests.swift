import Foundation
import Testing

@testable import TallyIngest

/// The byte-level CSV reader against RFC 4180 and the quirks of real settlement files.
@Suite struct CSVReaderRFC4180Tests {
    struct Row: Equatable, CustomStringConvertible {
        var line: Int
        var fields: [String]
        var problem: String?
        var description: String { "\(line): \(fields) \(problem ?? "")" }
    }

    func rows(_ text: String, delimiter: UInt8 = UInt8(ascii: ","), maxFieldBytes: Int = 16 << 20) throws -> [Row] {
        try rows(Array(text.utf8), delimiter: delimiter, maxFieldBytes: maxFieldBytes)
    }

    func rows(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), maxFieldBytes: Int = 16 << 20) throws -> [Row] {
        var reader = CSVReader(bytes: bytes, delimiter: delimiter, maxFieldBytes: maxFieldBytes)
        var out: [Row] = []
        try reader.forEachRecord { record in
            out.append(
                Row(
                    line: record.line, fields: (0..<record.count).map { String(decoding: record[$0], as: UTF8.self) },
                    problem: record.problem))
        }
        return out
    }

    @Test func plainFieldsAndLineEnds() throws {
        for end in ["\n", "\r\n", "\r"] {
            let parsed = try rows("a,b,c\(end)1,2,3\(end)")
            #expect(
                parsed == [Row(line: 1, fields: ["a", "b", "c"]), Row(line: 2, fields: ["1", "2", "3"])],
                "\(end.debugDescription)")
        }
    }

    @Test func missingFinalNewlineAndEmptyFields() throws {
        #expect(
            try rows("a,b,\n,,\n x , y") == [
                Row(line: 1, fields: ["a", "b", ""]), Row(line: 2, fields: ["", "", ""]), Row(line: 3, fields: [" x ", " y"]),
            ])
    }

    @Test func quotedFieldsWithDelimitersQuotesAndLineBreaks() throws {
        let parsed = try rows("\"a,1\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nnext,\"x\ny\",z\r\nlast,\"\"\r\n")
        #expect(
            parsed == [
                Row(line: 1, fields: ["a,1", "say \"hi\"", "two\r\nlines"]),
                Row(line: 3, fields: ["next", "x\ny", "z"]),
                Row(line: 5, fields: ["last", ""]),
            ])
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        #expect(try rows([0xEF, 0xBB, 0xBF] + Array("id,amount\n1,2\n".utf8)).first?.fields == ["id", "amount"])
    }

    @Test func blankLinesGiveNoRecordButCountAsLines() throws {
        #expect(try rows("a\n\n\r\nb\n").map(\.line) == [1, 4])
        #expect(try rows("\"\"\n").map(\.fields) == [[""]])
    }

    @Test func badQuotingIsAProblemAndReadingGoesOn() throws {
        let parsed = try rows("ok,1\nab\"c,2\n\"x\"y,3\nfine,4\n")
        #expect(parsed.map(\.line) == [1, 2, 3, 4])
        #expect(parsed[1].problem == "quote inside an unquoted field")
        #expect(parsed[2].problem == "unexpected character after a closing quote")
        #expect(parsed[3] == Row(line: 4, fields: ["fine", "4"]))
    }

    @Test func anUnterminatedQuoteAtTheEndSaysWhereItOpened() throws {
        let parsed = try rows("a,b\nc,\"open\nand on\n")
        #expect(parsed.last?.line == 2)
        #expect(parsed.last?.problem == "unterminated quoted field (opened on line 2)")
    }

    @Test func fieldsAboveTheLimitAreProblemsAndMemoryStaysBounded() throws {
        let big = String(repeating: "x", count: 5_000)
        let parsed = try rows("a,\(big),c\n\"\(big)\"\nnext,1\n", maxFieldBytes: 1_000)
        #expect(parsed.count == 3)
        #expect(parsed[0].problem == "field longer than 1000 bytes")
        #expect(parsed[0].fields[1].utf8.count <= 1_000)
        #expect(parsed[1].problem == "field longer than 1000 bytes")
        #expect(parsed[2] == Row(line: 3, fields: ["next", "1"]))
    }

    @Test func aOneMegabyteFieldIsFine() throws {
        let big = String(repeating: "é", count: 500_000)
        let parsed = try rows("id,\"\(big)\"\n")
        #expect(parsed.first?.fields[1] == big)
        #expect(parsed.first?.problem == nil)
    }

    @Test func nulBytesAreDataAndInvalidUTF8IsVisible() throws {
        var reader = CSVReader(bytes: [0x61, 0x00, 0x62, 0x2C, 0xFF, 0xFE, 0x0A])
        var checked = false
        try reader.forEachRecord { record in
            #expect(Array(record[0]) == [0x61, 0x00, 0x62])
            #expect(record.string(0) == "a\u{0}b")
            #expect(record.string(1) == nil)
            checked = true
        }
        #expect(checked)
    }

    @Test func semicolonsAndTabs() throws {
        #expect(try rows("a;\"b;c\";d\n", delimiter: UInt8(ascii: ";")).first?.fields == ["a", "b;c", "d"])
        #expect(try rows("a\tb\n", delimiter: 9).first?.fields == ["a", "b"])
    }

    /// A quoted CRLF, a doubled quote and a record-ending CRLF placed across the 256 KiB boundary
    /// of `read(2)`, at several offsets.
    @Test(arguments: [-14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4])
    func throughAFileDescriptorAcrossChunkBoundaries(_ shift: Int) throws {
        let padding = String(repeating: "p", count: (256 << 10) + shift)
        let text = "h1,h2\r\n\(padding),\"q\r\n\"\"q\"\r\nlast,row\r\n"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let descriptor = open(url.path, O_RDONLY)
        defer { close(descriptor) }
        var reader = CSVReader(fileDescriptor: descriptor)
        var parsed: [Row] = []
        try reader.forEachRecord { record in
            parsed.append(
                Row(
                    line: record.line, fields: (0..<record.count).map { String(decoding: record[$0], as: UTF8.self) },
                    problem: record.problem))
        }
        #expect(parsed.map(\.line) == [1, 2, 4])
        #expect(parsed[1].fields[1] == "q\r\n\"q")
        #expect(parsed[1].problem == nil)
        #expect(parsed[2].fields == ["last", "row"])
        #expect(reader.bytesRead == text.utf8.count)
    }
}
