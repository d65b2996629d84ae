import Foundation
import TallyTestFixtures
import TallyTestSupport
import Testing

/// `tally inspect` on the bank formats through the built binary: every BAI2 and MT940/MT942 sample
/// is detected and read with exit 0 and the same JSON document as the other formats; a legacy 8-bit
/// file says how it was read; a file that is no bank file exits 65 naming its line.
@Suite struct BankInspectCommandTests {
    let cli = CommandLineTests()
    static let shared = SharedSamples.root

    @Test(.enabled(if: SharedSamples.enabled("bai2") && SharedSamples.enabled("mt940")), arguments: ["bai2", "mt940"])
    func everySampleIsDetectedAndReadWithExitZero(_ folder: String) throws {
        let directory = Self.shared.appendingPathComponent(folder)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(!files.isEmpty)
        for name in files {
            let result = try cli.tally(["inspect", directory.appendingPathComponent(name).path, "--json"])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            for key in ["format", "transactions", "non_transactions", "controls", "rejects", "warnings"] {
                #expect(object?[key] != nil, "\(name): \(key)")
            }
            let allowed = folder == "bai2" ? ["bai2"] : ["mt940", "mt942"]
            #expect(allowed.contains(object?["format"] as? String ?? ""), "\(name)")
            #expect(object?["detected"] as? Bool == true, "\(name)")
        }
    }

    @Test(.enabled(if: SharedSamples.enabled("mt940"))) func aLatinOneFileIsReadAndSaysSo() throws {
        let path = Self.shared.appendingPathComponent("mt940/cmxl__mt940-iso8859-1.txt").path
        let text = try cli.tally(["inspect", path])
        #expect(text.status == 0)
        #expect(text.stdout.contains("warning: \(path): not UTF-8 from line 9 on: read as Windows-1252 (ISO-8859-1)"))
        let json = try cli.tally(["inspect", path, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect((object["warnings"] as? [String])?.count == 1)
    }

    @Test func aBAI2FileStartingWithAContinuationExits65() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-bank-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("orphan.bai2")
        try Data("88,TEXT/\n01,A,B,240101,0600,1,,,2/\n99,0,0,2/\n".utf8).write(to: file)
        let result = try cli.tally(["inspect", "--format", "bai2", file.path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("\(file.path):1: not a BAI2 file: it starts with an 88 continuation"))
    }
}
