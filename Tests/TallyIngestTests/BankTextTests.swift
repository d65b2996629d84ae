import TallyCore
import Testing

@testable import TallyIngest

/// The remittance and counterparty text each bank entry keeps for the rule passes, the
/// Windows-1252 fallback, and detection by content.
@Suite struct BankTextTests {
    func entry(_ text: String, layout: BankEntry.Layout, direction: BankEntry.Direction = .credit) -> BankEntry {
        BankEntry(
            line: 1, direction: direction, amountMinor: 1, currency: .eur, customerReference: [], bankReference: [],
            text: Array(text.utf8), layout: layout)
    }

    @Test func germanSubfields() {
        let entry = entry("166?00SEPA-UEBERWEISUNG?20EREF+1234?21SVWZ+Rechnung 4\n711?32MUELLER?33GMBH", layout: .mt940)
        #expect(entry.remittance == "EREF+1234SVWZ+Rechnung 4711")
        #expect(entry.counterparty == "MUELLERGMBH")
    }

    @Test func dutchCodes() {
        let entry = entry(
            "/TRTP/SEPA Overboeking/IBAN/NL81RABO0444444444/BIC/RABONL2U/NAME/\nACME B.V/REMI/201400-001/EREF/333", layout: .mt940
        )
        #expect(entry.remittance == "201400-001")
        #expect(entry.counterparty == "ACME B.V")
    }

    @Test func freeText() {
        let entry = entry("BETALINGSKENM.  0189827218201120\nGOOGLE  ", layout: .mt940)
        #expect(entry.remittance == "BETALINGSKENM.  0189827218201120 GOOGLE")
        #expect(entry.counterparty == "")
    }

    @Test func bai2WireText() {
        let credit = entry("FED NO: 1 ORG:=OPTIONS LINK WIRE CLEARING ORG ADDRESS:=2/AV MAIN", layout: .bai2)
        #expect(credit.remittance.hasPrefix("FED NO: 1"))
        #expect(credit.counterparty == "OPTIONS LINK WIRE CLEARING")
        let debit = entry("Outgoing Wire CRNM: TEST COMPANY DBNM: SAMPLE TEST", layout: .bai2, direction: .debit)
        #expect(debit.counterparty == "TEST COMPANY")
    }

    @Test func windows1252() {
        var output: [UInt8] = []
        let bytes: [UInt8] = [0x55, 0xDC, 0x80, 0x9F]
        bytes.withUnsafeBufferPointer { Windows1252.transcode($0, into: &output) }
        #expect(String(decoding: output, as: UTF8.self) == "UÜ€Ÿ")
    }

    @Test(
        arguments: [
            ("01,BANK,CORP,240101,0600,1,,,2/\n02,CORP,BANK,1,240101,,USD,2/\n", SettlementFormat.bai2),
            ("01,BANK,CORP\nhello\n", nil),
            (":20:X\n:25:DE1\n:28C:1/1\n:60F:C240101EUR1,\n", .mt940),
            ("{1:F01X}{2:O942X}{4:\n:20:X\n:25:DE1\n:28C:1/1\n", .mt942),
            ("\u{1}\n:20:X\n:25:PL1\n:28C:1/1\n:34F:PLN0\n", .mt942),
            ("Example file\n\n:20:X\n:25:DK1\n:28C:1/1\n:60F:C240101DKK1,\n", .mt940),
            (":20:X\n", nil),
        ] as [(String, SettlementFormat?)])
    func detection(_ text: String, _ format: SettlementFormat?) {
        #expect(FormatDetector.detect(prefix: Array(text.utf8)) == format)
    }
}
