import Foundation

/// Zero-padding for the seconds in stage timings ("0.07 s") and hashes in object names.
extension String {
    /// The text with leading zeros up to `width` characters.
    public func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
