import Foundation
import TallyCore

/// A settlement file path with date placeholders: `{date}` (YYYY-MM-DD), `{yyyy}`, `{mm}`, `{dd}`.
///
/// ```swift
/// FilePattern("inbox/stripe/{date}.csv").path(for: CivilDate(iso: "2026-03-10")!)   // inbox/stripe/2026-03-10.csv
/// ```
public struct FilePattern: Sendable, Hashable {
    public var pattern: String

    public init(_ pattern: String) { self.pattern = pattern }

    /// Whether the pattern names a day at all.
    public var hasPlaceholder: Bool {
        ["{date}", "{yyyy}", "{mm}", "{dd}"].contains { pattern.contains($0) }
    }

    public func path(for date: CivilDate) -> String {
        let text = date.description
        let parts = text.split(separator: "-").map(String.init)
        return
            pattern
            .replacingAll("{date}", with: text)
            .replacingAll("{yyyy}", with: parts[0])
            .replacingAll("{mm}", with: parts[1])
            .replacingAll("{dd}", with: parts[2])
    }

    /// Every day of `[from, to]`, in order.
    public static func days(from: CivilDate, to: CivilDate) -> [CivilDate] {
        guard from <= to else { return [] }
        return (from.daysSinceEpoch...to.daysSinceEpoch).map { CivilDate(daysSinceEpoch: $0) }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
