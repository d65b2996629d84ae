import Foundation
import Testing

@testable import TallyIngest

/// `tally inspect` without `--format`: every provider sample is recognised from its first bytes.
@Suite struct FormatDetectorTests {
    static let folders: [(String, SettlementFormat)] = [
        ("stripe", .stripe), ("adyen-settlement-detail", .adyen), ("paypal-stl", .paypal),
    ]

    @Test(.enabled(if: ProviderSamples.available("paypal-stl")), arguments: folders)
    func recognisesEverySample(_ folder: String, _ format: SettlementFormat) throws {
        let directory = ProviderSamples.root.appendingPathComponent(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(!names.isEmpty)
        for name in names {
            let detected = try FormatDetector.detect(SettlementFile(path: directory.appendingPathComponent(name).path, index: 0))
            #expect(detected == format, "\(folder)/\(name)")
        }
    }

    @Test(
        arguments: [
            ("RH,2026/01/07 02:00:00 -0800,A,ACCT,009\n", SettlementFormat.paypal),
            ("\u{FEFF}SH,2026/01/06 00:00:00 -0800,2026/01/06 23:59:59 -0800,ACCT\n", .paypal),
            ("\"SH\",\"2026/01/06 00:00:00 -0800\"\n", .paypal),
            ("\u{FEFF}\"RH\",2025/12/24 02:21:10 -0800,\"A\"\n\"FH\",01\n", .paypal),
            ("CH,Transaction ID,Transaction Event Code\n", .paypal),
            ("CH,something else\n", nil),
            ("Company Account,Merchant Account,Psp Reference,Type\n", .adyen),
            ("balance_transaction_id,currency,gross,reporting_category\n", .stripe),
            ("SHIPPING,NAME\n", nil),
        ] as [(String, SettlementFormat?)])
    func recognisesFirstLines(_ text: String, _ format: SettlementFormat?) {
        #expect(FormatDetector.detect(prefix: Array(text.utf8)) == format)
    }

    @Test func recognisesUTF16WithoutABOM() {
        let bytes: [UInt8] = "SH,x\nCH,a\n".utf8.flatMap { byte -> [UInt8] in [byte, 0] }
        #expect(FormatDetector.detect(prefix: bytes) == .paypal)
    }
}
