import Foundation
import TallyTestFixtures
import TallyTestSupport
import Testing

/// `tally inspect` through the built binary: no database involved.
@Suite struct InspectCommandTests {
    let cli = CommandLineTests()
    static let samples = TestCluster.repositoryRoot.appendingPathComponent("samples/stripe")
    static let shared = SharedSamples.root

    @Test func detectsAndSummarisesAStripeReport() throws {
        let result = try cli.tally([
            "inspect", Self.samples.appendingPathComponent("acmepay_2026-03-10_2026-03-11.csv").path, "--json",
        ])
        #expect(result.status == 0, "\(result.output)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        for key in ["format", "transactions", "non_transactions", "controls", "rejects"] { #expect(object[key] != nil, "\(key)") }
        #expect(object["format"] as? String == "stripe")
        #expect(object["detected"] as? Bool == true)
        #expect(object["transaction_count"] as? Int == 278)
        let payouts = (object["non_transactions"] as! [[String: Any]]).filter { $0["category"] as? String == "payout" }
        #expect(payouts.map { $0["currency"] as! String }.sorted() == ["EUR", "USD"])
        let kwd = (object["transactions"] as! [[String: Any]]).first {
            $0["kind"] as? String == "charge" && $0["currency"] as? String == "KWD"
        }
        #expect((kwd?["amount"] as? String)?.split(separator: ".").last?.count == 3)
    }

    @Test(.enabled(if: SharedSamples.enabled("stripe"))) func aFailedControlStillExitsZero() throws {
        let result = try cli.tally(["inspect", Self.shared.appendingPathComponent("stripe/settlement_report.csv").path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("FAILED stripe: gross - fee = net on every line"))
    }

    @Test func rejectsAreListedWithLines() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-inspect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("s.csv")
        try Data("source_id,currency,gross,reporting_category\nch_1,eur,1.001,charge\nch_2,eur,2.00,charge\n".utf8).write(
            to: file)
        let result = try cli.tally(["inspect", "--format", "stripe", file.path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("line 2: gross '1.001'"))
        #expect(result.stdout.contains("charge EUR: 1, 2.00"))
    }

    /// The sample folders whose formats this build reads, with the format each is detected as.
    static let sampleFolders = [
        "stripe": "stripe", "camt053": "camt053", "camt054": "camt054", "adyen-settlement-detail": "adyen",
        "paypal-stl": "paypal",
    ]

    @Test(.enabled(if: sampleFolders.keys.allSatisfy(SharedSamples.enabled)), arguments: sampleFolders.keys.sorted())
    func everySampleIsReadAndDetected(_ folder: String) throws {
        let directory = Self.shared.appendingPathComponent(folder)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(!files.isEmpty)
        for name in files.sorted() {
            let path = directory.appendingPathComponent(name).path
            let result = try cli.tally(["inspect", path, "--json"])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            #expect(object?["format"] as? String == Self.sampleFolders[folder], "\(name)")
        }
    }

    @Test func aHostileXMLFileExits65WithAMessage() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-inspect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("xxe.xml")
        let xml =
            "<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
            + "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><Stmt><Id>&x;</Id></Stmt></BkToCstmrStmt></Document>"
        try Data(xml.utf8).write(to: file)
        let result = try cli.tally(["inspect", "--format", "camt053", file.path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("DOCTYPE"))
        #expect(result.stderr.contains(file.path))
        #expect(!result.output.contains("root:"))
    }

    @Test(arguments: [("/etc/hostname", Int32(65)), ("/no/such/file.csv", 66)])
    func unreadableFiles(_ path: String, _ status: Int32) throws {
        let result = try cli.tally(["inspect", path])
        #expect(result.status == status, "\(result.output)")
        #expect(result.stderr.contains(path))
    }
}
