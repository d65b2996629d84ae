import Foundation
import TallyCore
import Testing

@testable import TallyIngest

/// What BAI2 and MT940 entries give the rule passes (issue 13): a line with no reference (both
/// empty, or `NONREF`) is an unreferenced transaction, not a reject, and every entry carries its
/// booking date, remittance and counterparty when the sink asks for them.
@Suite struct BankLineDetailsTests {
    typealias RecordingSink = CamtLineDetailsTests.RecordingSink

    static func read(_ text: String, format: SettlementFormat, details: Bool = true) throws -> RecordingSink {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bank-details-\(UUID().uuidString).txt")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var sink = RecordingSink(wantsLineDetails: details)
        let file = SettlementFile(path: url.path, index: 0)
        switch format {
        case .bai2: try BAI2Reader().read(file, into: &sink, progress: { _ in })
        default: try MT940Reader(message: .statement).read(file, into: &sink, progress: { _ in })
        }
        return sink
    }

    static let bai2 = """
        01,BANK,CORP,240102,0600,1,,,2/
        02,CORP,BANK,1,240102,2400,USD,2/
        03,111,USD,010,1000,,,015,1600,,,100,700,2,,400,100,1,/
        16,195,300,Z,BREF1,CREF1,INCOMING WIRE ORG:=ACME CORP ORG ADDRESS:=1 MAIN/
        16,165,400,Z,,,ACH CREDIT PAYMENT ORD-204519 THANKS/
        88,DBNM: JANE DOE/
        16,495,100,V,240102,,NONREF,,OUTGOING WIRE/
        49,4200,6/
        98,4200,1,8/
        99,4200,1,10/

        """

    @Test func bai2EntriesWithoutAReferenceGoToTheRulePasses() throws {
        let sink = try Self.read(Self.bai2, format: .bai2)
        #expect(sink.rejects.isEmpty, "\(sink.rejects)")
        #expect(sink.references == ["CREF1"])
        #expect(sink.details.map(\.counterparty) == ["ACME CORP"])
        #expect(sink.details.map(\.date) == [CivilDate(year: 2024, month: 1, day: 2)])
        #expect(sink.unreferenced.map(\.line) == [5, 7])
        #expect(sink.unreferenced.map(\.kind) == [.charge, .refund])
        #expect(sink.unreferenced.map(\.amount.minor) == [400, 100])
        let credit = try #require(sink.unreferenced.first)
        #expect(credit.details.remittance.contains("ORD-204519"))
        #expect(credit.details.counterparty == "JANE DOE")
        #expect(credit.details.date == CivilDate(year: 2024, month: 1, day: 2))
        #expect(sink.controls.allSatisfy { $0.ok }, "\(sink.controls.filter { !$0.ok })")
    }

    static let mt940 = """
        :20:STMT1
        :25:DE1234/5678
        :28C:1/1
        :60F:C231231EUR100,00
        :61:2401020101C50,00NTRFCREF1//BREF1
        :86:166?20EREF+CREF1?21SVWZ+INVOICE 1?32JANE DOE
        :61:240102C20,50NTRFNONREF
        :86:166?20SVWZ+ORD-204519?32JOHN ROE
        :62F:C240102EUR170,50
        -

        """

    @Test func mt940NonrefIsAnUnreferencedTransactionWithItsText() throws {
        let sink = try Self.read(Self.mt940, format: .mt940)
        #expect(sink.rejects.isEmpty, "\(sink.rejects)")
        #expect(sink.references == ["CREF1"])
        // the entry date (0101) is the booking date, the value date (240102) the fallback
        #expect(sink.details.map(\.date) == [CivilDate(year: 2024, month: 1, day: 1)])
        #expect(sink.details.map(\.counterparty) == ["JANE DOE"])
        let unreferenced = try #require(sink.unreferenced.first)
        #expect(sink.unreferenced.count == 1)
        #expect(unreferenced.line == 7)
        #expect(unreferenced.amount == Money(minor: 2050, currency: .eur))
        #expect(
            unreferenced.details
                == LineDetails(
                    date: CivilDate(year: 2024, month: 1, day: 2), remittance: "SVWZ+ORD-204519", counterparty: "JOHN ROE"))
    }

    @Test(arguments: [SettlementFormat.bai2, .mt940]) func noDetailsUnlessAsked(_ format: SettlementFormat) throws {
        let sink = try Self.read(format == .bai2 ? Self.bai2 : Self.mt940, format: format, details: false)
        #expect(sink.details.isEmpty)
        #expect(sink.unreferenced.allSatisfy { $0.details == LineDetails() })
        #expect(!sink.unreferenced.isEmpty)
    }
}
