import Foundation
import TallyCore
import TallyTestFixtures
import Testing

@testable import TallyIngest

/// The camt.053/054 reader on inline documents: entries, batch splits, statuses, reversals,
/// references, controls, and what it refuses.
@Suite struct CamtReaderTests {
    static func read(_ xml: String, _ message: CamtReader.Message = .statement) throws -> CollectingSink {
        try read(bytes: Array(xml.utf8), message)
    }

    static func read(bytes: [UInt8], _ message: CamtReader.Message = .statement) throws -> CollectingSink {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("camt-\(UUID().uuidString).xml")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var sink = CollectingSink()
        try CamtReader(message: message).read(SettlementFile(path: url.path, index: 0), into: &sink, progress: { _ in })
        return sink
    }

    static func statement(version: String = "02", balances: String, entries: String, summary: String = "") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.\(version)">
          <BkToCstmrStmt>
            <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-11T06:00:00Z</CreDtTm></GrpHdr>
            <Stmt>
              <Id>S1</Id>
              <Acct><Id><IBAN>DE00123</IBAN></Id><Ccy>EUR</Ccy></Acct>
              \(balances)
              \(summary)
              \(entries)
            </Stmt>
          </BkToCstmrStmt>
        </Document>
        """
    }

    static func balance(_ type: String, _ amount: String, _ direction: String = "CRDT", date: String = "2026-03-10") -> String {
        "<Bal><Tp><CdOrPrtry><Cd>\(type)</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">\(amount)</Amt><CdtDbtInd>\(direction)</CdtDbtInd><Dt><Dt>\(date)</Dt></Dt></Bal>"
    }

    static func entry(
        _ amount: String, _ direction: String = "CRDT", status: String = "<Sts>BOOK</Sts>", reversal: Bool = false,
        valueDate: String = "2026-03-10", reference: String = "", details: String = ""
    ) -> String {
        """
        <Ntry><Amt Ccy="EUR">\(amount)</Amt><CdtDbtInd>\(direction)</CdtDbtInd>\(reversal ? "<RvslInd>true</RvslInd>" : "")\(status)
        <BookgDt><Dt>2026-03-10</Dt></BookgDt><ValDt><Dt>\(valueDate)</Dt></ValDt>\(reference.isEmpty ? "" : "<AcctSvcrRef>\(reference)</AcctSvcrRef>")
        <BkTxCd/>\(details.isEmpty ? "" : "<NtryDtls>\(details)</NtryDtls>")</Ntry>
        """
    }

    static func detail(_ endToEnd: String, amount: String? = nil, direction: String? = nil, txId: String = "") -> String {
        var refs = "<Refs><EndToEndId>\(endToEnd)</EndToEndId>"
        if !txId.isEmpty { refs += "<TxId>\(txId)</TxId>" }
        refs += "</Refs>"
        let amountXML = amount.map { "<Amt Ccy=\"EUR\">\($0)</Amt>" } ?? ""
        let directionXML = direction.map { "<CdtDbtInd>\($0)</CdtDbtInd>" } ?? ""
        return "<TxDtls>\(refs)\(amountXML)\(directionXML)</TxDtls>"
    }

    @Test func aBatchEntrySplitsIntoItsTransactionDetails() throws {
        let entries = Self.entry(
            "30.00", reference: "BANK1",
            details: "<Btch><NbOfTxs>2</NbOfTxs><TtlAmt Ccy=\"EUR\">30.00</TtlAmt></Btch>"
                + Self.detail("pi_1", amount: "10.00", direction: "CRDT")
                + Self.detail("pi_2", amount: "20.00", direction: "CRDT"))
        let sink = try Self.read(
            Self.statement(
                version: "04", balances: Self.balance("OPBD", "100.00") + Self.balance("CLBD", "130.00"), entries: entries))
        #expect(sink.transactions.map(\.reference) == ["pi_1", "pi_2"])
        #expect(sink.transactions.map(\.amount) == [Money(minor: 1000, currency: .eur), Money(minor: 2000, currency: .eur)])
        #expect(!sink.transactions.isEmpty, "nothing to check: the assertion below would hold vacuously")
        #expect(sink.transactions.allSatisfy { $0.kind == .charge })
        #expect(sink.rejects.isEmpty)
        #expect(sink.controls.count == 2)
        #expect(!sink.controls.isEmpty, "nothing to check: the assertion below would hold vacuously")
        #expect(sink.controls.allSatisfy { $0.ok }, "\(sink.controls)")
        #expect(sink.controls[0].name == "camt053 S1 (DE00123): OPBD + booked entries = CLBD")
    }

    @Test func debitsAreRefundsAndTheReferenceFallsBack() throws {
        let entries =
            Self.entry("5.00", "DBIT", details: Self.detail("NOTPROVIDED", txId: "tx-9"))
            + Self.entry("7.50", "CRDT", reference: "ACCT-REF")
        let sink = try Self.read(
            Self.statement(balances: Self.balance("PRCD", "10.00") + Self.balance("CLBD", "12.50"), entries: entries))
        // the only detail without an amount takes the entry's; an entry without details is itself one
        #expect(sink.transactions.map(\.reference) == ["tx-9", "ACCT-REF"])
        #expect(sink.transactions.map(\.kind) == [.refund, .charge])
        #expect(sink.transactions.map(\.amount.minor) == [500, 750])
        #expect(sink.controls.first?.ok == true)
    }

    @Test func pendingAndReversedEntriesAreListedNotMatched() throws {
        let entries =
            Self.entry("1.00", status: "<Sts><Cd>PDNG</Cd></Sts>", reference: "P1")
            + Self.entry("2.00", "CRDT", reversal: true, reference: "R1")
            + Self.entry("3.00", status: "<Sts><Cd>BOOK</Cd></Sts>", reference: "B1")
        let sink = try Self.read(
            Self.statement(version: "08", balances: Self.balance("OPBD", "0") + Self.balance("CLBD", "5.00"), entries: entries))
        #expect(sink.transactions.map(\.reference) == ["B1"])
        #expect(sink.nonTransactions.map(\.category) == ["entry PDNG, not booked", "reversal (RvslInd)"])
        #expect(sink.nonTransactions.map(\.gross) == [100, 200])
        // the pending entry stays out of the balance, the booked reversal counts
        #expect(sink.controls.first?.ok == true, "\(sink.controls)")
    }

    @Test func theBalanceControlSaysWhenItDoesNotAddUp() throws {
        let sink = try Self.read(
            Self.statement(
                balances: Self.balance("OPBD", "10.00") + Self.balance("CLBD", "99.00"),
                entries: Self.entry("1.00", reference: "A")))
        let control = try #require(sink.controls.first)
        #expect(!control.ok)
        #expect(control.expected == "CLBD 99.00 EUR")
        #expect(control.actual == "11.00 EUR (OPBD 10.00 EUR + booked 1.00 EUR)")
    }

    @Test func entriesValuedAfterTheClosingDateMayBeOutsideCLBD() throws {
        let entries = Self.entry("1.00", reference: "A") + Self.entry("4.00", valueDate: "2026-03-11", reference: "B")
        let sink = try Self.read(
            Self.statement(balances: Self.balance("OPBD", "10.00") + Self.balance("CLBD", "11.00"), entries: entries))
        let control = try #require(sink.controls.first)
        #expect(control.ok)
        #expect(control.actual.contains("valued on or before 2026-03-10"))
    }

    @Test func theTransactionSummaryIsChecked() throws {
        let summary = """
            <TxsSummry><TtlNtries><NbOfNtries>2</NbOfNtries><Sum>3.00</Sum><TtlNetNtryAmt>1.00</TtlNetNtryAmt><CdtDbtInd>CRDT</CdtDbtInd></TtlNtries>
            <TtlCdtNtries><NbOfNtries>1</NbOfNtries><Sum>2.00</Sum></TtlCdtNtries><TtlDbtNtries><NbOfNtries>1</NbOfNtries><Sum>-1.00</Sum></TtlDbtNtries></TxsSummry>
            """
        let entries = Self.entry("2.00", reference: "A") + Self.entry("1.00", "DBIT", reference: "B")
        let sink = try Self.read(Self.statement(balances: "", entries: entries, summary: summary))
        let control = try #require(sink.controls.first)
        #expect(control.ok, "\(control)")
        #expect(control.expected == "entries 2; sum 3.00; net 1.00; credits 1; credit sum 2.00; debits 1; debit sum 1.00")
        let wrong = try Self.read(Self.statement(balances: "", entries: Self.entry("2.00", reference: "A"), summary: summary))
        #expect(wrong.controls.first?.ok == false)
    }

    @Test func aBatchWhoseDetailsDoNotAddUpFailsItsControl() throws {
        let entries = Self.entry(
            "30.00", reference: "BANK1",
            details: "<Btch><NbOfTxs>3</NbOfTxs></Btch>" + Self.detail("pi_1", amount: "10.00")
                + Self.detail("pi_2", amount: "19.00"))
        let sink = try Self.read(Self.statement(balances: "", entries: entries))
        let control = try #require(sink.controls.first)
        #expect(!control.ok)
        #expect(control.actual.hasPrefix("1 off (line "))
        #expect(sink.transactions.count == 2)
    }

    @Test func aBatchWithoutDetailsIsListed() throws {
        let entries = Self.entry("30.00", reference: "LUMP", details: "<Btch><NbOfTxs>3</NbOfTxs></Btch>")
        let sink = try Self.read(Self.statement(balances: "", entries: entries))
        #expect(sink.transactions.isEmpty)
        #expect(sink.nonTransactions.map(\.category) == ["batch booking without transaction details"])
    }

    @Test func badAmountsAndCurrenciesAreRejectsWithLinesButNoReferenceIsNot() throws {
        let entries =
            Self.entry("1.005", reference: "A")
            + "\n" + Self.entry("-2.00", reference: "B")
            + Self.entry("1.00", details: "<TxDtls><Refs><EndToEndId>C</EndToEndId></Refs><Amt Ccy=\"XYZ\">1.00</Amt></TxDtls>")
            + Self.entry("1.00")
        let sink = try Self.read(Self.statement(balances: "", entries: entries))
        // the last entry has no reference at all: valid ISO 20022, a transaction for the rule passes
        // (CollectingSink keeps the default, an empty reference), no longer a "no reference" reject
        #expect(sink.transactions.map(\.reference) == [""])
        #expect(sink.transactions.map(\.amount.minor) == [100])
        #expect(sink.rejects.count == 3)
        #expect(sink.rejects[0].reason.contains("more than 2 significant decimal places"))
        #expect(sink.rejects[1].reason.contains("negative"))
        #expect(sink.rejects[2].reason == "currency 'XYZ' is not an ISO 4217 code")
        #expect(sink.rejects[0].location.line == 10)
        #expect(sink.rejects[1].location.line == 13)
    }

    @Test func aNotificationIsReadWithItsOwnFormat() throws {
        let xml = """
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn>
            <GrpHdr><MsgId>N</MsgId></GrpHdr><Ntfctn><Id>N1</Id><Acct><Id><Othr><Id>ACC-7</Id></Othr></Id></Acct>
            \(Self.entry("4.00", details: Self.detail("e2e-1", amount: "4.00", direction: "CRDT")))
            </Ntfctn></BkToCstmrDbtCdtNtfctn></Document>
            """
        let sink = try Self.read(xml, .notification)
        #expect(sink.transactions.map(\.reference) == ["e2e-1"])
        #expect(throws: IngestError.self) { try Self.read(xml, .statement) }
        do {
            _ = try Self.read(xml, .statement)
        } catch let error as IngestError {
            #expect(error.code == .malformed)
            #expect(error.message.contains("--format camt054"))
        }
    }

    @Test func namespacePrefixesAndEnvelopesAreFine() throws {
        let xml = """
            <env:BizMsgEnvlp xmlns:env="urn:swift:xsd:envelope"><h:AppHdr xmlns:h="urn:iso:std:iso:20022:tech:xsd:head.001.001.02"/>
            <c:Document xmlns:c="urn:iso:std:iso:20022:tech:xsd:camt.053.001.10"><c:BkToCstmrStmt><c:Stmt><c:Id>S</c:Id>
            <c:Ntry><c:Amt Ccy="JPY">1200</c:Amt><c:CdtDbtInd>CRDT</c:CdtDbtInd><c:Sts><c:Cd>BOOK</c:Cd></c:Sts><c:AcctSvcrRef>J1</c:AcctSvcrRef></c:Ntry>
            </c:Stmt></c:BkToCstmrStmt></c:Document></env:BizMsgEnvlp>
            """
        let sink = try Self.read(xml)
        #expect(sink.transactions.map(\.amount) == [Money(minor: 1200, currency: .jpy)])
    }
}
