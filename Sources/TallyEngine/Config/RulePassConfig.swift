import TallyCore
import TallyYAML
import Yams

/// Reads a provider's `matching:` list (docs/matching.md, "Rule passes"), every problem with its
/// key path (`providers.bank.matching[1].days_before: expected a whole number`).
enum RulePassConfig {
    static let passKeys = [
        "name", "pass", "from", "pattern", "ledger_field", "days_before", "days_after", "tolerance", "outcome", "max_items",
    ]
    static let keysOf: [String: [String]] = [
        "reference": ["name", "pass", "from", "pattern", "ledger_field", "outcome"],
        "amount_date": ["name", "pass", "days_before", "days_after", "tolerance", "outcome"],
        "group": ["name", "pass", "max_items", "days_before", "days_after", "outcome"],
    ]

    static func read(_ node: Node, _ reader: YAMLReader, at base: String) -> [RulePass] {
        guard let list = node.sequence else {
            reader.problem(base, "expected a list of passes (- name: …, pass: reference|amount_date|group)")
            return []
        }
        var passes: [RulePass] = []
        var names = Set<String>()
        for (number, item) in list.enumerated() {
            let at = "\(base)[\(number)]."
            guard let map = item.mapping else {
                reader.problem("\(base)[\(number)]", "expected a mapping with name: and pass:")
                continue
            }
            let kind = reader.choice(map, "pass", ["reference", "amount_date", "group"], at: at)
            if map["pass"] == nil { reader.problem("\(at)pass", "missing; one of reference, amount_date, group") }
            reader.allow(map, keys: kind.flatMap { keysOf[$0] } ?? passKeys, at: at) { key in
                guard let kind, passKeys.contains(key) else { return nil }
                return "not a key of a \(kind) pass (expected one of \(keysOf[kind]!.joined(separator: ", ")))"
            }
            let name = reader.text(map, "name", at: at)
            if map["name"] == nil { reader.problem("\(at)name", "missing; the pass's name shown in reports and explain") }
            if let name {
                if name == RulePass.keyPassName { reader.problem("\(at)name", "'key' is the key pass's own name") }
                if !names.insert(name).inserted { reader.problem("\(at)name", "'\(name)' names an earlier pass too") }
            }
            let outcome = reader.choice(map, "outcome", RulePass.Outcome.allCases.map(\.rawValue), at: at)
                .flatMap(RulePass.Outcome.init(rawValue:))
            let window = RulePass.DayWindow(
                before: Int(reader.integer(map, "days_before", in: 0...366, at: at) ?? 3),
                after: Int(reader.integer(map, "days_after", in: 0...366, at: at) ?? 0))
            var method: RulePass.Method?
            switch kind {
            case "reference":
                let from = reader.choice(map, "from", LineField.allCases.map(\.rawValue), at: at).flatMap(
                    LineField.init(rawValue:))
                let pattern = reader.text(map, "pattern", at: at)
                if let pattern, (try? Regex(pattern)) == nil {
                    reader.problem("\(at)pattern", "'\(pattern)' is not a regular expression")
                }
                let field = reader.choice(map, "ledger_field", RulePass.LedgerField.allCases.map(\.rawValue), at: at)
                    .flatMap(RulePass.LedgerField.init(rawValue:))
                method = .reference(from: from ?? .remittance, pattern: pattern, ledgerField: field ?? .providerRef)
            case "amount_date":
                method = .amountDate(window: window, tolerance: tolerance(map, reader, at: at) ?? .minor(0))
            case "group":
                let items = reader.integer(map, "max_items", in: 2...8, at: at).map(Int.init) ?? 4
                method = .group(maxItems: items, window: window)
            default:
                break
            }
            if let name, let method { passes.append(RulePass(name: name, method: method, outcome: outcome)) }
        }
        return passes
    }

    /// `tolerance: 5` (minor units) or `tolerance: '0.5%'` (of the line's amount, to 0.01 %).
    static func tolerance(_ map: Node.Mapping, _ reader: YAMLReader, at base: String) -> RulePass.AmountTolerance? {
        guard let text = reader.text(map, "tolerance", at: base) else { return nil }
        if let minor = Int64(text), minor >= 0 { return .minor(minor) }
        if text.hasSuffix("%"), let points = basisPoints(String(text.dropLast())) { return .basisPoints(points) }
        reader.problem(
            "\(base)tolerance", "'\(text)' is neither minor units (5) nor a percentage with at most two decimals ('0.5%')")
        return nil
    }

    /// `0.5` → 50: a non-negative decimal with at most two decimals, digit by digit, at most 100 %.
    static func basisPoints(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int64(parts[0]), whole >= 0, !parts[0].contains("-"), !parts[0].contains("+") else {
            return nil
        }
        var fraction: Int64 = 0
        if parts.count == 2 {
            guard (1...2).contains(parts[1].count), parts[1].allSatisfy(\.isASCII), let digits = Int64(parts[1]), digits >= 0
            else {
                return nil
            }
            fraction = parts[1].count == 1 ? digits * 10 : digits
        }
        let points = whole * 100 + fraction
        return points <= 10_000 ? points : nil
    }
}
