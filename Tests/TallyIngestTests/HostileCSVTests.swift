import Foundation
import TallyCore
import TallyTestFixtures
import Testing

@testable import TallyIngest

/// Settlement CSVs built to hurt the reader, through a whole format (Stripe): each ends in rejects
/// with lines and reasons while the good rows still count, never a crash or an unbounded buffer.
@Suite struct HostileCSVTests {
    static let header = "source_id,currency,gross,reporting_category\n"

    func read(_ bytes: [UInt8]) throws -> CollectingSink {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var sink = CollectingSink()
        try StripeBalanceReport().read(SettlementFile(path: url.path, index: 0), into: &sink, progress: { _ in })
        return sink
    }

    @Test func anUnterminatedQuoteAtTheEndIsOneReject() throws {
        let sink = try read(Array((Self.header + "ch_1,eur,1.00,charge\n\"ch_2,eur,2.00,charge\n").utf8))
        #expect(sink.transactions.map(\.reference) == ["ch_1"])
        #expect(sink.rejects.map(\.location.line) == [3])
        #expect(sink.rejects.first?.reason == "unterminated quoted field (opened on line 3)")
    }

    @Test func aFiftyMegabyteLineIsARejectAndTheNextLineStillCounts() throws {
        var bytes = Array((Self.header + "ch_1,eur,1.00,charge\nch_").utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 50 << 20)
        bytes += Array(",eur,2.00,charge\nch_3,eur,3.00,charge\n".utf8)
        let sink = try read(bytes)
        #expect(sink.transactions.map(\.reference) == ["ch_1", "ch_3"])
        #expect(sink.rejects.map(\.location.line) == [3])
        #expect(sink.rejects.first?.reason.hasPrefix("field longer than") == true)
    }

    @Test func nulBytesAndInvalidUTF8InAReferenceAreRejects() throws {
        var bytes = Array((Self.header + "ch_1,eur,1.00,charge\n").utf8)
        bytes += Array("ch_".utf8) + [0xFF, 0xFE] + Array(",eur,2.00,charge\n".utf8)
        bytes += Array("ch_nul,e".utf8) + [0x00] + Array("ur,2.00,charge\n".utf8)
        bytes += Array("ch_4,eur,4.00,charge\n".utf8)
        let sink = try read(bytes)
        #expect(sink.transactions.map(\.reference) == ["ch_1", "ch_4"])
        #expect(sink.rejects.map(\.location.line) == [3, 4])
        #expect(sink.rejects[0].reason == "the reference is not valid UTF-8")
        #expect(sink.rejects[1].reason.contains("is not an ISO 4217 code"))
    }
}
