import Foundation
import TallyCore
import TallyTestFixtures
import Testing

@testable import TallyIngest

/// `--format csv --mapping`: the mapping's validation and the reader on the shipped examples.
@Suite struct MappedCSVTests {
    static let samples = Checkout.root.appendingPathComponent("samples/mappings")
    static let shared = SharedSamples.root

    func read(_ path: String, mapping: CSVMapping) throws -> CollectingSink {
        var sink = CollectingSink()
        try MappedCSVReader(mapping: mapping).read(SettlementFile(path: path, index: 0), into: &sink, progress: { _ in })
        return sink
    }

    @Test(.enabled(if: SharedSamples.enabled("checkoutcom"))) func checkoutComSettlementBreakdown() throws {
        let mapping = try CSVMapping.load(path: Self.samples.appendingPathComponent("checkoutcom.yml").path)
        let sink = try read(
            Self.shared.appendingPathComponent(
                "checkoutcom/settlement-breakdown_ent_testcheckoutfixture_20260702_00000003k599_1.csv"
            ).path,
            mapping: mapping)
        #expect(
            sink.transactions.map(\.reference) == [
                "pay_test_charge_001", "pay_test_charge_002", "pay_test_charge_003", "pay_test_fee_001",
            ])
        #expect(sink.transactions.map(\.amount.minor).reduce(0, +) == 8_500)
        #expect(
            Set(sink.nonTransactions.map(\.category)) == [
                "Account Updater", "Merchant Payout", "Network Token Provisioning", "Network Token Update", "Void",
            ])
        #expect(sink.rejects.isEmpty)
    }

    @Test func bankExportWithPreambleDecimalCommaAndDebitCredit() throws {
        let mapping = try CSVMapping.load(path: Self.samples.appendingPathComponent("bank-export.yml").path)
        let sink = try read(Self.samples.appendingPathComponent("bank-export.csv").path, mapping: mapping)
        #expect(sink.transactions.map(\.reference) == ["ch_bank_0001", "ch_bank_0002", "re_bank_0003"])
        #expect(sink.transactions.map(\.amount.minor) == [12_550, 123_400, 2_550])
        #expect(sink.transactions.map(\.kind) == [.charge, .charge, .refund])
        #expect(sink.transactions.map(\.location.line) == [4, 5, 6])
        #expect(sink.nonTransactions.map(\.gross) == [-490])
    }

    @Test(arguments: [
        (
            "reference: r\nkind: {column: T, values: {A: charge}}\namount: {column: G}\ncurrency: {column: C}\nextra: 1\n",
            "extra: unknown key"
        ),
        ("kind: {column: T, values: {A: charge}}\namount: {column: G}\ncurrency: {column: C}\n", "reference: required"),
        (
            "reference: r\nkind: {column: T, values: {A: charges}}\namount: {column: G}\ncurrency: {column: C}\n",
            "kind.values.A: expected charge"
        ),
        ("reference: r\nkind: {column: T}\namount: {column: G}\ncurrency: {column: C}\n", "kind.values: required"),
        (
            "reference: r\nkind: charge\namount: {debit: D}\ncurrency: {column: C}\n",
            "amount: expected either column, or both debit and credit"
        ),
        (
            "reference: r\nkind: charge\namount: {column: G, minor_units: maybe}\ncurrency: {column: C}\n",
            "amount.minor_units: expected true or false"
        ),
        ("reference: r\nkind: charge\namount: G\ncurrency: {constant: EURO}\n", "currency.constant: expected an ISO 4217 code"),
        ("reference: r\nkind: charge\namount: G\ncurrency: C\ndelimiter: ';;'\n", "delimiter: expected one character"),
        (
            "reference: r\nkind: charge\namount: G\ncurrency: C\ndecimal_separator: ';'\n",
            "decimal_separator: expected '.' or ','"
        ),
        ("reference: r\nkind: charge\namount: G\ncurrency: C\nskip_rows: -1\n", "skip_rows: expected a whole number"),
        (
            "reference: r\nkind: charge\namount: G\ncurrency: C\ntimestamp: {column: T, format: yyyy-MM}\n",
            "timestamp.format: the format needs yyyy, MM and dd"
        ),
        ("- just\n- a list\n", "expected a mapping of keys at the top level"),
    ])
    func mappingProblemsNameTheirKey(_ yaml: String, _ message: String) {
        let error = #expect(throws: MappingError.self) { try CSVMapping.parse(yaml) }
        #expect(error?.problems.contains { $0.contains(message) } == true, "\(String(describing: error?.problems))")
    }

    @Test func everyProblemIsReportedAtOnce() {
        let error = #expect(throws: MappingError.self) {
            try CSVMapping.parse(
                "reference: r\nkind: {column: T, values: {A: x}}\namount: {debit: D}\ncurrency: {constant: XX}\n")
        }
        #expect(error?.problems.count == 3)
    }

    @Test func theHeaderMustHoldTheMappedColumns() throws {
        let mapping = try CSVMapping.parse("reference: Ref\nkind: charge\namount: Gross\ncurrency: Currency\n")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mapped-\(UUID().uuidString).csv")
        try Data("Ref,Amount,Currency\nx,1,EUR\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: IngestError.self) { try read(url.path, mapping: mapping) }
        #expect(error?.description.contains("'Gross'") == true)
    }

    @Test(arguments: [
        ("yyyy-MM-dd'T'HH:mm:ss.SSS", "2026-07-01T10:00:00.123", "2026-07-01T10:00:00.123000Z"),
        ("dd.MM.yyyy", "10.03.2026", "2026-03-10T00:00:00Z"),
        ("MM/dd/yyyy HH:mm", "03/10/2026 23:59", "2026-03-10T23:59:00Z"),
    ])
    func timestampPatterns(_ pattern: String, _ text: String, _ iso: String) throws {
        var copy = text
        let parsed = try copy.withUTF8 { try TimestampPattern(pattern).parse($0) }
        #expect(parsed?.iso8601 == iso)
    }

    @Test func timestampPatternsRejectWhatDoesNotFit() throws {
        var copy = "31.02.2026"
        #expect(try copy.withUTF8 { try TimestampPattern("dd.MM.yyyy").parse($0) } == nil)
    }
}
