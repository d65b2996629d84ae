import Foundation
import TallyTestFixtures
import Testing

/// CI (`TALLY_REQUIRE_SAMPLES=1`) fails when ../shared/provider-samples is missing, instead of
/// passing with every conformance test skipped.
@Suite struct SharedSamplesTests {
    @Test(arguments: [
        "adyen-settlement-detail", "camt053", "camt054", "checkoutcom", "paypal-stl", "stripe", "bai2", "mt940",
    ])
    func theSampleFoldersArePresentWhenRequired(_ folder: String) throws {
        let present = FileManager.default.fileExists(atPath: SharedSamples.root.appendingPathComponent(folder).path)
        if SharedSamples.required {
            #expect(present, "TALLY_REQUIRE_SAMPLES=1 but \(SharedSamples.root.path)/\(folder) is missing")
        } else if !present {
            #expect(!SharedSamples.enabled(folder))
        }
    }
}
