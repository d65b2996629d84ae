import Foundation
import Testing

@testable import TallyIngest

/// The file digest computed a slice at a time equals the digest of the whole file, as coreutils'
/// `sha256sum` (another implementation than Tally's libcrypto) computes it.
@Suite struct SettlementFileDigestTests {
    static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output.prefix(64), as: UTF8.self)
    }

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
        let expected = try Self.sha256sum(file.path)

        let digester = try SettlementFile.Digester(file)
        var slices = 0
        while try digester.step() { slices += 1 }
        #expect(slices == (size + (1 << 20) - 1) >> 20)
        #expect(digester.hex == expected)
        #expect(try digester.step() == false)  // done stays done
        #expect(try file.sha256() == expected)
    }
}
