import Foundation
import TallyCore
import TallyYAML
import Yams

extension AlertRules {
    /// Reads an alert configuration file whose top level is `endpoints: [...]`.
    ///
    /// - Throws: ``AlertRulesError`` with every problem and its key path (exit 64).
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(AlertRulesError) -> AlertRules
    {
        let text: String
        do throws(YAMLDocumentError) { text = try YAMLDocument.text(path: path) } catch {
            throw AlertRulesError(source: path, problems: ["\(error)"])
        }
        return try parse(yaml: text, source: path, environment: environment)
    }

    /// Parses alert rules from YAML text whose top level is `endpoints: [...]`.
    public static func parse(
        yaml text: String, source: String, environment: [String: String],
        readFile: @escaping (String) -> String? = { path in
            FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) }
        }
    ) throws(AlertRulesError) -> AlertRules {
        let root: Node?
        do throws(YAMLDocumentError) { root = try YAMLDocument.compose(text) } catch {
            throw AlertRulesError(source: source, problems: ["\(error)"])
        }
        guard let root else { throw AlertRulesError(source: source, problems: ["empty; expected endpoints: [...]"]) }
        return try parse(root, source: source, environment: environment, readFile: readFile)
    }

    /// Parses the alert rules from a YAML node: a mapping with one key, `endpoints`, a list of
    /// endpoints (docs/alerts.md shows every key). Secrets and secret URLs are read here, from the
    /// environment variables and files the endpoints name, so a missing one fails at start.
    ///
    /// - Parameters:
    ///   - node: the mapping (a file's root, or the value of `alerts:` in a config file).
    ///   - keyPath: where `node` sits, prefixed to every problem (`"alerts"` gives `alerts.endpoints[0].url`).
    ///   - source: the file, named in the error.
    ///   - environment: where `*_env` keys are looked up.
    ///   - readFile: reads a `*_file` key's file; `nil` when it cannot be read.
    /// - Throws: ``AlertRulesError`` listing every problem found, each with its key path.
    public static func parse(
        _ node: Node, keyPath: String = "", source: String, environment: [String: String],
        readFile: @escaping (String) -> String? = { path in
            FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) }
        }
    ) throws(AlertRulesError) -> AlertRules {
        let reader = RulesReader(environment: environment, readFile: readFile)
        let base = keyPath.isEmpty ? "" : keyPath + "."
        var endpoints: [AlertEndpoint] = []
        if let top = node.mapping {
            reader.allow(top, ["endpoints"], at: base)
            if let list = top["endpoints"] {
                if let items = list.sequence, !items.isEmpty {
                    var names: Set<String> = []
                    for (index, item) in items.enumerated() {
                        let path = "\(base)endpoints[\(index)]"
                        guard let endpoint = reader.endpoint(item, at: path) else { continue }
                        if !names.insert(endpoint.name).inserted {
                            reader.problem("\(path).name", "'\(endpoint.name)' is already the name of another endpoint")
                        }
                        endpoints.append(endpoint)
                    }
                } else {
                    reader.problem("\(base)endpoints", "expected a list of at least one endpoint")
                }
            } else {
                reader.problem("\(base)endpoints", "required (a list of endpoints)")
            }
        } else {
            reader.problem(keyPath.isEmpty ? "(top level)" : keyPath, "expected a mapping with endpoints: [...]")
        }
        guard reader.problems.isEmpty else { throw AlertRulesError(source: source, problems: reader.problems) }
        return AlertRules(endpoints: endpoints)
    }

    /// The one-off endpoint of `--webhook URL`: standard style, signed with `TALLY_WEBHOOK_SECRET`,
    /// default triggers.
    public static func oneOff(url: String, secret: String?) throws(AlertRulesError) -> AlertRules {
        var problems: [String] = []
        var parsedURL: WebhookURL?
        switch WebhookURL.parse(url) {
        case .success(let value): parsedURL = value
        case .failure(let problem): problems.append("--webhook: \(problem.reason)")
        }
        var parsedSecret: WebhookSecret?
        if let secret, !secret.isEmpty {
            switch WebhookSecret.parse(secret) {
            case .success(let value): parsedSecret = value
            case .failure(let problem): problems.append("TALLY_WEBHOOK_SECRET: \(problem.reason)")
            }
        } else {
            problems.append("TALLY_WEBHOOK_SECRET: not set; --webhook needs the signing secret in this environment variable")
        }
        guard problems.isEmpty, let parsedURL else { throw AlertRulesError(source: "--webhook", problems: problems) }
        return AlertRules(endpoints: [AlertEndpoint(name: "webhook", url: parsedURL, secret: parsedSecret)])
    }
}
