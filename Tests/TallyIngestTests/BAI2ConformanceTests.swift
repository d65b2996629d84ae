import Foundation
import TallyCore
import TallyTestFixtures
import Testing

@testable import TallyIngest

/// Every BAI2 sample in ../shared/provider-samples/bai2, read and summarised: transactions
/// "kind CCY count sum", listed lines "category CCY count gross_minor", rejects, the controls in
/// order, and for a file whose own trailers are wrong, which ones and why (from the folder's
/// SOURCES.md, checked there with an independent checker and the PyPI parser). Each is detected by
/// content. Skipped loudly when the folder is absent.
@Suite struct BAI2ConformanceTests {
    static let folder = SharedSamples.root.appendingPathComponent("bai2")
    static var present: Bool { SharedSamples.enabled("bai2") }

    /// (file, format, transactions, listed lines, rejects, controls, why a control fails)
    static let expectations: [BankSamples.Expectation] = [
        (
            "btrsvalidator__BAI2_invalid.txt", .bai2, "charge USD 1 153233.76",
            "bai2 type 998 USD 4 5555; bai2 type 999 USD 3 9999", 0,
            "FAILED,FAILED,FAILED,FAILED,FAILED,ok",
            "deliberately wrong trailers: 49s, 98s and the 99 (12 groups, 612 records for 2 and 29)"
        ),
        (
            "btrsvalidator__BAI2_valid.txt", .bai2, "", "bai2 type 890 USD 1 0", 0, "FAILED,FAILED,FAILED,ok",
            "49, 98 and 99 say 0.01, the amounts sum to 0"
        ),
        ("btrsvalidator__BTRS_invalid.txt", .bai2, "", "", 1, "ok,ok,ok,ok", ""),
        ("btrsvalidator__BTRS_valid.txt", .bai2, "", "bai2 type 890 USD 1 0", 0, "ok,ok,ok,ok", ""),
        ("btrsvalidator__emptyfile.txt", .bai2, "", "", 0, "FAILED,ok", "99 says 1 group and 7 records; the file has 0 and 2"),
        ("moj__account_trailer_amount_blank_example.bai2", .bai2, "", "", 0, "ok,ok,ok,ok,ok", ""),
        (
            "moj__citi_example.bai2", .bai2, "charge GBP 1 0.01", "", 0, "ok,FAILED,ok,ok,ok",
            "ledger: 010 = 015 = 100.00 although a 0.01 credit is listed"
        ),
        ("moj__nwb_example.bai2", .bai2, "charge GBP 1 0.89; refund GBP 4 27.65", "", 0, "ok,ok,ok,ok,ok", ""),
        ("moj__svb_us_example.bai2", .bai2, "charge USD 2 13959.96", "", 0, "ok,ok,ok,ok,ok,ok,ok,ok", ""),
        (
            "moov@21f8a30__example.txt", .bai2, "charge USD 2 115000.00", "", 0, "FAILED,FAILED,FAILED,ok",
            "trailers copied from another file: 49 says 3 records for 6"
        ),
        ("moov@450ca8c__sample.txt", .bai2, "charge CAD 5 3200.00; refund CAD 12 3200.00", "", 0, "ok,ok,ok,ok,ok", ""),
        ("moov@cdd8c75__sample1-btrs.txt", .bai2, "charge CAD 5 3200.00; refund CAD 12 3200.00", "", 0, "ok,ok,ok,ok,ok", ""),
        ("moov__sample1.txt", .bai2, "charge CAD 5 3200.00; refund CAD 12 3200.00", "", 0, "ok,ok,ok,ok,ok", ""),
        ("moov__sample2.txt", .bai2, "charge USD 4 309500.00", "", 0, "ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok", ""),
        (
            "moov__sample3.txt", .bai2, "charge USD 13 397.13; refund USD 13 594.18", "", 0,
            "ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok", ""
        ),
        (
            "moov__sample4-continuations-newline-delimited.txt", .bai2, "charge USD 9 6007.31; refund USD 8 313490.55", "", 0,
            "ok,FAILED,FAILED,FAILED,ok,ok,FAILED,FAILED,ok",
            "test data: the 49s say 26 records for 18 and a total of -12,601,613,417.62; 98 says 4 accounts for 5"
        ),
        (
            "moov__sample5-issue113.txt", .bai2, "charge USD 11 37986021.19; refund USD 9 318125.17", "", 0,
            "ok,FAILED,FAILED,FAILED,ok,ok,FAILED,FAILED,ok", "as sample4"
        ),
        (
            "venturehacks@1982c4f__daily_with_missing_continuation.bai2", .bai2, "charge USD 1 250.01", "", 0,
            "FAILED,FAILED,FAILED,FAILED,ok", "an 88 removed: 49 says 7 records, 6 are present; ledger fails too"
        ),
        ("venturehacks@1d5fadb__Daily_BAI2_Account_sample.txt", .bai2, "charge USD 1 250.01", "", 0, "ok,ok,ok,ok", ""),
        (
            "venturehacks@1d5fadb__EOD_BAI2_wire_info_sample.TXT", .bai2, "charge USD 1 83259.82", "", 0,
            "FAILED,FAILED,FAILED,ok",
            "the bank's own counts are one short: 49 says 12 records, the account has 13"
        ),
        ("venturehacks__eod.bai2", .bai2, "charge USD 1 83259.82", "", 0, "ok,ok,ok,ok", ""),
        (
            "zeptofs__daily_with_summary.bai2", .bai2, "charge USD 1 250.01", "", 0, "ok,FAILED,ok,ok,ok",
            "ledger: 010 = 015 = 0 with a 250.01 credit"
        ),
        ("zeptofs__eod_with_slash_in_text.bai2", .bai2, "charge USD 1 83259.82", "", 0, "ok,ok,ok,ok", ""),
        ("zeptofs__eod_without_as_of_time.bai2", .bai2, "charge USD 1 83259.82", "", 0, "ok,ok,ok,ok", ""),
        ("zeptofs__group_trailer_without_number_of_accounts.bai2", .bai2, "charge USD 1 250.01", "", 0, "ok,ok,ok,ok", ""),
        (
            "zeptofs__invalid_checksum_eod.bai2", .bai2, "charge USD 1 83259.82", "", 0, "FAILED,FAILED,FAILED,ok",
            "49, 98 and 99 totals 0.01 too high (83259.83 for 83259.82)"
        ),
    ]

    @Test(.enabled(if: present), arguments: expectations.map(\.0))
    func sample(_ name: String) throws {
        try BankSamples.check(try #require(Self.expectations.first { $0.0 == name }), in: Self.folder)
    }

    @Test(.enabled(if: present)) func everySampleIsInTheTable() throws {
        try BankSamples.checkTable(Self.expectations.map(\.0), in: Self.folder)
    }

    @Test(.enabled(if: present)) func theInvalidChecksumSampleSaysWhichTotalIsOff() throws {
        let sink = try BankSamples.read(
            Self.folder.appendingPathComponent("zeptofs__invalid_checksum_eod.bai2").path, format: .bai2)
        let account = try #require(sink.controls.first)
        #expect(account.name == "bai2 account 3333333333 (line 3): 49 account trailer")
        #expect(account.expected == "control total 83259.83; records 13")
        #expect(account.actual == "control total 83259.82; records 13")
    }

    @Test(.enabled(if: present)) func referencesAreTheCustomerReferenceThenTheBankReference() throws {
        let sink = try BankSamples.read(Self.folder.appendingPathComponent("moj__citi_example.bai2").path, format: .bai2)
        #expect(sink.transactions.map(\.reference) == ["RP12312312312312"])
        let svb = try BankSamples.read(Self.folder.appendingPathComponent("moj__svb_us_example.bai2").path, format: .bai2)
        #expect(svb.transactions.map(\.reference) == ["172629", "150675"])
        #expect(svb.transactions.map(\.location.line) == [7, 16])
    }
}
