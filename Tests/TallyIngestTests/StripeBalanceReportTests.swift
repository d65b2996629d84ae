import Foundation
import TallyCore
import TallyTestFixtures
import Testing

@testable import TallyIngest

/// The Stripe reader on inline files and on the real samples in ../shared/provider-samples/stripe.
@Suite struct StripeBalanceReportTests {
    static let samples = SharedSamples.root.appendingPathComponent("stripe")

    func read(_ text: String, options: ReaderOptions = ReaderOptions()) throws -> CollectingSink {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stripe-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try readFile(url.path, options: options)
    }

    /// The per-line control names its first failing lines with the net it expected, and counts the rest.
    @Test func theLineControlSaysWhichLinesAreOff() throws {
        var text = "balance_transaction_id,currency,gross,fee,net,reporting_category,source_id\n"
        for number in 0..<15 {
            let net = number % 5 == 4 ? "9.70" : "9.69"  // lines 2…16: four of every five are off
            text += "txn_\(number),eur,10.00,0.30,\(net),charge,ch_\(number)\n"
        }
        let sink = try read(text)
        let control = try #require(sink.controls.first)
        #expect(!control.ok)
        #expect(control.actual == "12 lines off")
        #expect(control.lines.count == ControlResult.linesKept)
        #expect(control.moreLines == 2)
        #expect(control.lines.map(\.line) == [2, 3, 4, 5, 7, 8, 9, 10, 12, 13])
        #expect(control.lines.first == ControlLine(line: 2, expected: "net 9.70 EUR", actual: "net 9.69 EUR"))
        // a file whose every line holds names none
        let clean = try read(
            "balance_transaction_id,currency,gross,fee,net,reporting_category,source_id\ntxn_1,jpy,1000,30,970,charge,ch_1\n")
        #expect(clean.controls.first?.ok == true)
        #expect(clean.controls.first?.lines.isEmpty == true)
    }

    func readFile(_ path: String, options: ReaderOptions = ReaderOptions()) throws -> CollectingSink {
        var sink = CollectingSink()
        try StripeBalanceReport(options: options).read(SettlementFile(path: path, index: 0), into: &sink, progress: { _ in })
        return sink
    }

    @Test(.enabled(if: SharedSamples.enabled("stripe"))) func readsTheDashboardExport() throws {
        let sink = try readFile(Self.samples.appendingPathComponent("stripe.csv").path)
        #expect(sink.transactions.map(\.reference) == ["txn_14G11HjubSIHf9IKrvJdwN", "txn_14G11HjHgubIH9ZvbPgYO7"])
        #expect(sink.transactions.map(\.kind) == [.charge, .refund])
        #expect(sink.transactions.map(\.amount) == [Money(minor: 1200, currency: .usd), Money(minor: 77, currency: .usd)])
        #expect(sink.transactions.map(\.location.line) == [2, 3])
        #expect(sink.rejects.isEmpty)
        #expect(sink.controls.map(\.ok) == [true])
    }

    @Test(.enabled(if: SharedSamples.enabled("stripe"))) func readsTheItemizedSettlementReport() throws {
        let sink = try readFile(Self.samples.appendingPathComponent("settlement_report.csv").path)
        // source_id first: ch_123, re_123, Re_1234; dispute_reversal, fee and payout are not transactions
        #expect(sink.transactions.map(\.reference) == ["ch_123", "re_123", "Re_1234"])
        #expect(sink.transactions.map(\.kind) == [.charge, .refund, .charge])
        #expect(sink.transactions.map(\.amount.minor) == [2500, 1000, 1000])
        let categories = Dictionary(grouping: sink.nonTransactions, by: \.category).mapValues { $0.map(\.gross).reduce(0, +) }
        #expect(categories == ["fee": -100, "dispute_reversal": 335, "payout": 2400])
        // the fixture's payout row has gross 24 and net 23.05: the per-line identity says so
        #expect(sink.controls.first?.ok == false)
        #expect(sink.controls.first?.actual == "1 line off")
    }

    @Test(.enabled(if: SharedSamples.enabled("stripe"))) func disputesAreChargebacks() throws {
        let sink = try readFile(Self.samples.appendingPathComponent("payments_activity.csv").path)
        #expect(sink.transactions.map(\.reference) == ["ch_aaa", "dp_bbb"])
        #expect(sink.transactions.map(\.kind) == [.charge, .chargeback])
        #expect(sink.transactions.map(\.amount.minor) == [3000, 3000])
    }

    @Test func referenceFallsBackInOrder() throws {
        let sink = try read(
            """
            balance_transaction_id,charge_id,source_id,currency,gross,reporting_category
            txn_1,ch_1,src_1,eur,1.00,charge
            txn_2,ch_2,,eur,1.00,charge
            txn_3,,,eur,1.00,charge
            """)
        #expect(sink.transactions.map(\.reference) == ["src_1", "ch_2", "txn_3"])
    }

    @Test func referenceColumnOverrides() throws {
        let sink = try read(
            """
            balance_transaction_id,source_id,payment_metadata[order],currency,gross,reporting_category
            txn_1,ch_1,order-77,eur,1.00,charge
            """, options: ReaderOptions(referenceColumn: "payment_metadata[order]"))
        #expect(sink.transactions.map(\.reference) == ["order-77"])
    }

    @Test func rowProblemsBecomeRejectsWithLines() throws {
        let sink = try read(
            "source_id,currency,gross,fee,net,reporting_category\r\n"
                + "ch_ok,jpy,1500,0,1500,charge\r\n"
                + "ch_fraction,jpy,1500.5,0,1500.5,charge\r\n"
                + "ch_currency,xyz,1.00,0,1.00,charge\r\n"
                + "ch_short,eur,1.00\r\n"
                + "ch_amount,eur,12,5,0,,charge\r\n"
                + ",eur,1.00,0,1.00,charge\r\n"
                + "ch_kwd,kwd,-12.345,0,-12.345,refund\r\n")
        #expect(sink.transactions.map(\.reference) == ["ch_ok", "ch_kwd"])
        #expect(sink.transactions.last?.amount == Money(minor: 12_345, currency: .kwd))
        #expect(sink.rejects.map(\.location.line) == [3, 4, 5, 6, 7])
        #expect(sink.rejects[0].reason.contains("decimal place"))
        #expect(sink.rejects[1].reason.contains("xyz"))
        #expect(sink.rejects[2].reason.contains("expected 6 fields"))
        #expect(sink.rejects[4].reason.contains("no reference"))
    }

    @Test func unknownCategoriesAreSummedNotMatched() throws {
        let sink = try read(
            """
            source_id,currency,gross,reporting_category
            po_1,usd,-100.00,payout
            tr_1,usd,5.00,transfer_reversal
            ch_1,usd,5.00,charge
            """)
        #expect(sink.transactions.count == 1)
        #expect(sink.nonTransactions.map(\.category) == ["payout", "transfer_reversal"])
        #expect(sink.controls.isEmpty)
    }

    @Test(arguments: [
        ("", "empty"), ("name,value\nx,1\n", "gross"), ("source_id,currency,gross,gross,reporting_category\n", "twice"),
        ("currency,gross,reporting_category\n", "reference"),
    ])
    func brokenHeadersStopTheFile(_ text: String, _ mention: String) throws {
        let error = #expect(throws: IngestError.self) { try read(text) }
        #expect(error?.code == .malformed)
        #expect(error?.description.contains(mention) == true, "\(String(describing: error))")
    }

    @Test func aMissingFileIsNamed() {
        let error = #expect(throws: IngestError.self) { try readFile("/no/such/stripe.csv") }
        #expect(error?.code == .fileMissing)
        #expect(error?.description.contains("/no/such/stripe.csv") == true)
    }
}
