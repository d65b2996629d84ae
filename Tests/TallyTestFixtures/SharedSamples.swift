import Foundation

/// `../shared/provider-samples`, the public provider files the conformance tests read: beside the
/// checkout on a developer's machine and in CI, absent from a plain clone (their licences keep them
/// out of the repository).
///
/// A test that reads them is enabled by ``enabled(_:)``: when the folder is missing it says so in
/// one loud line and skips, unless `TALLY_REQUIRE_SAMPLES=1` (which `.ci/run` sets), where the test
/// runs anyway and fails on the missing files.
public enum SharedSamples {
    public static let root = Checkout.root.deletingLastPathComponent().appendingPathComponent("shared/provider-samples")

    /// Whether `TALLY_REQUIRE_SAMPLES=1` makes missing samples a failure.
    public static var required: Bool { ProcessInfo.processInfo.environment["TALLY_REQUIRE_SAMPLES"] == "1" }

    /// Whether the tests of one sample folder run.
    public static func enabled(_ folder: String) -> Bool {
        if FileManager.default.fileExists(atPath: root.appendingPathComponent(folder).path) { return true }
        if required { return true }
        _ = warnedOnce
        return false
    }

    private static let warnedOnce: Void = {
        FileHandle.standardError.write(
            Data(
                "SKIPPING the provider-sample conformance tests: \(root.path) is missing (set TALLY_REQUIRE_SAMPLES=1 to fail instead)\n"
                    .utf8))
    }()
}
