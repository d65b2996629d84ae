import Foundation
import TallyCore
import TallyTestFixtures
import Testing

@testable import TallyReport

/// report.json's long arrays are written by hand: the whole document must still be exactly what
/// Foundation's `JSONEncoder` writes.
@Suite struct ReportJSONArraysTests {
    func foundation(_ document: ReportDocument) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(try encoder.encode(document))
    }

    /// Every control character, quotes, backslashes, a slash, DEL and non-ASCII text.
    static let awkward = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }.joined() + "\"\\/\u{7f}é\u{2028}😀 '<b>"

    @Test(arguments: ["ch_plain", awkward])
    func theDocumentIsFoundationsByteForByte(hostile: String) throws {
        for report in [
            ReportFixture.everyShape(hostile: hostile), ReportFixture.everyShape(dryRun: true), ReportFixture.many(300),
            ReportFixture.many(0),
        ] {
            let document = ReportDocument(report)
            #expect(try document.encodedJSON() == (try foundation(document)))
        }
    }

    @Test func breaksWithAControlAndNoDifferencesToo() throws {
        var document = ReportDocument(ReportFixture.everyShape(hostile: Self.awkward))
        #expect(document.breaks.contains { $0.control != nil })
        #expect(document.breaks.contains { $0.differences.isEmpty })
        #expect(document.breaks.contains { $0.kind == nil } && document.breaks.contains { $0.ledger == nil })
        #expect(!document.openItems.isEmpty && !ReportDocument(ReportFixture.many(300)).openItems.isEmpty)
        document.breaks = document.breaks.map {
            var entry = $0
            entry.ledger?.merchantRef = Self.awkward
            return entry
        }
        #expect(try document.encodedJSON() == (try foundation(document)))
    }
}
