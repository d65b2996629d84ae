import Foundation
import TallyCore
import TallyTestFixtures
import Testing

@testable import TallyIngest

/// The PayPal STL reader on every sample of ../shared/provider-samples/paypal-stl (values checked by
/// hand against the files and FORMATS.md §3.4) and on inline reports for the tricky cases.
@Suite struct PayPalSettlementReportTests {
    static let folder = "paypal-stl"

    func read(_ path: String) throws -> CollectingSink {
        var sink = CollectingSink()
        try PayPalSettlementReport().read(SettlementFile(path: path, index: 0), into: &sink, progress: { _ in })
        return sink
    }

    func read(bytes: [UInt8]) throws -> CollectingSink {
        try ProviderSamples.withTemporaryFile(bytes) { try read($0) }
    }

    func read(text: String) throws -> CollectingSink { try read(bytes: Array(text.utf8)) }

    static func totals(
        _ scope: String, _ code: String, _ kind: String, _ against: String, _ expected: String, _ actual: String? = nil,
        ok: Bool = true
    ) -> String {
        "\(ok ? "ok" : "FAILED") \(scope) \(code): \(kind) = \(against): expected \(expected) \(code), actual \(actual ?? expected) \(code)"
    }

    static func balance(_ scope: String, _ code: String, _ kind: String, _ expected: String, _ actual: String) -> String {
        "\(expected == actual ? "ok" : "FAILED") \(scope) \(code): \(kind) beginning + movements = ending: expected \(expected) \(code), actual \(actual) \(code)"
    }

    static func count(_ name: String, _ expected: Int, _ actual: Int) -> String {
        "\(expected == actual ? "ok" : "FAILED") \(name): expected \(expected), actual \(actual)"
    }

    static let truncated =
        "FAILED paypal file: ends with its footer (RF or FF): expected an RF or FF record, actual none; the file looks truncated"

    static let conformance: [(String, SampleSummary)] = [
        (
            // FORMATS.md: SB sums = SF for USD and HKD, USD 1 000 000 + 1801 − 52 = 1 001 749; HKD's
            // balances do not add up (edited); BRL is converted away entirely and has no footer
            "STL-20260106.01.009.csv",
            SampleSummary(
                transactions: ["charge BRL 1 17.00", "charge HKD 1 104.00", "charge USD 1 15.60"],
                nonTransactions: ["T0200 currency conversion BRL 1 net -13.56", "T0200 currency conversion USD 1 net 2.41"],
                controls: [
                    totals(
                        "paypal section 1", "USD", "SF", "SB totals", "gross CR 18.01, gross DR 0.00, fee CR 0.00, fee DR 0.52"),
                    balance("paypal section 1", "USD", "SF", "10017.49", "10017.49"),
                    totals(
                        "paypal section 1", "HKD", "SF", "SB totals", "gross CR 104.00, gross DR 0.00, fee CR 0.00, fee DR 5.56"),
                    balance("paypal section 1", "HKD", "SF", "431.33", "10098.44"),
                    count("paypal section 1: SC = SB records", 5, 5),
                    totals("paypal report", "USD", "RF", "Σ SF", "gross CR 18.01, gross DR 0.00, fee CR 0.00, fee DR 0.52"),
                    balance("paypal report", "USD", "RF", "10017.49", "10017.49"),
                    totals("paypal report", "HKD", "RF", "Σ SF", "gross CR 104.00, gross DR 0.00, fee CR 0.00, fee DR 5.56"),
                    balance("paypal report", "HKD", "RF", "431.33", "10098.44"),
                    count("paypal report: RC = SB records", 5, 5),
                    count("paypal file: FF = SB records", 5, 5),
                ])
        ),
        (
            // RF without SF: RF against the SB sums; BRL nets to zero and has no footer
            "STL-BRL-convert.csv",
            SampleSummary(
                transactions: ["charge BRL 2 60.00"],
                nonTransactions: ["T0200 currency conversion BRL 2 net -60.00", "T0200 currency conversion USD 2 net 11.75"],
                controls: [
                    count("paypal section 1: SC = SB records", 6, 6),
                    totals("paypal report", "USD", "RF", "SB totals", "gross CR 11.75, gross DR 0.00, fee CR 0.00, fee DR 0.00"),
                    balance("paypal report", "USD", "RF", "11.75", "11.75"),
                ])
        ),
        (
            "stl.csv",
            SampleSummary(
                transactions: ["charge AUD 2 57.35", "charge GBP 1 8.34", "refund GBP 1 1.34"],
                nonTransactions: ["T0400 bank withdrawal GBP 1 net -1.00"],
                controls: [
                    totals(
                        "paypal section 1", "GBP", "SF", "SB totals", "gross CR 8.34, gross DR 1.34, fee CR 0.87, fee DR 0.47",
                        "gross CR 8.34, gross DR 2.34, fee CR 0.47, fee DR 0.87", ok: false),
                    balance("paypal section 1", "GBP", "SF", "55.30", "12.87"),
                    totals(
                        "paypal section 1", "AUD", "SF", "SB totals", "gross CR 57.35, gross DR 0.00, fee CR 3.00, fee DR 6.00",
                        "gross CR 57.35, gross DR 0.00, fee CR 0.00, fee DR 3.00", ok: false),
                    balance("paypal section 1", "AUD", "SF", "60.00", "63.35"),
                    totals("paypal report", "GBP", "RF", "Σ SF", "gross CR 8.34, gross DR 1.34, fee CR 0.87, fee DR 0.47"),
                    balance("paypal report", "GBP", "RF", "55.30", "12.87"),
                    totals("paypal report", "AUD", "RF", "Σ SF", "gross CR 57.35, gross DR 0.00, fee CR 3.00, fee DR 6.00"),
                    balance("paypal report", "AUD", "RF", "60.00", "63.35"),
                ])
        ),
        (
            "stl_brl_refund.csv",
            SampleSummary(
                transactions: ["refund BRL 1 15.00"],
                nonTransactions: ["T0200 currency conversion BRL 1 net 11.62", "T0200 currency conversion USD 1 net -2.11"],
                controls: [truncated])
        ),
        (
            // SB sums = SF; the balances and the counts (5 declared, 6 SB records) are edited
            "stl_chargeback_variants__STL-20260106.01.009.csv",
            SampleSummary(
                transactions: ["charge EUR 2 11.00", "chargeback EUR 1 1.00"],
                nonTransactions: [
                    "T0106 chargeback fee EUR 1 net -1.60", "T1110 dispute hold EUR 1 net -0.59",
                    "T1111 dispute hold released EUR 1 net 0.59",
                ],
                controls: [
                    totals(
                        "paypal section 1", "EUR", "SF", "SB totals", "gross CR 11.59, gross DR 3.19, fee CR 0.00, fee DR 0.82"),
                    balance("paypal section 1", "EUR", "SF", "209.22", "107.58"),
                    totals("paypal report", "EUR", "RF", "Σ SF", "gross CR 11.59, gross DR 3.19, fee CR 0.00, fee DR 0.82"),
                    balance("paypal report", "EUR", "RF", "209.22", "107.58"),
                    count("paypal report: RC = SB records", 5, 6),
                    count("paypal file: FF = SB records", 5, 6),
                ])
        ),
        (
            "stl_chargeback_with_fee.csv",
            SampleSummary(
                transactions: ["chargeback USD 1 3.00"], nonTransactions: ["T0106 chargeback fee USD 1 net -20.00"],
                controls: [truncated])
        ),
        (
            "stl_currency_convert.csv",
            SampleSummary(
                transactions: ["charge BRL 1 22.00"],
                nonTransactions: ["T0200 currency conversion BRL 1 net -18.40", "T0200 currency conversion USD 1 net 3.27"],
                controls: [truncated])
        ),
        (
            // a T0000 debit is a payment the account sent, not a charge
            "stl_dr_payment.csv",
            SampleSummary(
                transactions: ["charge USD 1 520.00"], nonTransactions: ["T0000 payment sent USD 1 net -154.99"],
                controls: [
                    totals(
                        "paypal report", "USD", "RF", "SB totals", "gross CR 520.00, gross DR 150.00, fee CR 0.00, fee DR 7.00"),
                    balance("paypal report", "USD", "RF", "369.47", "368.47"),
                ])
        ),
        (
            "stl_payout_currency_convert.csv",
            SampleSummary(
                transactions: ["charge AUD 1 200.00"],
                nonTransactions: ["T0201 currency conversion AUD 1 net -100.00", "T0201 currency conversion USD 1 net 120.00"],
                controls: [
                    totals("paypal report", "USD", "RF", "SB totals", "gross CR 120.00, gross DR 0.00, fee CR 0.00, fee DR 0.00"),
                    balance("paypal report", "USD", "RF", "844338.80", "70159.51"),
                    totals(
                        "paypal report", "AUD", "RF", "SB totals", "gross CR 200.00, gross DR 100.00, fee CR 0.00, fee DR 0.00"),
                    balance("paypal report", "AUD", "RF", "2164.08", "159451.68"),
                ])
        ),
    ]

    @Test(.enabled(if: ProviderSamples.available(PayPalSettlementReportTests.folder)), arguments: conformance)
    func readsTheSample(_ name: String, _ expected: SampleSummary) throws {
        let sink = try read(ProviderSamples.path(Self.folder, name))
        #expect(SampleSummary(sink) == expected)
    }

    @Test(.enabled(if: ProviderSamples.available(PayPalSettlementReportTests.folder)))
    func everySampleIsInTheTable() throws {
        let names = try FileManager.default.contentsOfDirectory(
            atPath: ProviderSamples.root.appendingPathComponent(Self.folder).path)
        #expect(Set(names.filter { $0.lowercased().hasSuffix(".csv") }) == Set(Self.conformance.map(\.0)))
    }

    @Test(.enabled(if: ProviderSamples.available(PayPalSettlementReportTests.folder)))
    func refundsAndChargebacksKeepTheirPayment() throws {
        let sink = try read(ProviderSamples.path(Self.folder, "stl.csv"))
        let refund = try #require(sink.transactions.first { $0.kind == .refund })
        #expect(refund.reference == "6899")
        #expect(refund.originalReference == "99900")
        #expect(refund.location.line == 6)
    }

    /// Every Transaction Detail Report sample is refused as one (exit 64), naming what to give
    /// instead, while the STL sample with the same 55-column header is read.
    @Test(.enabled(if: ProviderSamples.available("paypal-trr")))
    func transactionDetailReportsAreRefusedByName() throws {
        let names = try FileManager.default.contentsOfDirectory(
            atPath: ProviderSamples.root.appendingPathComponent("paypal-trr").path)
        #expect(names.count >= 5)
        for name in names {
            do {
                _ = try read(ProviderSamples.path("paypal-trr", name))
                Issue.record("\(name) was read as a settlement report")
            } catch let error as IngestError {
                #expect(error.code == .unsupported, "\(name)")
                #expect(error.message.contains("PayPal Transaction Detail Report (TRR"), "\(name): \(error.message)")
                #expect(error.message.contains("Give the STL file"))
            }
        }
    }

    @Test func aTRRIsRecognisedByItsStatusesNotItsHeader() throws {
        let header =
            "CH,Transaction ID,Invoice ID,PayPal Reference ID,PayPal Reference ID Type,Transaction Event Code,"
            + "Transaction Initiation Date,Transaction Completion Date,Transaction Debit or Credit,Gross Transaction Amount,"
            + "Gross Transaction Currency,Fee Debit or Credit,Fee Amount,Fee Currency,Transactional Status\n"
        let settled = "SB,5W55,,,TXN,T0006,2026/01/06 03:12:28 -0800,2026/01/06 03:12:28 -0800,CR,1000,USD,DR,30,USD,"
        // an STL with the TRR-style header leaves the status empty: read as usual
        let stl = try read(text: header + settled + "\n")
        #expect(stl.transactions.map(\.reference) == ["5W55"])
        // the same record with a status is a TRR: refused at its line
        #expect {
            _ = try read(text: header + settled + "D\n")
        } throws: { error in
            (error as? IngestError)?.code == .unsupported && (error as? IngestError)?.line == 2
        }
    }

    // MARK: Inline reports

    static let columns =
        "CH,Transaction ID,Invoice ID,PayPal Reference ID,PayPal Reference ID Type,Transaction Event Code,Transaction Initiation Date,Transaction Completion Date,Transaction Debit or Credit,Gross Transaction Amount,Gross Transaction Currency,Fee Debit or Credit,Fee Amount,Fee Currency\n"

    static func sb(
        _ id: String, _ code: String, _ direction: String, _ gross: String, _ currency: String, fee: String = "",
        feeDirection: String = "", reference: String = "", date: String = "2026/01/06 03:12:28 -0800"
    ) -> String {
        [
            "SB", id, "", reference, "TXN", code, date, date, direction, gross, currency, feeDirection, fee,
            fee.isEmpty ? "" : currency,
        ]
        .joined(separator: ",") + "\n"
    }

    @Test func eventCodesDecideTheKind() throws {
        let sink = try read(
            text: "RH,2026/01/07 02:00:00 -0800,A,ACCT,009\nSH,2026/01/06 00:00:00 -0800,2026/01/06 23:59:59 -0800,ACCT\n"
                + Self.columns
                + Self.sb("pay", "T0006", "CR", "1000", "USD", fee: "59", feeDirection: "DR")
                + Self.sb("sent", "T0000", "DR", "500", "USD")
                + Self.sb("ref", "T1107", "DR", "300", "USD", fee: "10", feeDirection: "CR", reference: "pay")
                + Self.sb("cb", "T1201", "DR", "200", "USD", reference: "pay")
                + Self.sb("rev", "T1106", "DR", "100", "USD", reference: "pay")
                + Self.sb("cbrev", "T1202", "CR", "200", "USD", reference: "cb")
                + Self.sb("new", "T4321", "CR", "1", "USD")
                + Self.sb("bad", "X1234", "CR", "1", "USD")
                + Self.sb("way", "T0006", "XX", "1", "USD")
                + Self.sb("neg", "T0006", "CR", "-1", "USD")
                + Self.sb("when", "T0006", "CR", "1", "USD", date: "2026-01-06T03:12:28Z")
                + "SC,11\n")
        #expect(sink.transactions.map(\.reference) == ["pay", "ref", "cb", "rev"])
        #expect(sink.transactions.map(\.kind) == [.charge, .refund, .chargeback, .chargeback])
        #expect(sink.transactions.map(\.amount.minor) == [1000, 300, 200, 100])
        #expect(sink.transactions.map(\.originalReference) == [nil, "pay", "pay", "pay"])
        #expect(sink.nonTransactions.map(\.category) == ["T0000 payment sent", "T1202 chargeback reversal", "T4321 other"])
        #expect(sink.nonTransactions.map(\.net) == [-500, 200, 1])
        #expect(sink.rejects.map(\.location.line) == [11, 12, 13, 14])
        let reasons = sink.rejects.map(\.reason)
        #expect(reasons[0].contains("'X1234' is not T followed by four digits"))
        #expect(reasons[1].contains("'XX' is neither CR nor DR"))
        #expect(reasons[2].contains("'-1' is not an unsigned integer"))
        #expect(reasons[3].contains("YYYY/MM/DD HH:MM:SS ±hhmm"))
        #expect(
            sink.controls.map(\.name) == ["paypal section 1: SC = SB records", "paypal file: ends with its footer (RF or FF)"])
        #expect(sink.controls.map(\.ok) == [true, false])
    }

    @Test func amountsAreHundredthsInEveryCurrency() throws {
        let sink = try read(
            text: "SH,x\n" + Self.columns
                + Self.sb("yen", "T0006", "CR", "15000", "JPY")  // ¥150.00
                + Self.sb("kwd", "T0006", "CR", "1234", "KWD")  // 12.34 KWD = 12.340
                + Self.sb("eur", "T0006", "CR", "1", "EUR")
                + Self.sb("yen-fraction", "T0006", "CR", "15050", "JPY")  // ¥150.50 cannot be a JPY amount
                + "SF,JPY,15050,0,0,0,CR,0,CR,15050\nSF,KWD,1234,0,0,0,CR,0,CR,1234\nSF,EUR,1,0,0,0,CR,0,CR,1\nSC,4\nRC,4\nFF,4\n"
        )
        #expect(
            sink.transactions.map(\.amount) == [
                Money(minor: 150, currency: .jpy), Money(minor: 12_340, currency: .kwd), Money(minor: 1, currency: .eur),
            ])
        #expect(sink.rejects.map(\.reason) == ["150.50 JPY has a fraction that JPY (exponent 0) cannot hold"])
        // the rejected record is counted as a record but its money was not read
        #expect(sink.controls.filter { !$0.ok }.map(\.name) == ["paypal section 1 JPY: SF = SB totals"])
        #expect(
            sink.controls.first { $0.name == "paypal section 1 JPY: SF = SB totals" }?.actual.hasPrefix("gross CR 150.00,")
                == true)
    }

    @Test func footersMayOmitACurrencyThatNetsToZeroOnly() throws {
        let sink = try read(
            text: Self.columns
                + Self.sb("brl", "T0006", "CR", "1000", "BRL")
                + Self.sb("out", "T0200", "DR", "1000", "BRL")
                + Self.sb("in", "T0200", "CR", "190", "USD")
                + Self.sb("eur", "T0006", "CR", "100", "EUR")
                + "SF,USD,190,0,0,0,CR,10,DR,200\nSC,4,,,,,,,,\nRF,USD,190,0,0,0,CR,10,CR,200,,,,\nRC,4\nFF,4,,,,\n")
        let failed = sink.controls.filter { !$0.ok }
        // RF is held against Σ SF, so EUR fails once, in its section
        #expect(
            failed.map(\.name) == [
                "paypal section 1 USD: SF beginning + movements = ending", "paypal section 1 EUR: SF = SB totals",
            ])
        #expect(failed[0].expected == "-2.00 USD")
        #expect(failed[0].actual == "2.00 USD")
        #expect(failed[1].actual == "none, and the lines net to 1.00 EUR")
        #expect(sink.controls.count == 8)
    }

    @Test func headerNamesAreMatchedAfterWhitespaceNormalisation() throws {
        let sink = try read(
            text:
                "\"SH\",\"x\"\n\"CH\",\"Transaction ID\",\"Transaction Event Code\",\"Transaction  Debit or Credit\",\" Gross Transaction Amount\",\"gross transaction currency\",\"\",\"\"\n"
                + "\"SB\",\"a\",\"T0006\",\"CR\",100,\"USD\",,\n\"SB\",\"b\",\"T0006\",\"CR\",100,\"USD\",,\"x\"\n\"SB\",\"c\"\n")
        #expect(sink.transactions.map(\.reference) == ["a"])
        #expect(
            sink.rejects.map(\.reason) == [
                "field 8 is beyond the CH row's 6 columns and not empty", "expected 6 fields as in the CH row, found 2",
            ])
    }

    @Test func recordsOutOfPlace() throws {
        let sink = try read(
            text: "SB,a,T0006,CR,1,USD\nXX,1\n"
                + "CH,Transaction ID,Transaction Event Code,Transaction Debit or Credit,Gross Transaction Amount,Gross Transaction Currency\nSF,USD,abc,0,0,0\nFF,many\n"
        )
        #expect(
            sink.rejects.map(\.reason) == [
                "an SB record before any CH record names its columns",
                "unknown record type 'XX'; expected RH, FH, SH, CH, SB, SF, SC, RF, RC or FF",
                "total gross credit 'abc' is not an unsigned integer of hundredths",
                "a record count needs an unsigned integer in its second field",
            ])
    }

    @Test func hostileRecordsAreRejects() throws {
        var bytes = Array(("SH,x\n" + Self.columns + Self.sb("ok", "T0006", "CR", "100", "USD")).utf8)
        bytes += Array(Self.sb("bad\u{1}", "T0006", "CR", "100", "USD").utf8).map { $0 == 1 ? 0xC3 : $0 }
        bytes += Array("S\u{0},1\n".utf8)
        bytes += Array("SB,".utf8) + [UInt8](repeating: UInt8(ascii: "9"), count: 50 << 20) + Array(",T0006\n".utf8)
        bytes += Array("SF,USD,100,0,0,0,CR,0,CR,100\nSC,3\nFF,3\n".utf8)
        let sink = try read(bytes: bytes)
        #expect(sink.transactions.map(\.reference) == ["ok"])
        #expect(sink.rejects.map(\.location.line) == [4, 5, 6])
        #expect(sink.rejects[0].reason == "the reference is not valid UTF-8")
        #expect(sink.rejects[1].reason.hasPrefix("unknown record type"))
        #expect(sink.rejects[2].reason.contains("field longer than"))
        // the long record still counts as an SB record
        #expect(sink.controls.filter { !$0.ok }.isEmpty, "\(sink.controls)")
    }

    @Test func aLaterFileOfASplitReportChecksOnlyWhatItHolds() throws {
        let sink = try read(
            text: "FH,02\nSH,x\n" + Self.columns + Self.sb("a", "T0006", "CR", "100", "USD")
                + "SF,USD,100,0,0,0,CR,0,CR,100\nSC,1\nRF,USD,900,0,0,0,CR,0,CR,900\nRC,9\nFF,1\n")
        #expect(!sink.controls.isEmpty, "nothing to check: the assertion below would hold vacuously")
        #expect(sink.controls.allSatisfy { $0.ok }, "\(sink.controls)")
        #expect(!sink.controls.contains { $0.name.contains("RC") || $0.name.hasSuffix("RF = Σ SF") })
    }

    static let utf8Report =
        "RH,2026/01/07 02:00:00 -0800,A,ACCT,009\nSH,x\n" + columns
        + sb("ü-1", "T0006", "CR", "1000", "EUR", fee: "30", feeDirection: "DR")
        + "SF,EUR,1000,0,0,30,CR,0,CR,970\nSC,1\nRF,EUR,1000,0,0,30,CR,0,CR,970\nRC,1\nFF,1\n"

    @Test(arguments: [true, false])
    func utf16IsConverted(_ littleEndian: Bool) throws {
        var bytes: [UInt8] = littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
        for unit in Self.utf8Report.utf16 {
            bytes += littleEndian ? [UInt8(unit & 0xFF), UInt8(unit >> 8)] : [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        }
        let sink = try read(bytes: bytes)
        let plain = try read(text: Self.utf8Report)
        #expect(sink.transactions == plain.transactions)
        #expect(sink.transactions.map(\.reference) == ["ü-1"])
        #expect(sink.controls == plain.controls)
        #expect(!sink.controls.isEmpty, "nothing to check: the assertion below would hold vacuously")
        #expect(sink.controls.allSatisfy { $0.ok })
        #expect(FormatDetector.detect(prefix: bytes) == .paypal)
    }

    @Test func brokenUTF16IsRefusedWithWhatToDo() throws {
        // a lone high surrogate after a little-endian BOM
        let bytes: [UInt8] = [0xFF, 0xFE, UInt8(ascii: "R"), 0, UInt8(ascii: "H"), 0, 0x00, 0xD8, UInt8(ascii: ","), 0]
        let error = #expect(throws: IngestError.self) { try read(bytes: bytes) }
        #expect(error?.code == .malformed)
        #expect(error?.message.contains("not valid UTF-16") == true)
        #expect(error?.message.contains("iconv -f UTF-16 -t UTF-8") == true)
    }

    @Test(arguments: [
        ("", "empty"), ("name,value\nx,1\n", "no record starts with RH"),
        ("SH,x\nCH,Transaction ID,Gross Transaction Amount\n", "lacks Transaction Event Code"),
        ("CH,Transaction ID,Transaction ID\n", "twice"),
    ])
    func unreadableFilesStop(_ text: String, _ mention: String) throws {
        let error = #expect(throws: IngestError.self) { try read(text: text) }
        #expect(error?.code == .malformed)
        #expect(error?.description.contains(mention) == true, "\(String(describing: error))")
    }
}
