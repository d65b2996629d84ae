import Foundation
import TallyCore
import TallyTestFixtures
import Testing

@testable import TallyIngest

/// Every camt.053 and camt.054 sample in ../shared/provider-samples, read and summarised: counts and
/// sums per kind and currency, listed lines, rejects and control outcomes, checked by hand against
/// the files (FORMATS.md §5.4 says which samples balance; the edited fixtures must fail their
/// controls, not crash). Skipped when the samples folder is absent.
@Suite struct CamtConformanceTests {
    static let samples = SharedSamples.root

    /// (file, transactions "kind CCY count sum", listed lines "category CCY count gross_minor", rejects, controls in order)
    static let expectations: [(String, String, String, Int, String)] = [
        (
            "camt053/FI_camt_053_sample.xml.xml", "charge EUR 3 17575.00; refund EUR 5 4430.05",
            "batch booking without transaction details EUR 5 49988", 0, "ok,ok,ok"
        ),
        (
            "camt053/camt.053_P_CH2909000000250094239_1110092698_0_2020112503071366.xml", "charge CHF 5 4811.42", "", 0,
            "ok,FAILED"
        ),
        ("camt053/camt053.v2.all-balance-types.xml", "charge EUR 1 8.85", "", 0, "FAILED"),
        ("camt053/camt053.v2.five.decimals.xml", "charge EUR 1 8.85", "", 0, "FAILED"),
        ("camt053/camt053.v2.multi.statement.xml", "charge EUR 1 8.85; refund EUR 1 7.00", "", 0, "ok,ok"),
        ("camt053/camt053.v3.xml", "charge EUR 1 105.75", "", 0, "FAILED,FAILED"),
        ("camt053/camt053.v4.xml", "charge SEK 1 0.00", "", 0, "FAILED"),
        ("camt053/camt053.v8.xml", "charge SEK 1 0.00", "", 0, "FAILED"),
        // an OPBD and no closing balance: "balance not checked", a passing note (no control_mismatch)
        ("camt053/camt53.only-Dt-with-DtTm.xml", "", "", 0, "ok"),
        ("camt053/statement_1.xml", "refund EUR 4 2768.08", "", 0, "ok,ok"),
        ("camt053/test-camt053", "charge EUR 1 1405.31; refund EUR 1 754.25", "reversal (RvslInd) EUR 1 -66405", 0, "FAILED,ok"),
        ("camt053/test-camt053-txdtls", "charge CHF 2 3483.00", "", 0, "ok,ok"),
        ("camt053/valid_example.xml", "charge EUR 1 1.00; refund EUR 4 11.00", "", 0, "ok,ok"),
        (
            "camt053/valid_example_v4.xml", "charge CHF 24 1810.56; refund CHF 6 1251.42", "reversal (RvslInd) CHF 2 -2153", 0,
            "ok,ok"
        ),
        ("camt053/valid_example_v8.xml", "charge CHF 2 563.25; refund EUR 1 20.97", "", 0, "FAILED,ok"),
        (
            "camt053/valid_example_with_batch.xml", "charge EUR 2 7688.00",
            "batch booking without transaction details EUR 1 -475374", 0, "FAILED,FAILED"
        ),
        // a CLBD and no opening balance: "balance not checked", then its TxsSummry fails
        ("camt053/valid_example_with_datetime.xml", "charge USD 1 195.86", "", 0, "ok,FAILED"),
        (
            "camt054/200519_camt.054-Debit_P_CH2909000000250094239_1110092692_0_2019042401501580.xml", "refund CHF 1 913.00", "",
            0, "ok"
        ),
        (
            "camt054/200519_camt054-ESR-ASR_P_CH2909000000250094239_1110092704_0_2019042500372179.xml",
            "charge CHF 5 1537.00; refund CHF 1 147.00", "", 0, "ok"
        ),
        (
            "camt054/200519_camt054-returns_p_ch2909000000250094239_1109800798_0_2019052023472022.xml", "charge CHF 1 400.00", "",
            0, "ok"
        ),
        (
            "camt054/FI_camt_054_sample.xml.xml", "charge EUR 6 5500.00; refund EUR 5 5230.05", "reversal (RvslInd) EUR 1 10000",
            0, "FAILED,ok"
        ),
        ("camt054/camt054.v2.xml", "", "", 3, ""),
        ("camt054/camt054.v4.xml", "charge CHF 3 9.50", "", 0, "FAILED"),
        ("camt054/camt054.v8-with-UETR.xml", "refund SEK 1 200000.00", "", 0, ""),
        ("camt054/camt054.v8.xml", "charge CHF 3 9.50", "", 0, "FAILED"),
        ("camt054/test-camt054", "charge EUR 1 5.00", "", 0, "ok"),
        ("camt054/valid_example.xml", "charge CHF 3 80.56", "reversal (RvslInd) CHF 2 -2153", 0, "ok"),
    ]

    static var present: Bool { SharedSamples.enabled("camt053") && SharedSamples.enabled("camt054") }

    @Test(.enabled(if: present), arguments: expectations.map(\.0))
    func sample(_ name: String) throws {
        let expected = try #require(Self.expectations.first { $0.0 == name })
        let message: CamtReader.Message = name.hasPrefix("camt053/") ? .statement : .notification
        var sink = CollectingSink()
        try CamtReader(message: message).read(
            SettlementFile(path: Self.samples.appendingPathComponent(name).path, index: 0), into: &sink, progress: { _ in })
        #expect(Self.transactions(sink) == expected.1)
        #expect(Self.listed(sink) == expected.2)
        #expect(sink.rejects.count == expected.3, "\(sink.rejects)")
        #expect(sink.controls.map { $0.ok ? "ok" : "FAILED" }.joined(separator: ",") == expected.4, "\(sink.controls)")
    }

    @Test(.enabled(if: present)) func everySampleIsInTheTable() throws {
        var names: [String] = []
        for folder in ["camt053", "camt054"] {
            let files = try FileManager.default.contentsOfDirectory(atPath: Self.samples.appendingPathComponent(folder).path)
            names += files.map { "\(folder)/\($0)" }
        }
        #expect(names.sorted() == Self.expectations.map(\.0).sorted())
    }

    @Test(.enabled(if: present)) func aStatementWithOnlyAClosingBalanceSaysItsBalanceIsNotChecked() throws {
        var sink = CollectingSink()
        let path = Self.samples.appendingPathComponent("camt053/valid_example_with_datetime.xml").path
        try CamtReader(message: .statement).read(SettlementFile(path: path, index: 0), into: &sink, progress: { _ in })
        let note = try #require(sink.controls.first)
        #expect(note.name.hasSuffix(": balance not checked"))
        #expect(note.ok)
        #expect(note.actual == "not checked: the statement's balances are CLBD")
    }

    @Test(.enabled(if: present)) func thePostFinanceStatementBalancesOnlyByValueDate() throws {
        var sink = CollectingSink()
        let path = Self.samples.appendingPathComponent(
            "camt053/camt.053_P_CH2909000000250094239_1110092698_0_2020112503071366.xml"
        ).path
        try CamtReader(message: .statement).read(SettlementFile(path: path, index: 0), into: &sink, progress: { _ in })
        #expect(sink.controls[0].actual.contains("counting entries valued on or before 2020-11-24"))
        // its second entry is booked DBIT but itemised CRDT: the batch control says so
        #expect(sink.controls[1].actual == "1 off (line 110)")
    }

    @Test(.enabled(if: present)) func theFinnishNotificationKeepsItsLineNumbersDespiteCROnlyLineEnds() throws {
        var sink = CollectingSink()
        let path = Self.samples.appendingPathComponent("camt054/FI_camt_054_sample.xml.xml").path
        try CamtReader(message: .notification).read(SettlementFile(path: path, index: 0), into: &sink, progress: { _ in })
        #expect(sink.transactions.first?.location.line == 157)
        #expect(Set(sink.transactions.map(\.location.line)).count == sink.transactions.count)
    }

    static func transactions(_ sink: CollectingSink) -> String {
        let groups = Dictionary(grouping: sink.transactions) { "\($0.kind.name) \($0.amount.currency.code)" }
        return groups.keys.sorted().map { key in
            let items = groups[key]!
            let sum = items.reduce(Int64(0)) { $0 + $1.amount.minor }
            return "\(key) \(items.count) \(MoneyFormatter.decimal(sum, exponent: items[0].amount.currency.exponent))"
        }.joined(separator: "; ")
    }

    static func listed(_ sink: CollectingSink) -> String {
        let groups = Dictionary(grouping: sink.nonTransactions) { "\($0.category) \($0.currency.code)" }
        return groups.keys.sorted().map { key in
            "\(key) \(groups[key]!.count) \(groups[key]!.reduce(Int64(0)) { $0 + $1.gross })"
        }.joined(separator: "; ")
    }
}
