import Yams

/// Reads the scalars out of a YAML document's mappings and collects every problem with its key
/// path (`providers.acmepay.lookback_days: expected a whole number`), instead of stopping at the
/// first, so one pass shows them all. Unknown keys are problems too, so a typo is never silence.
///
/// Key paths are written as a base ending in a dot (`providers.acmepay.`, or `""` at the top
/// level) followed by the key.
public final class YAMLReader {
    /// The problems so far, in the order found.
    public private(set) var problems: [String] = []

    public init() {}

    /// Records `path: text`.
    public func problem(_ path: String, _ text: String) { problems.append("\(path): \(text)") }

    /// Records problems already written with their key paths (from a nested reader or a check).
    public func problems(_ more: [String]) { problems += more }

    /// Reports each key of `map` that is not one of `keys`; `refusal` may give a key its own message.
    public func allow(
        _ map: Node.Mapping, keys: [String], at base: String, refusal: (String) -> String? = { _ in nil }
    ) {
        for key in map.keys {
            let name = key.string ?? "?"
            guard !keys.contains(name) else { continue }
            problem("\(base)\(name)", refusal(name) ?? "unknown key (expected one of \(keys.joined(separator: ", ")))")
        }
    }

    /// A non-empty scalar, or nil when the key is absent (a problem when it is not text).
    public func text(_ map: Node.Mapping, _ key: String, at base: String) -> String? {
        guard let node = map[key] else { return nil }
        guard let text = node.scalar?.string, !text.isEmpty else {
            problem("\(base)\(key)", "expected a text value")
            return nil
        }
        return text
    }

    /// `true`/`yes`/`on` or `false`/`no`/`off`, in any case.
    public func flag(_ map: Node.Mapping, _ key: String, at base: String) -> Bool? {
        guard let text = text(map, key, at: base) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            problem("\(base)\(key)", "expected true or false, found '\(text)'")
            return nil
        }
    }

    /// One of `values`.
    public func choice(_ map: Node.Mapping, _ key: String, _ values: [String], at base: String) -> String? {
        guard let text = text(map, key, at: base) else { return nil }
        guard values.contains(text) else {
            problem("\(base)\(key)", "'\(text)' is not one of \(values.joined(separator: ", "))")
            return nil
        }
        return text
    }

    /// A whole number within `range`.
    public func integer(_ map: Node.Mapping, _ key: String, in range: ClosedRange<Int64>, at base: String) -> Int64? {
        guard let node = map[key] else { return nil }
        guard let text = node.scalar?.string, let value = Int64(text) else {
            problem("\(base)\(key)", "expected a whole number")
            return nil
        }
        guard range.contains(value) else {
            problem("\(base)\(key)", "\(value) is out of range \(range.lowerBound)…\(range.upperBound)")
            return nil
        }
        return value
    }
}
