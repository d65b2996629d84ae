import TallyCore
import TallyYAML
import Yams

/// Reads alert endpoints out of YAML nodes, collecting every problem with its key path instead of
/// stopping at the first; unknown keys are problems too, so a typo never silently disables a trigger.
struct RulesReader {
    let environment: [String: String]
    let readFile: (String) -> String?
    /// Where the problems are collected, with the helpers every YAML reader shares.
    let yaml = YAMLReader()

    init(environment: [String: String], readFile: @escaping (String) -> String?) {
        self.environment = environment
        self.readFile = readFile
    }

    var problems: [String] { yaml.problems }

    func problem(_ path: String, _ text: String) { yaml.problem(path, text) }

    func allow(_ map: Node.Mapping, _ keys: [String], at base: String) {
        yaml.allow(map, keys: keys, at: base) { name in
            name == "secret" || name == "url_secret"
                ? "secrets are never written in the configuration; use secret_env (an environment variable) or secret_file"
                : nil
        }
    }

    func text(_ map: Node.Mapping, _ key: String, at base: String) -> String? { yaml.text(map, key, at: base) }

    func number(_ map: Node.Mapping, _ key: String, at base: String, minimum: Double, exclusive: Bool = false)
        -> Double?
    {
        guard let text = text(map, key, at: base) else { return nil }
        guard let value = Double(text), value.isFinite, exclusive ? value > minimum : value >= minimum else {
            problem(
                "\(base)\(key)",
                "expected a number \(exclusive ? "above" : "of at least") \(Self.plain(minimum)), found '\(text)'")
            return nil
        }
        return value
    }

    func whole(_ map: Node.Mapping, _ key: String, at base: String, minimum: Int) -> Int? {
        guard let text = text(map, key, at: base) else { return nil }
        guard let value = Int(text), value >= minimum else {
            problem("\(base)\(key)", "expected a whole number of at least \(minimum), found '\(text)'")
            return nil
        }
        return value
    }

    func flag(_ map: Node.Mapping, _ key: String, at base: String) -> Bool? { yaml.flag(map, key, at: base) }

    static func plain(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// A value given literally, through an environment variable or in a file: exactly one of
    /// `key`, `key_env`, `key_file` (`literal: false` allows only the last two).
    func indirect(_ map: Node.Mapping, _ key: String, at base: String, literal: Bool, required: Bool) -> String? {
        let literalValue = literal ? text(map, key, at: base) : nil
        let variable = text(map, "\(key)_env", at: base)
        let file = text(map, "\(key)_file", at: base)
        let given = [literalValue, variable, file].compactMap { $0 }.count
        let choices = literal ? "\(key), \(key)_env or \(key)_file" : "\(key)_env or \(key)_file"
        if given > 1 {
            problem("\(base)\(key)", "give only one of \(choices)")
            return nil
        }
        if let literalValue { return literalValue }
        if let variable {
            guard let value = environment[variable], !value.isEmpty else {
                problem("\(base)\(key)_env", "the environment variable \(variable) is not set")
                return nil
            }
            return value
        }
        if let file {
            guard let value = readFile(file) else {
                problem("\(base)\(key)_file", "cannot read \(file)")
                return nil
            }
            return value
        }
        if required { problem("\(base)\(key)", "required: give \(choices)") }
        return nil
    }

    static let endpointKeys = [
        "name", "style", "url", "url_env", "url_file", "secret_env", "secret_file", "triggers", "retry", "timeouts",
    ]

    func endpoint(_ node: Node, at path: String) -> AlertEndpoint? {
        guard let map = node.mapping else {
            problem(path, "expected a mapping with name, url and triggers")
            return nil
        }
        let base = path + "."
        allow(map, Self.endpointKeys, at: base)
        let name = text(map, "name", at: base)
        if let name, !Self.isName(name) {
            problem("\(base)name", "'\(name)' is not a valid name; use letters, digits, '_', '-' or '.' (at most 63)")
        } else if name == nil && map["name"] == nil {
            problem("\(base)name", "required (a short stable name: the outbox refers to the endpoint by it)")
        }
        var style = AlertEndpoint.Style.standard
        if let text = text(map, "style", at: base) {
            if let value = AlertEndpoint.Style(rawValue: text) {
                style = value
            } else {
                problem("\(base)style", "expected standard or slack, found '\(text)'")
            }
        }
        var url: WebhookURL?
        if let text = indirect(map, "url", at: base, literal: true, required: true) {
            switch WebhookURL.parse(text) {
            case .success(let value): url = value
            case .failure(let reason): problem("\(base)url", reason.reason)
            }
        }
        var secret: WebhookSecret?
        if let text = indirect(map, "secret", at: base, literal: false, required: style == .standard) {
            switch WebhookSecret.parse(text) {
            case .success(let value): secret = value
            case .failure(let reason): problem("\(base)secret", reason.reason)
            }
        }
        let triggers = map["triggers"].map { self.triggers($0, at: "\(base)triggers") } ?? AlertTriggers()
        let retry = map["retry"].map { self.retry($0, at: "\(base)retry") } ?? RetryPolicy()
        let timeouts = map["timeouts"].map { self.timeouts($0, at: "\(base)timeouts") } ?? AlertEndpoint.Timeouts()
        guard let name, Self.isName(name), let url, style == .slack || secret != nil else { return nil }
        return AlertEndpoint(
            name: name, url: url, secret: secret, style: style, triggers: triggers, retry: retry, timeouts: timeouts)
    }

    static func isName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 63 && !name.hasPrefix(".")
            && name.utf8.allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F
                    || $0 == 0x2D || $0 == 0x2E
            }
    }

    static let triggerKeys = [
        "min_severity", "class_counts", "amount_at_risk", "match_rate_below", "failed_control", "escalate_after_days",
        "run_failure",
    ]

    /// Triggers as written: what is left out is off, except `run_failure`, on unless set false.
    func triggers(_ node: Node, at path: String) -> AlertTriggers {
        var triggers = AlertTriggers(minSeverity: nil, failedControl: false)
        guard let map = node.mapping else {
            problem(path, "expected a mapping of triggers (\(Self.triggerKeys.joined(separator: ", ")))")
            return triggers
        }
        let base = path + "."
        allow(map, Self.triggerKeys, at: base)
        if let text = text(map, "min_severity", at: base) {
            if let value = Severity(rawValue: text) {
                triggers.minSeverity = value
            } else {
                problem("\(base)min_severity", "expected info, medium or high, found '\(text)'")
            }
        }
        if let node = map["class_counts"] {
            if let counts = node.mapping {
                for (key, _) in counts {
                    let name = key.string ?? "?"
                    guard let breakClass = BreakClass(rawValue: name) else {
                        problem(
                            "\(base)class_counts.\(name)",
                            "not a break class (one of \(BreakClass.allCases.map(\.rawValue).joined(separator: ", ")))")
                        continue
                    }
                    if let count = whole(counts, name, at: "\(base)class_counts.", minimum: 1) {
                        triggers.classCounts[breakClass] = count
                    }
                }
            } else {
                problem("\(base)class_counts", "expected a mapping of break class to a count, e.g. { amount_mismatch: 1 }")
            }
        }
        if let node = map["amount_at_risk"] {
            if let amounts = node.mapping {
                for (key, value) in amounts {
                    let code = key.string ?? "?"
                    guard let currency = Currency(code: code) else {
                        problem("\(base)amount_at_risk.\(code)", "not an ISO 4217 currency code such as EUR")
                        continue
                    }
                    let text = value.scalar?.string ?? ""
                    do throws(MoneyError) {
                        let money = try Money(parsing: text, currency: currency)
                        guard money.minor > 0 else { throw .empty }
                        triggers.amountAtRisk[currency] = money.minor
                    } catch {
                        problem(
                            "\(base)amount_at_risk.\(code)",
                            "expected a positive amount in \(code) with at most \(currency.exponent) decimals, found '\(text)'")
                    }
                }
            } else {
                problem("\(base)amount_at_risk", "expected a mapping of currency to amount, e.g. { EUR: 1000.00 }")
            }
        }
        if let text = text(map, "match_rate_below", at: base) {
            if let value = Self.basisPoints(text) {
                triggers.matchRateBelowBasisPoints = value
            } else {
                problem("\(base)match_rate_below", "expected a percentage from 0 to 100 with at most 2 decimals, found '\(text)'")
            }
        }
        if let value = flag(map, "failed_control", at: base) { triggers.failedControl = value }
        if let days = whole(map, "escalate_after_days", at: base, minimum: 1) { triggers.escalateAfterDays = days }
        if let value = flag(map, "run_failure", at: base) { triggers.runFailure = value }
        return triggers
    }

    /// `"99.5"` → 9950; nil unless a decimal in [0, 100] with at most 2 decimals.
    static func basisPoints(_ text: String) -> Int? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int(parts[0]), whole >= 0 else { return nil }
        var fraction = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...2).contains(digits.count), let value = Int(digits), value >= 0 else { return nil }
            fraction = digits.count == 1 ? value * 10 : value
        }
        let total = whole * 100 + fraction
        return total <= 10_000 ? total : nil
    }

    func retry(_ node: Node, at path: String) -> RetryPolicy {
        var policy = RetryPolicy()
        guard let map = node.mapping else {
            problem(
                path, "expected a mapping with max_attempts, backoff_multiplier, initial_backoff_seconds, max_backoff_seconds")
            return policy
        }
        let base = path + "."
        allow(map, ["max_attempts", "backoff_multiplier", "initial_backoff_seconds", "max_backoff_seconds"], at: base)
        if let value = whole(map, "max_attempts", at: base, minimum: 1) { policy.maxAttempts = value }
        if let value = number(map, "backoff_multiplier", at: base, minimum: 1) { policy.backoffMultiplier = value }
        if let value = number(map, "initial_backoff_seconds", at: base, minimum: 0, exclusive: true) {
            policy.initialBackoffSeconds = value
        }
        if let value = number(map, "max_backoff_seconds", at: base, minimum: 0, exclusive: true) {
            policy.maxBackoffSeconds = value
        }
        if policy.maxBackoffSeconds < policy.initialBackoffSeconds {
            problem("\(base)max_backoff_seconds", "must be at least initial_backoff_seconds")
        }
        return policy
    }

    func timeouts(_ node: Node, at path: String) -> AlertEndpoint.Timeouts {
        var timeouts = AlertEndpoint.Timeouts()
        guard let map = node.mapping else {
            problem(path, "expected a mapping with connect_seconds and request_seconds")
            return timeouts
        }
        let base = path + "."
        allow(map, ["connect_seconds", "request_seconds"], at: base)
        if let value = number(map, "connect_seconds", at: base, minimum: 0, exclusive: true) { timeouts.connectSeconds = value }
        if let value = number(map, "request_seconds", at: base, minimum: 0, exclusive: true) { timeouts.requestSeconds = value }
        return timeouts
    }
}
