import Foundation

/// A size in bytes as people write it: `1000000`, `512K`, `64MiB`, `2G`, `1.5GiB` (powers of 1024).
public enum ByteSize {
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        guard let value = Double(digits), value >= 0 else { return nil }
        let factor: Double
        switch unit {
        case "", "b": factor = 1
        case "k", "kb", "kib": factor = 1024
        case "m", "mb", "mib": factor = 1024 * 1024
        case "g", "gb", "gib": factor = 1024 * 1024 * 1024
        default: return nil
        }
        let bytes = value * factor
        guard bytes < Double(Int.max / 2) else { return nil }
        return Int(bytes.rounded())
    }
}
