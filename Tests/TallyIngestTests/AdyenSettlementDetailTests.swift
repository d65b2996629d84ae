import Foundation
import TallyCore
import TallyTestFixtures
import Testing

@testable import TallyIngest

/// The Adyen settlement details reader on every sample of ../shared/provider-samples/adyen-settlement-detail
/// (values checked by hand against the files and FORMATS.md §2.3) and on inline rows for the tricky cases.
@Suite struct AdyenSettlementDetailTests {
    static let folder = "adyen-settlement-detail"

    func read(_ path: String) throws -> CollectingSink {
        var sink = CollectingSink()
        try AdyenSettlementDetail().read(SettlementFile(path: path, index: 0), into: &sink, progress: { _ in })
        return sink
    }

    func read(text: String) throws -> CollectingSink {
        try ProviderSamples.withTemporaryFile(Array(text.utf8)) { try read($0) }
    }

    static let conformance: [(String, SampleSummary)] = [
        (
            "settlement_detail_report_batch_1128.csv",
            SampleSummary(
                transactions: [
                    "charge CAD 1 10.00", "charge JPY 2 3493", "charge NZD 1 52.00", "charge USD 5 39.80",
                    "chargeback USD 1 1.00", "refund USD 1 1.00",
                ],
                nonTransactions: [
                    "InvoiceDeduction USD 1 net -0.06", "MiscCosts USD 1 net -1.00", "MerchantPayout CAD 1 net -9.54",
                    "MerchantPayout USD 1 net -59.75",
                ],
                controls: [
                    "ok adyen batch 1128 CAD: net of the rows = MerchantPayout: expected 9.54 CAD, actual 9.54 CAD",
                    "ok adyen batch 1128 USD: net of the rows = MerchantPayout: expected 59.75 USD, actual 59.75 USD",
                ])
        ),
        (
            "settlement_detail_report_batch_1129.csv",
            SampleSummary(
                transactions: [
                    "charge AUD 1 52.00", "charge CAD 1 52.00", "charge EUR 1 50.00", "charge JPY 1 500", "charge USD 1 162.00",
                    "chargeback CAD 1 10.40", "chargeback JPY 2 6172", "chargeback NZD 1 15.00", "chargeback USD 3 37.35",
                    "refund USD 1 3.35",
                ],
                nonTransactions: ["Fee USD 3 net -36.00", "MerchantPayout EUR 1 net -28.51", "MerchantPayout USD 1 net -37.82"],
                controls: [
                    "ok adyen batch 1129 EUR: net of the rows = MerchantPayout: expected 28.51 EUR, actual 28.51 EUR",
                    "ok adyen batch 1129 USD: net of the rows = MerchantPayout: expected 37.82 USD, actual 37.82 USD",
                ])
        ),
        (
            "deposit_correction__settlement_detail_report_batch_2.csv",
            SampleSummary(
                transactions: ["charge USD 1 10.00"],
                nonTransactions: ["DepositCorrection USD 2 net 1.00", "MerchantPayout USD 1 net -1.76"],
                controls: ["ok adyen batch 2 USD: net of the rows = MerchantPayout: expected 1.76 USD, actual 1.76 USD"])
        ),
        (
            "refund_credit_fee__settlement_detail_report_batch.csv",
            SampleSummary(
                transactions: ["charge USD 1 100.00", "refund USD 1 55.00"],
                nonTransactions: ["MerchantPayout USD 1 net -50.00"],
                controls: ["ok adyen batch 1120 USD: net of the rows = MerchantPayout: expected 50.00 USD, actual 50.00 USD"])
        ),
        (
            "refunded__settlement_detail_report_batch_4.csv",
            SampleSummary(
                transactions: ["charge USD 1 20.20", "refund USD 1 1.00"],
                nonTransactions: ["Fee USD 1 net -1.80", "MerchantPayout USD 1 net -17.27"],
                controls: ["ok adyen batch 1120 USD: net of the rows = MerchantPayout: expected 17.27 USD, actual 17.27 USD"])
        ),
        (
            "settlement_detail_report_donation.csv",
            SampleSummary(
                transactions: ["charge USD 1 1.00"], nonTransactions: ["MerchantPayout USD 1 net -0.76"],
                controls: ["ok adyen batch 2 USD: net of the rows = MerchantPayout: expected 0.76 USD, actual 0.76 USD"])
        ),
        // the fixtures below are truncated or edited: the control must say so
        (
            "chargeback_reversal__settlement_detail_report_batch_1120.csv",
            SampleSummary(
                transactions: ["charge USD 1 5.00", "chargeback USD 1 5.00"],
                nonTransactions: ["ChargebackReversed USD 1 net 4.89"],
                controls: ["FAILED adyen batch 1120 USD: net of the rows = MerchantPayout: expected 0.00 USD, actual -5.87 USD"])
        ),
        (
            "settlement_detail_report_refund.csv",
            SampleSummary(
                transactions: ["refund USD 1 1.00"], nonTransactions: ["Fee USD 1 net -1.80", "MerchantPayout USD 1 net -4.03"],
                controls: ["FAILED adyen batch 3 USD: net of the rows = MerchantPayout: expected 4.03 USD, actual -2.80 USD"])
        ),
        (
            "settlement_detail_report_emptynetcredit.csv",
            SampleSummary(
                transactions: ["charge INR 1 10.00"], nonTransactions: [],
                controls: ["FAILED adyen batch 1136 USD: net of the rows = MerchantPayout: expected 0.00 USD, actual -0.03 USD"])
        ),
        (
            "settlement_detail_report_invoice_deduction.csv",
            SampleSummary(
                transactions: [], nonTransactions: ["InvoiceDeduction USD 2 net -0.03"],
                controls: ["FAILED adyen batch 1136 USD: net of the rows = MerchantPayout: expected 0.00 USD, actual -0.03 USD"])
        ),
        (
            "settlement_detail_report_deposit_correction.csv",
            SampleSummary(
                transactions: [], nonTransactions: ["DepositCorrection USD 2 net -200.00"],
                controls: ["FAILED adyen batch 1191 USD: net of the rows = MerchantPayout: expected 0.00 USD, actual -200.00 USD"]
            )
        ),
        (
            "settlement_detail_report_chargeback_reversed.csv",
            SampleSummary(
                transactions: [], nonTransactions: ["ChargebackReversed USD 1 net 51.89"],
                controls: ["FAILED adyen batch 3 USD: net of the rows = MerchantPayout: expected 0.00 USD, actual 51.89 USD"])
        ),
    ]

    @Test(.enabled(if: ProviderSamples.available(AdyenSettlementDetailTests.folder)), arguments: conformance)
    func readsTheSample(_ name: String, _ expected: SampleSummary) throws {
        let sink = try read(ProviderSamples.path(Self.folder, name))
        #expect(SampleSummary(sink) == expected)
    }

    @Test(.enabled(if: ProviderSamples.available(AdyenSettlementDetailTests.folder)))
    func everySampleIsInTheTable() throws {
        let names = try FileManager.default.contentsOfDirectory(
            atPath: ProviderSamples.root.appendingPathComponent(Self.folder).path)
        #expect(Set(names.filter { $0.hasSuffix(".csv") }) == Set(Self.conformance.map(\.0)))
    }

    @Test(.enabled(if: ProviderSamples.available(AdyenSettlementDetailTests.folder)))
    func modificationsUseTheirOwnReferenceAndKeepThePayments() throws {
        let sink = try read(ProviderSamples.path(Self.folder, "settlement_detail_report_batch_1129.csv"))
        let refund = try #require(sink.transactions.first { $0.kind == .refund })
        // the row's Type is written `refunded`, in lower case
        #expect(refund.reference == "7CHARGE12345682")
        #expect(refund.originalReference == "7ABCD12345678910")
        #expect(refund.location.line == 8)
        let charge = try #require(sink.transactions.first { $0.kind == .charge })
        #expect(charge.reference == "1NEW123456789101")
        #expect(charge.originalReference == nil)
    }

    static let header =
        "Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),Interchange (NC),Payment Method Variant,Modification Merchant Reference,Batch Number,Metadata\n"

    /// One row in the header above: only the columns a test cares about.
    static func row(
        psp: String = "PSP1", created: String = "2025-09-11 11:44:20", zone: String = "PDT", type: String = "Settled",
        modification: String = "MOD1", grossCurrency: String = "USD", grossDebit: String = "", grossCredit: String = "",
        netCurrency: String = "USD", netDebit: String = "", netCredit: String = "", metadata: String = ""
    ) -> String {
        [
            "Co", "Acct", psp, "m1", "visa", created, zone, type, modification, grossCurrency, grossDebit, grossCredit, "1",
            netCurrency, netDebit, netCredit, "", "", "", "", "visa", "", "7", metadata,
        ].joined(separator: ",") + "\n"
    }

    @Test func trickyRows() throws {
        let sink = try read(
            text: Self.header
                + Self.row(psp: "A", grossCredit: ".91", netCredit: ".90")  // no leading zero
                + Self.row(psp: "B", grossCurrency: "INR", grossCredit: "10", netDebit: "0.03")  // fees above the gross
                + Self.row(
                    psp: "C", grossCredit: "1", netCredit: "1",
                    metadata: #""{""k"":""v, with comma"",""n"":[1,2]}""#)  // JSON in a quoted field
                + Self.row(psp: "D", type: "SECONDCHARGEBACK", modification: "CB2", grossDebit: "2", netDebit: "12.65")
                + Self.row(psp: "E", type: "ChargebackReversed", modification: "CB2", grossCredit: "2", netCredit: "2")
                + Self.row(psp: "", type: "SomethingNew", grossCurrency: "", netCredit: "0.05")
                + Self.row(psp: "", type: "fee", grossCurrency: "", netDebit: "0.01")
                + Self.row(psp: "", type: "MerchantPayout", grossCurrency: "", netDebit: "\"\"", netCredit: "0"))
        #expect(sink.rejects.isEmpty, "\(sink.rejects)")
        #expect(sink.transactions.map(\.reference) == ["A", "B", "C", "CB2"])
        #expect(sink.transactions.map(\.kind) == [.charge, .charge, .charge, .chargeback])
        #expect(
            sink.transactions.map(\.amount) == [
                Money(minor: 91, currency: .usd), Money(minor: 1000, currency: Currency(code: "INR")!),
                Money(minor: 100, currency: .usd), Money(minor: 200, currency: .usd),
            ])
        #expect(sink.transactions[3].originalReference == "D")
        #expect(sink.nonTransactions.map(\.category) == ["ChargebackReversed", "SomethingNew", "Fee", "MerchantPayout"])
        // a reversal in the net currency keeps gross and fee; rows without a gross use the net
        #expect(
            sink.nonTransactions[0]
                == NonTransactionLine(category: "ChargebackReversed", currency: .usd, gross: 200, fee: 0, net: 200))
        #expect(sink.nonTransactions[1] == NonTransactionLine(category: "SomethingNew", currency: .usd, gross: 5, net: 5))
        // .90 − .03 + 1 − 12.65 + 2 + .05 − .01 = −8.74, against a payout of 0
        #expect(sink.controls.map(\.actual) == ["-8.74 USD"])
        #expect(sink.controls.map(\.expected) == ["0.00 USD"])
    }

    @Test func unreadableRowsAreRejectsWithLineAndReason() throws {
        let sink = try read(
            text: Self.header
                + Self.row(psp: "ok", grossCredit: "1", netCredit: "1")
                + Self.row(psp: "date", created: "03/08/2023 14:37", grossCredit: "1", netCredit: "1")
                + Self.row(psp: "zone", zone: "XYZT", grossCredit: "1", netCredit: "1")
                + Self.row(psp: "yen", grossCurrency: "JPY", grossCredit: "3158.5", netCredit: "1")
                + Self.row(psp: "nogross", grossCredit: "0", netCredit: "1")
                + Self.row(psp: "currency", grossCurrency: "XYZ", grossCredit: "1", netCredit: "1")
                + Self.row(type: "Refunded", modification: "", grossDebit: "1", netDebit: "1")
                + Self.row(psp: "", grossCredit: "1", netCredit: "1")
                + "Co,Acct,short,row\n")
        #expect(sink.transactions.map(\.reference) == ["ok"])
        #expect(sink.rejects.map(\.location.line) == [3, 4, 5, 6, 7, 8, 9, 10])
        let reasons = sink.rejects.map(\.reason)
        #expect(reasons[0].contains("Creation Date '03/08/2023 14:37'"))
        #expect(reasons[1].contains("TimeZone 'XYZT'"))
        #expect(reasons[2].contains("Gross Credit (GC) '3158.5'") && reasons[2].contains("JPY"))
        #expect(reasons[3].contains("needs Gross Credit (GC) or Gross Debit (GC)"))
        #expect(reasons[4].contains("XYZ"))
        #expect(reasons[5].contains("Modification Reference is empty"))
        #expect(reasons[6].contains("Psp Reference is empty"))
        #expect(reasons[7].contains("expected 24 fields"))
        // rejected rows are not counted: the batch of what was read does not balance
        #expect(sink.controls.map(\.actual) == ["1.00 USD"])
        #expect(sink.controls.map(\.ok) == [false])
    }

    @Test func hostileRowsAreRejects() throws {
        var bytes = Array((Self.header + Self.row(psp: "ok", grossCredit: "1", netCredit: "1")).utf8)
        bytes += Array(Self.row(psp: "bad\u{1}", grossCredit: "1", netCredit: "1").utf8).map { $0 == 1 ? 0xFF : $0 }
        bytes += Array(Self.row(psp: "nul", grossCredit: "1\u{0}", netCredit: "1").utf8)
        bytes += Array("Co,Acct,\"open,quote".utf8)
        let sink = try ProviderSamples.withTemporaryFile(bytes) { try read($0) }
        #expect(sink.transactions.map(\.reference) == ["ok"])
        #expect(sink.rejects.map(\.location.line) == [3, 4, 5])
        #expect(sink.rejects[0].reason == "the reference is not valid UTF-8")
        #expect(sink.rejects[1].reason.contains("Gross Credit (GC)"))
        #expect(sink.rejects[2].reason.contains("unterminated quoted field"))
    }

    @Test func aTruncatedFileReportsInsteadOfFailing() throws {
        let full =
            Self.header + Self.row(psp: "A", grossCredit: "10", netCredit: "9.50")
            + Self.row(psp: "", type: "MerchantPayout", grossCurrency: "", netDebit: "9.50")
        let cut = String(full.dropLast(12))
        let sink = try read(text: cut)
        #expect(sink.transactions.count == 1)
        #expect(sink.rejects.count == 1)
        #expect(sink.controls.map(\.ok) == [false])
        #expect(try read(text: full).controls.map(\.ok) == [true])
    }

    @Test func columnsAreBoundByNameInAnyOrder() throws {
        let sink = try read(
            text: """
                type,net credit (nc),TimeZone,Creation Date,Net Currency,Gross  Credit (GC),Gross Debit (GC),Gross Currency,Net Debit (NC),Modification Reference,Psp Reference,Reserved9
                Settled,4.88,CET,2026-01-05 10:00:00,GBP,5.00,,GBP,,m,p1,
                MerchantPayout,,CEST,2026-07-05 10:00:00,GBP,,,,4.88,payout,,

                """)
        #expect(sink.transactions.map(\.reference) == ["p1"])
        #expect(sink.controls.map(\.ok) == [true])
    }

    @Test(arguments: [
        ("", "empty"), ("Psp Reference,Type\n", "lacks Modification Reference"),
        (AdyenSettlementDetailTests.header.replacingOccurrences(of: "Metadata", with: "Type"), "twice"),
    ])
    func brokenHeadersStopTheFile(_ text: String, _ mention: String) throws {
        let error = #expect(throws: IngestError.self) { try read(text: text) }
        #expect(error?.code == .malformed)
        #expect(error?.description.contains(mention) == true, "\(String(describing: error))")
    }

    @Test(arguments: [
        ("2025-09-11 11:44:20", "PDT", "2025-09-11T18:44:20Z"), ("2016-02-18 22:10:51", "PST", "2016-02-19T06:10:51Z"),
        ("2026-01-05 10:00:00", "CET", "2026-01-05T09:00:00Z"), ("2026-07-05 10:00:00", "cest", "2026-07-05T08:00:00Z"),
        ("2026-07-05 10:00:00", "BST", "2026-07-05T09:00:00Z"), ("2026-07-05 10:00:00", "UTC+05:30", "2026-07-05T04:30:00Z"),
        ("2026-07-05 10:00:00", "-0300", "2026-07-05T13:00:00Z"), ("2026-07-05 10:00:00", "GMT", "2026-07-05T10:00:00Z"),
    ])
    func creationDatesBecomeInstants(_ date: String, _ zone: String, _ instant: String) {
        var date = date
        var zone = zone
        let result = date.withUTF8 { d in zone.withUTF8 { z in AdyenCreationDate.parse(date: d, zone: z) } }
        #expect((try? result.get())?.iso8601 == instant)
    }
}
