import Foundation
import TallyCore
import TallyTestFixtures
import Testing

@testable import TallyIngest

/// BAI2 and MT940 files that are cut, split, oversized or impossible: a clear reject, a failed
/// control or exit 65 (an ``IngestError``), never a crash or a hang.
@Suite struct HostileBankTests {
    static let bai2 = """
        01,BANK,CORP,240101,0600,1,,,2/
        02,CORP,BANK,1,231231,2400,USD,2/
        03,111,USD,010,1000,,,015,1200,,,100,300,1,,400,100,1,/
        16,195,300,Z,BREF1,CREF1,INCOMING WIRE/
        16,495,100,V,231231,,BREF2,,OUTGOING WIRE/
        49,3000,4/
        98,3000,1,6/
        99,3000,1,8/

        """

    static let mt940 = """
        :20:STMT1
        :25:DE1234/5678
        :28C:1/1
        :60F:C231231EUR100,00
        :61:2401011231C50,00NTRFCREF1//BREF1
        :86:166?20EREF+CREF1?21SVWZ+INVOICE 1?32JANE DOE
        :61:240101D20,50NTRFNONREF//BREF2
        :86:PAYMENT TO SUPPLIER
        :62F:C240101EUR129,50
        -

        """

    /// Transactions, listed lines, which controls hold and the rejects: what a split must not change
    /// (the trailers' record counts do change, and the fixtures are adjusted for them).
    static func summary(_ sink: CollectingSink) -> String {
        let controls = sink.controls.map { "\($0.ok ? "ok" : "FAILED") \($0.name)" }
        return ([CamtConformanceTests.transactions(sink), CamtConformanceTests.listed(sink)] + controls + ["\(sink.rejects)"])
            .joined(separator: "; ")
    }

    @Test func theFixturesBalance() throws {
        let bai2 = try BankSamples.read(text: Self.bai2, format: .bai2)
        #expect(bai2.controls.count == 5 && bai2.controls.allSatisfy { $0.ok }, "\(bai2.controls)")
        #expect(bai2.transactions.map(\.reference) == ["CREF1", "BREF2"])
        let mt940 = try BankSamples.read(text: Self.mt940, format: .mt940)
        #expect(mt940.controls.count == 1 && mt940.controls.allSatisfy { $0.ok }, "\(mt940.controls)")
        #expect(mt940.transactions.map(\.reference) == ["CREF1", "BREF2"])
    }

    /// Every prefix of both files: read or refused, and a cut BAI2 file fails its structure control.
    @Test(arguments: [SettlementFormat.bai2, .mt940]) func truncatedAtEveryByte(_ format: SettlementFormat) throws {
        let bytes = Array((format == .bai2 ? Self.bai2 : Self.mt940).utf8)
        for cut in 0..<bytes.count {
            do {
                let sink = try BankSamples.read(bytes: Array(bytes[..<cut]), format: format)
                if format == .bai2 && cut < bytes.count - 9 {
                    #expect(sink.controls.contains { !$0.ok }, "cut at \(cut): \(sink.controls)")
                }
            } catch let error as IngestError {
                #expect(error.code == .malformed, "cut at \(cut): \(error)")
            }
        }
    }

    /// A 16 split into an 88 at every field boundary reads the same; so does a 03 split anywhere
    /// between its summaries' fields.
    @Test func bai2RecordsSplitAtEveryFieldBoundary() throws {
        let whole = try Self.summary(BankSamples.read(text: Self.bai2, format: .bai2))
        for record in ["16,195,300,Z,BREF1,CREF1,INCOMING WIRE/", "03,111,USD,010,1000,,,015,1200,,,100,300,1,,400,100,1,/"] {
            let commas = record.indices.filter { record[$0] == "," }.dropFirst()
            for comma in commas {
                let split = String(record[..<comma]) + "/\n88" + String(record[comma...])
                let text = Self.bai2.replacingOccurrences(of: record, with: split)
                    .replacingOccurrences(of: "49,3000,4/", with: "49,3000,5/")
                    .replacingOccurrences(of: "98,3000,1,6/", with: "98,3000,1,7/")
                    .replacingOccurrences(of: "99,3000,1,8/", with: "99,3000,1,9/")
                let sink = try BankSamples.read(text: text, format: .bai2)
                #expect(Self.summary(sink) == whole, "split at \(record[..<comma])")
            }
        }
    }

    /// A `:86:` wrapped at every position keeps the entry and the balance.
    @Test func mt940InformationWrappedAtEveryPosition() throws {
        let line = ":86:166?20EREF+CREF1?21SVWZ+INVOICE 1?32JANE DOE"
        let whole = try Self.summary(BankSamples.read(text: Self.mt940, format: .mt940))
        for cut in 5..<line.count {
            let index = line.index(line.startIndex, offsetBy: cut)
            let text = Self.mt940.replacingOccurrences(of: line, with: String(line[..<index]) + "\n" + String(line[index...]))
            #expect(try Self.summary(BankSamples.read(text: text, format: .mt940)) == whole, "cut at \(cut)")
        }
    }

    @Test func anEightyEightWithNoRecordBeforeItIsRefused() throws {
        #expect {
            try BankSamples.read(text: "88,ORPHAN TEXT/\n" + Self.bai2, format: .bai2)
        } throws: { error in
            (error as? IngestError)?.message == "not a BAI2 file: it starts with an 88 continuation, with no record before it"
        }
    }

    @Test func notABankFileIsRefused() throws {
        #expect(throws: IngestError.self) { try BankSamples.read(text: "hello\nworld\n", format: .bai2) }
        #expect(throws: IngestError.self) { try BankSamples.read(text: "hello\nworld\n", format: .mt940) }
        #expect(throws: IngestError.self) { try BankSamples.read(text: "", format: .bai2) }
    }

    /// A 10 MB `:86:`, on one line and over many: a reject naming its line, the entry and the balance kept.
    @Test(arguments: [false, true]) func aTenMegabyteInformationField(_ wrapped: Bool) throws {
        let chunk = String(repeating: "A", count: 64)
        let huge = Array(repeating: chunk, count: (10 << 20) / 64).joined(separator: wrapped ? "\n" : "")
        let text = Self.mt940.replacingOccurrences(of: ":86:PAYMENT TO SUPPLIER", with: ":86:" + huge)
        let started = Date()
        let sink = try BankSamples.read(text: text, format: .mt940)
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(sink.transactions.count == 2)
        #expect(sink.controls.allSatisfy { $0.ok })
        #expect(sink.rejects.count == 1)
        #expect(sink.rejects.first?.location.line == 8)
        #expect(sink.rejects.first?.reason.contains("longer than 1048576 bytes") == true, "\(sink.rejects)")
    }

    @Test func aTenMegabyteBAI2TextIsARejectNotACrash() throws {
        let huge = String(repeating: "B", count: 10 << 20)
        let text = Self.bai2.replacingOccurrences(of: "INCOMING WIRE/", with: huge + "/")
        let sink = try BankSamples.read(text: text, format: .bai2)
        #expect(sink.rejects.count == 1)
        #expect(sink.rejects.first?.location.line == 4)
        #expect(sink.controls.contains { !$0.ok })  // its money was not read: the 49 cannot hold
    }

    @Test func impossibleDatesAreRejectsWithTheirLine() throws {
        let february30 = Self.mt940.replacingOccurrences(of: ":61:2401011231C50,00", with: ":61:240230C50,00")
        var sink = try BankSamples.read(text: february30, format: .mt940)
        #expect(sink.rejects.map(\.location.line) == [5])
        #expect(sink.rejects.first?.reason == ":61: value date 240230 is not a date")
        #expect(sink.controls.first?.ok == false)  // the entry's money is not known
        let badEntry = Self.mt940.replacingOccurrences(of: ":61:2401011231C50,00", with: ":61:2401011232C50,00")
        sink = try BankSamples.read(text: badEntry, format: .mt940)
        #expect(sink.rejects.first?.reason == ":61: entry date 1232 is not a date in 2023 (value date 2024-01-01)")
        let leap = Self.mt940.replacingOccurrences(of: ":61:2401011231C50,00", with: ":61:2302280229C50,00")
        sink = try BankSamples.read(text: leap, format: .mt940)
        #expect(sink.rejects.first?.reason == ":61: entry date 0229 is not a date in 2023 (value date 2023-02-28)")
    }

    /// The entry date of a value date in January may be in December of the year before, and the
    /// other way round.
    @Test func entryDatesAcrossAYearEnd() throws {
        func line(_ text: String) throws -> MT940StatementLine {
            var field = MT940Field()
            field.tag = Array("61".utf8)
            field.content = Array(text.utf8)
            return try MT940StatementLine(field, currencyCode: "EUR")
        }
        #expect(try line("2401011231C1,00NTRFX").entryDate == CivilDate(year: 2023, month: 12, day: 31))
        #expect(try line("2312310101D1,00NTRFX").entryDate == CivilDate(year: 2024, month: 1, day: 1))
        #expect(try line("240615C1,00NTRFX").entryDate == nil)
        #expect(try line("2401011231RD1,00NTRFX").mark == .reversedDebit)
        #expect(try line("2401011231DR1,00NTRFX").mark == .debit)  // D with funds code R
    }

    @Test func amountsThatDoNotFitTheCurrencyAreRejects() throws {
        let jpy = Self.mt940.replacingOccurrences(of: "EUR", with: "JPY").replacingOccurrences(of: "C50,00", with: "C50,5")
        let sink = try BankSamples.read(text: jpy, format: .mt940)
        #expect(sink.rejects.contains { $0.location.line == 5 && $0.reason.contains("more than 0 significant decimal places") })
        let negative = Self.bai2.replacingOccurrences(of: "16,195,300,", with: "16,195,-300,")
        let bai2 = try BankSamples.read(text: negative, format: .bai2)
        #expect(bai2.rejects.map(\.location.line) == [4])
    }

    @Test func aRecordAfterTheFileTrailerAndAnUnknownRecordType() throws {
        let sink = try BankSamples.read(text: Self.bai2 + "16,195,1,Z,A,B,LATE/\n", format: .bai2)
        #expect(sink.rejects.map(\.reason) == ["a record after the 99 file trailer"])
        #expect(sink.controls.last?.ok == false)
        let unknown = try BankSamples.read(
            text: Self.bai2.replacingOccurrences(of: "49,3000,4/", with: "77,X/\n49,3000,5/"), format: .bai2)
        #expect(unknown.rejects.map(\.reason) == ["record type 77 is not a BAI2 record type"])
    }
}
