import Foundation

/// Zero-padding for the seconds in stage timings ("0.07 s").
extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
