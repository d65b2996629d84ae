import Foundation
import TallyTestFixtures
import TallyTestSupport
import Testing

/// Every Adyen and PayPal sample of ../shared/provider-samples through `tally inspect` (the built
/// binary): detected, read with exit 0, and the control outcome asserted (ok and failed counts,
/// the same values as the reader's conformance tables).
@Suite struct ProviderSampleInspectTests {
    let cli = CommandLineTests()
    static let shared = SharedSamples.root
    static var present: Bool { SharedSamples.enabled("paypal-stl") && SharedSamples.enabled("adyen-settlement-detail") }

    /// (folder, file, format, controls ok, controls failed, transactions).
    static let samples: [(String, String, String, Int, Int, Int)] = [
        ("adyen-settlement-detail", "settlement_detail_report_batch_1128.csv", "adyen", 2, 0, 11),
        ("adyen-settlement-detail", "settlement_detail_report_batch_1129.csv", "adyen", 2, 0, 13),
        ("adyen-settlement-detail", "deposit_correction__settlement_detail_report_batch_2.csv", "adyen", 1, 0, 1),
        ("adyen-settlement-detail", "refund_credit_fee__settlement_detail_report_batch.csv", "adyen", 1, 0, 2),
        ("adyen-settlement-detail", "refunded__settlement_detail_report_batch_4.csv", "adyen", 1, 0, 2),
        ("adyen-settlement-detail", "settlement_detail_report_donation.csv", "adyen", 1, 0, 1),
        ("adyen-settlement-detail", "chargeback_reversal__settlement_detail_report_batch_1120.csv", "adyen", 0, 1, 2),
        ("adyen-settlement-detail", "settlement_detail_report_refund.csv", "adyen", 0, 1, 1),
        ("adyen-settlement-detail", "settlement_detail_report_emptynetcredit.csv", "adyen", 0, 1, 1),
        ("adyen-settlement-detail", "settlement_detail_report_invoice_deduction.csv", "adyen", 0, 1, 0),
        ("adyen-settlement-detail", "settlement_detail_report_deposit_correction.csv", "adyen", 0, 1, 0),
        ("adyen-settlement-detail", "settlement_detail_report_chargeback_reversed.csv", "adyen", 0, 1, 0),
        ("paypal-stl", "STL-20260106.01.009.csv", "paypal", 9, 2, 3),
        ("paypal-stl", "STL-BRL-convert.csv", "paypal", 3, 0, 2),
        ("paypal-stl", "stl.csv", "paypal", 2, 6, 4),
        ("paypal-stl", "stl_brl_refund.csv", "paypal", 0, 1, 1),
        ("paypal-stl", "stl_chargeback_variants__STL-20260106.01.009.csv", "paypal", 2, 4, 3),
        ("paypal-stl", "stl_chargeback_with_fee.csv", "paypal", 0, 1, 1),
        ("paypal-stl", "stl_currency_convert.csv", "paypal", 0, 1, 1),
        ("paypal-stl", "stl_dr_payment.csv", "paypal", 1, 1, 1),
        ("paypal-stl", "stl_payout_currency_convert.csv", "paypal", 2, 2, 1),
    ]

    @Test(.enabled(if: ProviderSampleInspectTests.present), arguments: samples)
    func inspects(_ folder: String, _ name: String, _ format: String, _ ok: Int, _ failed: Int, _ transactions: Int) throws {
        let path = Self.shared.appendingPathComponent(folder).appendingPathComponent(name).path
        let result = try cli.tally(["inspect", path, "--json"])
        #expect(result.status == 0, "\(result.output)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(object["format"] as? String == format)
        #expect(object["detected"] as? Bool == true)
        let controls = object["controls"] as! [[String: Any]]
        #expect(controls.filter { $0["ok"] as? Bool == true }.count == ok)
        #expect(controls.filter { $0["ok"] as? Bool == false }.count == failed)
        #expect(object["transaction_count"] as? Int == transactions)
        #expect(object["reject_count"] as? Int == 0)
        // the text form says the same and exits 0 too
        let text = try cli.tally(["inspect", "--format", format, path])
        #expect(text.status == 0)
        #expect(text.stdout.contains("controls: \(ok) ok, \(failed) failed"))
    }

    @Test(.enabled(if: ProviderSampleInspectTests.present))
    func everySampleIsListed() throws {
        var listed: [String] = []
        for folder in ["adyen-settlement-detail", "paypal-stl"] {
            listed += try FileManager.default.contentsOfDirectory(atPath: Self.shared.appendingPathComponent(folder).path)
        }
        #expect(Set(listed) == Set(Self.samples.map(\.1)))
    }

    @Test(.enabled(if: ProviderSampleInspectTests.present))
    func refundsShowTheirPayment() throws {
        let path = Self.shared.appendingPathComponent("adyen-settlement-detail/settlement_detail_report_batch_1129.csv").path
        let result = try cli.tally(["inspect", path, "--records", "20", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let refund = (object["first_records"] as! [[String: Any]]).first { $0["kind"] as? String == "refund" }
        #expect(refund?["reference"] as? String == "7CHARGE12345682")
        #expect(refund?["original_reference"] as? String == "7ABCD12345678910")
        let text = try cli.tally(["inspect", path])
        #expect(text.stdout.contains("chargeback 1CHARGE12345678 25.00 USD (original payment 1ABCD12345678910)"))
    }
}
