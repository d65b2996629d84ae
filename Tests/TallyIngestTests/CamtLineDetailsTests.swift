import Foundation
import TallyCore
import Testing

@testable import TallyIngest

/// Bank lines as banks write them (issue 13, item 5): the line details the rule passes read,
/// references that fall back to the entry, lines with no reference at all, proprietary balance
/// codes and the currency that is none.
@Suite struct CamtLineDetailsTests {
    /// Records every call, line details on request.
    struct RecordingSink: SettlementSink {
        var wantsLineDetails: Bool
        var references: [String] = []
        var transactionLines: [Int] = []
        var details: [LineDetails] = []
        struct Unreferenced {
            var kind: TransactionKind
            var amount: Money
            var line: Int
            var details: LineDetails
        }
        var unreferenced: [Unreferenced] = []
        var rejects: [Reject] = []
        var controls: [ControlResult] = []

        init(wantsLineDetails: Bool) { self.wantsLineDetails = wantsLineDetails }

        mutating func addTransaction(
            _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, location: TallyCore.SourceLocation
        ) {
            references.append(String(decoding: reference, as: UTF8.self))
            transactionLines.append(location.line)
        }
        mutating func noteDetails(_ details: LineDetails) { self.details.append(details) }
        mutating func addUnreferencedTransaction(
            kind: TransactionKind, amount: Money, location: TallyCore.SourceLocation, details: LineDetails
        ) {
            unreferenced.append(Unreferenced(kind: kind, amount: amount, line: location.line, details: details))
        }
        mutating func addNonTransaction(_ line: NonTransactionLine) {}
        mutating func addReject(_ reject: Reject) { rejects.append(reject) }
        mutating func addControl(_ control: ControlResult) { controls.append(control) }
    }

    static func read(_ xml: String, details: Bool = true) throws -> RecordingSink {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("camt-details-\(UUID().uuidString).xml")
        try Data(xml.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var sink = RecordingSink(wantsLineDetails: details)
        try CamtReader(message: .statement).read(SettlementFile(path: url.path, index: 0), into: &sink, progress: { _ in })
        return sink
    }

    static func statement(_ entries: String, balances: String = "", version: String = "08") -> String {
        CamtReaderTests.statement(version: version, balances: balances, entries: entries)
    }

    /// An entry written out in full: `booking` is the inside of `BookgDt` (empty: none).
    static func entry(
        _ amount: String, _ direction: String = "CRDT", currency: String = "EUR", booking: String = "<Dt>2026-03-10</Dt>",
        valueDate: String = "2026-03-11", reference: String = "", details: String = "", additional: String = ""
    ) -> String {
        """
        <Ntry><Amt Ccy="\(currency)">\(amount)</Amt><CdtDbtInd>\(direction)</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        \(booking.isEmpty ? "" : "<BookgDt>\(booking)</BookgDt>")<ValDt><Dt>\(valueDate)</Dt></ValDt>\(reference)
        <BkTxCd/>\(details.isEmpty ? "" : "<NtryDtls>\(details)</NtryDtls>")\(additional.isEmpty ? "" : "<AddtlNtryInf>\(additional)</AddtlNtryInf>")</Ntry>
        """
    }

    static let fullDetail = """
        <TxDtls><Refs><EndToEndId>E2E-1</EndToEndId></Refs>
        <RltdPties><Dbtr><Nm>Jane
           Doe</Nm></Dbtr><Cdtr><Nm>Our Shop</Nm></Cdtr></RltdPties>
        <RmtInf><Ustrd> Payment ORD-204519 </Ustrd><Ustrd>thanks</Ustrd>
        <Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>
        <AddtlTxInf>SEPA credit transfer</AddtlTxInf></TxDtls>
        """

    @Test func everySourceOfTheLineDetailsIsRead() throws {
        let entries =
            Self.entry("10.00", details: Self.fullDetail, additional: "Entry text")
            // a debit: the creditor (v08's Pty) is the counterparty
            + Self.entry(
                "4.00", "DBIT", booking: "<DtTm>2026-03-09T23:30:00+01:00</DtTm>",
                details:
                    "<TxDtls><Refs><EndToEndId>E2E-2</EndToEndId></Refs><RltdPties><Dbtr><Pty><Nm>Our Shop</Nm></Pty></Dbtr><Cdtr><Pty><Nm>Landlord GmbH</Nm></Pty></Cdtr></RltdPties></TxDtls>"
            )
            // a credit that names only a creditor, no booking date: the value date
            + Self.entry(
                "2.00", booking: "",
                details:
                    "<TxDtls><Refs><EndToEndId>E2E-3</EndToEndId></Refs><RltdPties><Cdtr><Pty><Nm>Only Creditor</Nm></Pty></Cdtr></RltdPties></TxDtls>"
            )
            // an entry without details: its own AddtlNtryInf
            + Self.entry("3.50", reference: "<AcctSvcrRef>CARD-1</AcctSvcrRef>", additional: "CARD PAYMENT CITY COFFEE")
        let sink = try Self.read(Self.statement(entries))
        #expect(sink.rejects.isEmpty, "\(sink.rejects)")
        #expect(sink.references == ["E2E-1", "E2E-2", "E2E-3", "CARD-1"])
        #expect(
            sink.details == [
                LineDetails(
                    date: CivilDate(year: 2026, month: 3, day: 10),
                    remittance: "RF18539007547034 Payment ORD-204519 thanks SEPA credit transfer Entry text",
                    counterparty: "Jane Doe"),
                LineDetails(date: CivilDate(year: 2026, month: 3, day: 9), remittance: "", counterparty: "Landlord GmbH"),
                LineDetails(date: CivilDate(year: 2026, month: 3, day: 11), remittance: "", counterparty: "Only Creditor"),
                LineDetails(date: CivilDate(year: 2026, month: 3, day: 10), remittance: "CARD PAYMENT CITY COFFEE"),
            ])
    }

    @Test func aSinkThatDoesNotWantDetailsGetsNone() throws {
        let entries =
            Self.entry("10.00", details: Self.fullDetail, additional: "Entry text")
            + Self.entry("3.50", reference: "<AcctSvcrRef>NOTPROVIDED</AcctSvcrRef>", additional: "CARD PAYMENT")
        let wanted = try Self.read(Self.statement(entries))
        let unwanted = try Self.read(Self.statement(entries), details: false)
        #expect(wanted.details.count == 1)
        #expect(wanted.unreferenced.map(\.details.remittance) == ["CARD PAYMENT"])
        #expect(unwanted.details.isEmpty)
        #expect(unwanted.unreferenced.map(\.details) == [LineDetails()])
        // the same transactions either way
        #expect(unwanted.references == wanted.references)
        #expect(unwanted.transactionLines == wanted.transactionLines)
        #expect(unwanted.unreferenced.map(\.line) == wanted.unreferenced.map(\.line))
    }

    @Test func aDetailWithoutReferencesTakesItsEntrys() throws {
        let entries =
            // a detail without Refs: the entry's AcctSvcrRef
            Self.entry(
                "5.00", reference: "<AcctSvcrRef>BANK-5</AcctSvcrRef>",
                details: "<TxDtls><Amt Ccy=\"EUR\">5.00</Amt><RmtInf><Ustrd>ORD-1</Ustrd></RmtInf></TxDtls>")
            // an empty TxDtls and only an NtryRef
            + "<Ntry><NtryRef>NREF-6</NtryRef><Amt Ccy=\"EUR\">6.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><NtryDtls><TxDtls/></NtryDtls></Ntry>"
            // NONREF as the AcctSvcrRef is none: the NtryRef names the entry
            + "<Ntry><NtryRef>NREF-7</NtryRef><Amt Ccy=\"EUR\">7.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><AcctSvcrRef>NONREF</AcctSvcrRef></Ntry>"
        for details in [true, false] {
            let sink = try Self.read(Self.statement(entries), details: details)
            #expect(sink.rejects.isEmpty, "\(sink.rejects)")
            #expect(sink.references == ["BANK-5", "NREF-6", "NREF-7"])
            #expect(sink.unreferenced.isEmpty)
        }
    }

    @Test func aLineWithNoReferenceIsAnUnreferencedTransactionNotAReject() throws {
        let entries =
            Self.entry(
                "8.00",
                details:
                    "<TxDtls><Refs><EndToEndId>notprovided</EndToEndId><InstrId> NonRef </InstrId></Refs><RmtInf><Ustrd>Payment ORD-204519</Ustrd></RmtInf></TxDtls>"
            )
            + Self.entry("9.00", "DBIT", reference: "<AcctSvcrRef>NOTPROVIDED</AcctSvcrRef>")
            + Self.entry("1.00")
        let sink = try Self.read(Self.statement(entries))
        #expect(sink.rejects.isEmpty, "\(sink.rejects)")
        #expect(sink.references.isEmpty)
        #expect(sink.details.isEmpty, "noteDetails follows addTransaction only")
        #expect(sink.unreferenced.map(\.kind) == [.charge, .refund, .charge])
        #expect(sink.unreferenced.map(\.amount.minor) == [800, 900, 100])
        #expect(sink.unreferenced.map(\.details.remittance) == ["Payment ORD-204519", "", ""])
        #expect(sink.unreferenced.allSatisfy { $0.details.date == CivilDate(year: 2026, month: 3, day: 10) })
    }

    @Test func anUnreadableAmountIsRejectedAsAnAmount() throws {
        let sink = try Self.read(Self.statement(Self.entry("1,00") + Self.entry("abc", details: "<TxDtls/>")))
        #expect(
            sink.rejects.map(\.reason) == [
                "amount '1,00': \(Self.moneyError("1,00")) (EUR)", "amount 'abc': \(Self.moneyError("abc")) (EUR)",
            ])
        #expect(!sink.rejects.contains { $0.reason.contains("reference") })
        #expect(sink.unreferenced.isEmpty)
    }

    static func moneyError(_ text: String) -> String {
        do {
            _ = try Array(text.utf8).withUnsafeBufferPointer { bytes throws(MoneyError) in
                try MoneyParser.parseMinor(bytes, exponent: 2)
            }
            return "parsed"
        } catch {
            return "\(error)"
        }
    }

    static func prtry(_ code: String, _ amount: String) -> String {
        "<Bal><Tp><CdOrPrtry><Prtry>\(code)</Prtry></CdOrPrtry></Tp><Amt Ccy=\"EUR\">\(amount)</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-10</Dt></Dt></Bal>"
    }

    @Test func baiBalanceCodesAreChecked() throws {
        let entries = Self.entry("30.00", reference: "<AcctSvcrRef>A</AcctSvcrRef>")
        let good = try Self.read(Self.statement(entries, balances: Self.prtry("010", "100.00") + Self.prtry("015", "130.00")))
        let control = try #require(good.controls.first)
        #expect(control.name == "camt053 S1 (DE00123): Prtry 010 + booked entries = Prtry 015")
        #expect(control.ok, "\(control)")
        #expect(control.expected == "Prtry 015 130.00 EUR")
        let wrong = try Self.read(Self.statement(entries, balances: Self.prtry("010", "100.00") + Self.prtry("015", "99.00")))
        #expect(wrong.controls.first?.ok == false)
        #expect(wrong.controls.first?.actual == "130.00 EUR (Prtry 010 100.00 EUR + booked 30.00 EUR)")
    }

    @Test func balancesTheControlCannotUseAreSaidToBeUnchecked() throws {
        let entries = Self.entry("30.00", reference: "<AcctSvcrRef>A</AcctSvcrRef>")
        let sink = try Self.read(
            Self.statement(entries, balances: Self.prtry("ZZZ", "1.00") + CamtReaderTests.balance("ITBD", "2.00")))
        let control = try #require(sink.controls.first)
        #expect(control.name == "camt053 S1 (DE00123): balance not checked")
        #expect(control.ok, "not a control_mismatch: the file is not wrong, Tally cannot tell")
        #expect(control.actual == "not checked: the statement's balances are Prtry ZZZ, ITBD")
        // no balances at all: no balance control, as before
        #expect(try Self.read(Self.statement(entries)).controls.isEmpty)
    }

    @Test func xxxIsNoCurrency() throws {
        let sink = try Self.read(
            Self.statement(
                Self.entry("1.00", currency: "XXX", reference: "<AcctSvcrRef>A</AcctSvcrRef>")
                    + Self.entry("1.00", currency: "XYZ", reference: "<AcctSvcrRef>B</AcctSvcrRef>")))
        #expect(sink.rejects.count == 2)
        #expect(sink.rejects[0].reason.contains("no currency (XXX)"), "\(sink.rejects[0].reason)")
        #expect(!sink.rejects[0].reason.contains("not an ISO 4217 code"))
        #expect(sink.rejects[1].reason == "currency 'XYZ' is not an ISO 4217 code")
    }

    @Test func aHostileTextIsCutNotKeptNorRejected() throws {
        // 70,000 two-byte characters: longer than the 64 KiB an element may have on the key path
        let long = String(repeating: "é", count: 70_000)
        let detail =
            "<TxDtls><Refs><EndToEndId>E</EndToEndId></Refs><RmtInf><Ustrd>\(long)</Ustrd><Ustrd>more</Ustrd></RmtInf><RltdPties><Dbtr><Nm>\(long)</Nm></Dbtr></RltdPties></TxDtls>"
        let sink = try Self.read(Self.statement(Self.entry("1.00", details: detail)))
        #expect(sink.rejects.isEmpty, "\(sink.rejects.map(\.reason))")
        let details = try #require(sink.details.first)
        #expect(details.remittance.utf8.count <= CamtText.limit)
        #expect(details.remittance.utf8.count >= CamtText.limit - 1)
        #expect(details.remittance.allSatisfy { $0 == "é" }, "cut at a character, never inside one")
        #expect(details.counterparty.utf8.count <= CamtText.limit)
        let off = try Self.read(Self.statement(Self.entry("1.00", details: detail)), details: false)
        #expect(off.rejects.isEmpty, "the texts are not even read when no details are wanted")
    }

    @Test func foldingAndCuttingTexts() {
        var text = CamtText()
        text.append(part: "  a \n\t b ".utf8)
        text.append(part: "".utf8)
        text.append(part: " c".utf8)
        #expect(text.string == "a b c")
        var cut = CamtText()
        cut.append(part: (String(repeating: "x", count: CamtText.limit - 2) + "€").utf8)
        #expect(cut.string == String(repeating: "x", count: CamtText.limit - 2))
    }

    @Test func inspectCountsUnreferencedTransactions() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("camt-inspect-\(UUID().uuidString).xml")
        try Data(Self.statement(Self.entry("1.00") + Self.entry("2.00", reference: "<AcctSvcrRef>R</AcctSvcrRef>")).utf8)
            .write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var sink = InspectionSink()
        try CamtReader(message: .statement).read(SettlementFile(path: url.path, index: 0), into: &sink, progress: { _ in })
        #expect(sink.transactionCount == 2)
        #expect(sink.unreferencedCount == 1)
        #expect(sink.firstRecords.map(\.reference) == ["", "R"])
        #expect(sink.rejectCount == 0)
    }
}
