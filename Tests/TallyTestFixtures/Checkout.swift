import Foundation

/// The checkout the tests were built from (for `samples/` and `fuzz/`), found from this file's path.
public enum Checkout {
    /// `Tests/TallyTestFixtures/Checkout.swift` → the checkout.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}
