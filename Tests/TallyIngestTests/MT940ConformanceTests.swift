import Foundation
import TallyCore
import TallyTestFixtures
import Testing

@testable import TallyIngest

/// Every MT940 and MT942 sample in ../shared/provider-samples/mt940, read and summarised: transactions
/// "kind CCY count sum", listed lines "category CCY count gross_minor", rejects, the controls in
/// order, and for a file whose own balances are wrong, which ones and why (from the folder's
/// SOURCES.md, checked there with an independent checker and the PyPI parser). Each is detected by
/// content. Skipped loudly when the folder is absent.
@Suite struct MT940ConformanceTests {
    static let folder = SharedSamples.root.appendingPathComponent("mt940")
    static var present: Bool { SharedSamples.enabled("mt940") }

    /// (file, format, transactions, listed lines, rejects, controls, why a control fails)
    static let expectations: [BankSamples.Expectation] = [
        (
            "betterplace__sepa_mt9401.txt", .mt940, "charge EUR 41 5188474.94; refund EUR 54 14457201.08",
            "mt940 reversal RC EUR 2 -40976", 0,
            "ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok", ""
        ),
        ("cmxl__mt940-handelsbank.txt", .mt940, "", "", 0, "ok,ok", ""),
        ("cmxl__mt940-iso8859-1.txt", .mt940, "charge EUR 1 3000.00; refund EUR 1 800.00", "", 0, "ok", ""),
        (
            "cmxl__mt940.txt", .mt940, "charge EUR 1 3000.00; charge PLN 2 20040.00; refund EUR 1 800.00; refund PLN 1 10000.00",
            "", 22, "ok,ok,ok,ok", ""
        ),
        ("cmxl__mt942.txt", .mt942, "charge EUR 2 19584.00", "", 0, "ok,ok", ""),
        (
            "danske__MT940_DK_Example.sta", .mt940, "charge DKK 8 3910886.35; refund DKK 81 2538433.58", "", 0,
            "ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok", ""
        ),
        ("danske__MT940_FI_Example.sta", .mt940, "charge EUR 1 0.23; refund EUR 5 1357.33", "", 0, "ok", ""),
        (
            "danske__MT940_NO_Example.sta", .mt940, "charge NOK 10 3850474.29; refund NOK 14 1467825.27", "", 0,
            "ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok", ""
        ),
        (
            "danske__MT940_SE_Example.sta", .mt940, "charge SEK 17 12171690.29; refund SEK 86 1643294.69", "", 0,
            "ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok", ""
        ),
        (
            "jejik__abnamro.txt", .mt940, "refund EUR 10 345.93", "", 0, "FAILED,FAILED,FAILED",
            "edited: off by -2,038.00 and -1,002.60; page 19322/1 opens :60M: after a :62F:"
        ),
        ("jejik__commerzbank.txt", .mt940, "refund EUR 1 12.35", "", 0, "FAILED", "anonymised: 0.00 - 12.35 is not 0.00"),
        ("jejik__lbbw.txt", .mt940, "charge EUR 1 0.01; refund EUR 1 0.01", "", 0, "ok", ""),
        (
            "jejik__postfinance.txt", .mt940, "charge CHF 3 239.30; refund CHF 1 79.90", "", 0, "ok,FAILED,ok",
            "page 2 off by 0.20"
        ),
        (
            "jejik__rabobank.txt", .mt940, "refund EUR 5 1589.09", "", 0, "FAILED,ok,FAILED,ok",
            "2 of 4 statements edited: off by 1,135.93 and 236.56"
        ),
        (
            "jejik__sparkasse2.txt", .mt940, "", "mt940 reversal RD EUR 1 102725", 0, "FAILED",
            "edited: the RD reversal counted as a credit is off by -775.04"
        ),
        (
            "jejik__sparkasse3.txt", .mt940, "", "mt940 reversal RC EUR 1 -102725", 0, "FAILED",
            "edited: the RC reversal counted as a debit is off by 1,279.46"
        ),
        (
            "jejik__sparkasse_interim_balance.txt", .mt940, "refund EUR 2 40.00", "", 0, "ok,ok,ok,FAILED",
            "balances hold; page 00215/00129 opens with :60M: but no page 00215/00128 is in the file"
        ),
        ("jejik__volksbankenraiffeisenbanken.txt", .mt940, "charge EUR 12 745.00", "", 0, "ok,ok,ok,ok,ok,ok,ok,ok", ""),
        ("mt940rs__buxtehude.sta", .mt940, "refund EUR 3 141.04", "", 0, "FAILED", "edited: off by 100.00"),
        ("mt940rs__issue-51.sta", .mt940, "refund EUR 3 141.04", "", 0, "FAILED", "as buxtehude"),
        ("phpmt940-abn__sample2", .mt940, "refund EUR 4 812.00", "", 0, "FAILED", "edited: off by 601.50"),
        ("phpmt940-bunq__sample", .mt940, "charge EUR 26 761.66; refund EUR 85 788.33", "", 0, "ok", ""),
        (
            "phpmt940-hsbc__sample", .mt940, "refund HKD 1 20000.00", "", 0, "FAILED",
            "opening 0.00 and closing 0.00 around a 20,000.00 debit"
        ),
        ("phpmt940-kontist__sample", .mt940, "charge EUR 4 515.95; refund EUR 2 120.19", "", 0, "ok", ""),
        (
            "phpmt940-rabo__sample", .mt940,
            "charge EUR 21 137379.47; charge JPY 2 1640129; charge USD 3 165800.31; refund EUR 10 104587.96; refund JPY 2 486619; refund USD 1 1000.00",
            "", 0,
            "FAILED,ok,ok,FAILED,FAILED,FAILED,FAILED,FAILED,FAILED,FAILED,ok,ok,FAILED,FAILED,FAILED,FAILED,FAILED,FAILED,FAILED,FAILED,FAILED,FAILED,FAILED,FAILED,FAILED,FAILED,FAILED,FAILED,ok,ok,FAILED,FAILED,FAILED,FAILED,ok,ok,FAILED,ok,ok",
            "test data: 29 of 39 statements' balances jump without entries"
        ),
        ("phpmt940-spk__sample", .mt940, "charge EUR 9 932.00; refund EUR 1 16.68", "", 0, "ok,ok,ok,ok,ok", ""),
        ("phpmt940-zetb__sample", .mt940, "charge NGN 1 220000.00; refund NGN 7 223743.91", "", 0, "ok", ""),
        (
            "wolph-asnb__0708271685_09022020_164516.940.txt", .mt940, "charge EUR 3 2828.90; refund EUR 5 2771.96", "", 0,
            "ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok,ok", ""
        ),
        ("wolph-mbank__mt940.sta", .mt940, "charge PLN 3 0.03", "", 0, "ok", ""),
        ("wolph-mbank__mt942.sta", .mt942, "charge PLN 3 0.03", "", 0, "ok", ""),
        ("wolph-sberbank__171011_01234945.sta", .mt940, "refund HUF 3 9437.00", "", 0, "ok", ""),
        ("wolph-self__mt942.sta", .mt942, "refund EUR 1 0.42", "", 0, "FAILED", ":90D: says 1 debit of 2.30, the :61: is 0.42"),
        (
            "wolph-self__raiffeisen-cmi.sta", .mt940, "charge HUF 1 2066637.00; refund HUF 6 3078850.50", "", 0, "FAILED",
            "edited: off by 1,123,264.00"
        ),
        (
            "wolph-self__raphaelm.sta", .mt940, "", "", 9, "ok,ok,ok,FAILED",
            "balances hold; FinTS numbers both pages of the first statement 1/1 (no sequence step)"
        ),
        ("zilverline__knab_date_and_accounting_date_different_year.txt", .mt940, "charge EUR 1 1000.00", "", 0, "ok", ""),
        ("zilverline__moneyou.txt", .mt940, "charge EUR 2 11.76", "", 0, "ok", ""),
        ("zilverline__two_accounts.txt", .mt940, "charge EUR 1 250.00; refund EUR 2 6598.75", "", 0, "ok,ok,ok,ok", ""),
        ("zilverline__van_lanschot.txt", .mt940, "charge EUR 1 2716.76; refund EUR 3 2920.75", "", 0, "ok,ok,ok", ""),
    ]

    @Test(.enabled(if: present), arguments: expectations.map(\.0))
    func sample(_ name: String) throws {
        try BankSamples.check(try #require(Self.expectations.first { $0.0 == name }), in: Self.folder)
    }

    @Test(.enabled(if: present)) func everySampleIsInTheTable() throws {
        try BankSamples.checkTable(Self.expectations.map(\.0), in: Self.folder)
    }

    @Test(.enabled(if: present)) func anISO88591FileIsReadAsWrittenAndSaysSo() throws {
        let sink = try BankSamples.read(Self.folder.appendingPathComponent("cmxl__mt940-iso8859-1.txt").path, format: .mt940)
        #expect(sink.notices.count == 1)
        #expect(sink.notices.first?.contains("read as Windows-1252 (ISO-8859-1)") == true, "\(sink.notices)")
        #expect(sink.controls.allSatisfy { $0.ok })
    }

    @Test(.enabled(if: present)) func aNONREFCustomerReferenceFallsBackToTheBankReference() throws {
        let sink = try BankSamples.read(Self.folder.appendingPathComponent("wolph-mbank__mt942.sta").path, format: .mt942)
        #expect(sink.transactions.map(\.reference) == ["MB170119012058", "MB170119012085", "MB170119012121"])
    }
}
