import Foundation
import TallyReport
import TallyTestFixtures
import Testing

/// report.json, breaks.csv and report.html of ``ReportFixture/everyShape(hostile:dryRun:)`` — a break
/// of every class, controls, rejects, payouts, fees, resolved, persisting and earlier open items —
/// byte for byte as they were when the files in `Golden/` were written. Any change to a report's
/// bytes, wanted or not, shows here as a diff; a wanted one is recorded with
/// `TALLY_UPDATE_GOLDEN=1 swift test --filter ReportGoldenTests` and reviewed in the commit.
@Suite struct ReportGoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    @Test(arguments: ["report.json", "breaks.csv", "report.html"])
    func everyShapeIsByteIdentical(_ name: String) throws {
        let rendered = try ReportWriter.render(ReportFixture.everyShape())
        let bytes = try #require(rendered.files.first { $0.name == name }?.bytes, "ReportWriter wrote no \(name)")
        let golden = Self.folder.appendingPathComponent("every-shape." + name)
        if ProcessInfo.processInfo.environment["TALLY_UPDATE_GOLDEN"] == "1" {
            try Data(bytes).write(to: golden)
        }
        let expected = try [UInt8](Data(contentsOf: golden))
        #expect(bytes.count > 1_000, "\(name) is suspiciously short: \(bytes.count) bytes")
        #expect(bytes == expected, "\(name) differs from \(golden.path) at byte \(Self.firstDifference(bytes, expected))")
    }

    /// The offset of the first differing byte, with a little context, for the failure message.
    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
        let common = zip(a, b).prefix { $0 == $1 }.count
        let window = { (bytes: [UInt8]) in
            String(decoding: bytes[min(common, bytes.count)..<min(common + 80, bytes.count)], as: UTF8.self)
        }
        return "\(common) (lengths \(a.count) and \(b.count)): got «\(window(a))», golden «\(window(b))»"
    }
}
