import Crypto
import Foundation
import Testing

@testable import TallyIngest

/// The file digest computed a slice at a time equals the digest of the whole file.
@Suite struct SettlementFileDigestTests {
    func file(_ bytes: [UInt8]) throws -> SettlementFile {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tally-digest-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return SettlementFile(path: path, index: 0)
    }

    @Test(arguments: [0, 1, (1 << 20) - 1, 1 << 20, (5 << 19) + 3])
    func slicesAddUpToTheWholeFile(size: Int) throws {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        let file = try file(bytes)
        defer { try? FileManager.default.removeItem(atPath: file.path) }
        let expected = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()

        let digester = try SettlementFile.Digester(file)
        var slices = 0
        while try digester.step() { slices += 1 }
        #expect(slices == (size + (1 << 20) - 1) >> 20)
        #expect(digester.hex == expected)
        #expect(try digester.step() == false)  // done stays done
        #expect(try file.sha256() == expected)
    }
}
