import Foundation
import TallyAlerts
import TallyCore
import TallyIngest
import TallyYAML
import Yams

extension TallyConfig {
    static let topKeys = [
        "database", "results", "timezone", "reports_dir", "state_dir", "metrics_file", "log_level", "log_format",
        "memory_limit", "mask_pii", "max_break_ratio", "alerts", "providers", "items",
    ]
    static let databaseKeys = ["url", "password_env", "password_file"]
    static let providerKeys = [
        "format", "mapping", "file_pattern", "timezone", "lookback_days", "lookahead_days", "amount_tolerance",
        "reference_column", "max_rejects", "fail_on", "ledger_query", "memory_limit", "mask_pii", "max_break_ratio", "matching",
        "payouts",
    ]
    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
    static let failLevels = ["high", "medium", "info", "never"]

    /// Reads and validates a config file.
    ///
    /// - Throws: ``ConfigError`` with every problem found, each with its key path.
    /// - Parameter checkingSecrets: as for ``parse(_:path:checkingSecrets:)``.
    public static func load(path: String, checkingSecrets: Bool = false) throws(ConfigError) -> TallyConfig {
        let text: String
        do throws(YAMLDocumentError) { text = try YAMLDocument.text(path: path) } catch {
            let hint =
                if case .unreadable = error { " (pass --config PATH, set TALLY_CONFIG, or create ./tally.yml)" } else { "" }
            throw ConfigError(path: path, problems: ["\(error)\(hint)"])
        }
        return try parse(text, path: path, checkingSecrets: checkingSecrets)
    }

    /// Every problem of a config file in one pass, the availability of its passwords included
    /// (`tally config check`): nothing stops at the first problem of a key, a provider or a stage.
    public static func check(path: String) -> [String] {
        do throws(ConfigError) {
            _ = try load(path: path, checkingSecrets: true)
            return []
        } catch {
            return error.problems
        }
    }

    /// Validates a config given as YAML text. Relative paths in it are relative to the folder of `path`.
    ///
    /// - Parameter checkingSecrets: also check that every `password_env` is set and every
    ///   `password_file` readable (a run checks them when it connects).
    public static func parse(_ text: String, path: String = "tally.yml", checkingSecrets: Bool = false) throws(ConfigError)
        -> TallyConfig
    {
        let root: Node?
        do throws(YAMLDocumentError) { root = try YAMLDocument.compose(text) } catch {
            throw ConfigError(path: path, problems: ["\(error)"])
        }
        guard let root, let top = root.mapping else {
            throw ConfigError(path: path, problems: ["expected a mapping of keys at the top level (database:, providers:, …)"])
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let reader = YAMLReader()
        reader.allow(top, keys: topKeys, at: "")

        var config = TallyConfig(path: path)
        config.database = database(top, "database", reader, in: folder)
        config.results = database(top, "results", reader, in: folder)
        if checkingSecrets {
            for (key, database) in [("database", config.database), ("results", config.results)] {
                do throws(ConfigError) { _ = try database?.password(key: key) } catch { reader.problems(error.problems) }
            }
        }
        config.timezone = reader.text(top, "timezone", at: "")
        if let zone = config.timezone, TimeZone(identifier: zone) == nil {
            reader.problem("timezone", "'\(zone)' is not an IANA time zone such as UTC or Europe/Berlin")
        }
        config.reportsDirectory = reader.path(top, "reports_dir", at: "", in: folder)
        config.stateDirectory = reader.path(top, "state_dir", at: "", in: folder)
        config.metricsFile = reader.path(top, "metrics_file", at: "", in: folder)
        config.logLevel = reader.choice(top, "log_level", logLevels, at: "")
        config.logFormat = reader.choice(top, "log_format", ["text", "json"], at: "")
        config.memoryLimit = reader.size(top, "memory_limit", at: "")
        config.maskPII = reader.flag(top, "mask_pii", at: "")
        config.maxBreakRatio = reader.ratio(top, "max_break_ratio", at: "")
        config.items = items(top, reader)
        if let node = top["alerts"] {
            do throws(AlertRulesError) {
                config.alerts = try AlertRules.parse(
                    node, keyPath: "alerts", source: path, environment: ProcessInfo.processInfo.environment,
                    readFile: { file in
                        let url = file.hasPrefix("/") ? URL(fileURLWithPath: file) : folder.appendingPathComponent(file)
                        return FileManager.default.contents(atPath: url.path).flatMap { String(data: $0, encoding: .utf8) }
                    })
            } catch {
                reader.problems(error.problems)
            }
        }

        if let providers = top["providers"] {
            if let map = providers.mapping, !map.isEmpty {
                for (key, value) in map {
                    guard let name = key.string else { continue }
                    if let provider = Self.provider(name, value, reader, in: folder) { config.providers.append(provider) }
                }
            } else {
                reader.problem(
                    "providers",
                    "expected a mapping of provider names to their settings, e.g. providers: { acmepay: { format: stripe } }")
            }
        } else {
            reader.problem("providers", "missing; name at least one provider with its format")
        }
        PayoutConfig.check(config.providers, reader)
        guard reader.problems.isEmpty else { throw ConfigError(path: path, problems: reader.problems) }
        return config
    }

    private static func database(_ top: Node.Mapping, _ key: String, _ reader: YAMLReader, in folder: URL) -> Database? {
        guard let node = top[key] else { return nil }
        guard let map = node.mapping else {
            reader.problem("\(key)", "expected a mapping with url, password_env or password_file")
            return nil
        }
        reader.allow(map, keys: databaseKeys, at: "\(key).")
        let database = Database(
            url: reader.text(map, "url", at: "\(key)."), passwordEnv: reader.text(map, "password_env", at: "\(key)."),
            passwordFile: reader.path(map, "password_file", at: "\(key).", in: folder))
        if let url = database.url, Self.urlHoldsPassword(url) {
            reader.problem(
                "\(key).url",
                "holds a password; move it to \(key).password_env or \(key).password_file so that it never sits in the config")
        }
        if database.passwordEnv != nil && database.passwordFile != nil {
            reader.problem("\(key)", "give password_env or password_file, not both")
        }
        return database
    }

    /// `postgresql://user:secret@host/db` or `… password=secret …`.
    static func urlHoldsPassword(_ url: String) -> Bool {
        if url.contains("://"), let components = URLComponents(string: url) {
            if components.password != nil { return true }
            return components.queryItems?.contains { $0.name == "password" } ?? false
        }
        return url.split(separator: " ").contains { $0.hasPrefix("password=") }
    }

    private static func provider(_ name: String, _ node: Node, _ reader: YAMLReader, in folder: URL) -> Provider? {
        let at = "providers.\(name)."
        if (try? ReconciliationRun.validate(provider: name)) == nil {
            reader.problem("providers.\(name)", "a provider name is letters, digits, '_', '-' or '.'")
        }
        guard let map = node.mapping else {
            reader.problem("providers.\(name)", "expected a mapping with at least format:")
            return nil
        }
        reader.allow(map, keys: providerKeys, at: at)
        // A missing or unknown format is reported, and the other keys are still checked (one pass
        // shows every problem); the provider itself is dropped at the end.
        let formatName = reader.text(map, "format", at: at)
        let format = formatName.flatMap(SettlementFormat.init(rawValue:))
        if formatName == nil, map["format"] == nil {
            reader.problem("\(at)format", "missing; one of \(SettlementFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        } else if let formatName, format == nil {
            reader.problem(
                "\(at)format",
                "'\(formatName)' is not one of \(SettlementFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var provider = Provider(name: name, format: format ?? .stripe)
        provider.mapping = reader.path(map, "mapping", at: at, in: folder)
        if format == .csv && provider.mapping == nil {
            reader.problem("\(at)mapping", "format csv needs a mapping file (see samples/mappings/)")
        }
        if let mapping = provider.mapping {
            if let format, format != .csv { reader.problem("\(at)mapping", "only format csv takes a mapping") }
            do throws(MappingError) { _ = try CSVMapping.load(path: mapping) } catch {
                for problem in error.problems { reader.problem("\(at)mapping", "\(mapping): \(problem)") }
            }
        }
        provider.filePattern = reader.path(map, "file_pattern", at: at, in: folder)
        if let pattern = provider.filePattern, !FilePattern(pattern).hasPlaceholder {
            reader.problem("\(at)file_pattern", "'\(pattern)' has no {date}, {yyyy}, {mm} or {dd}")
        }
        provider.timezone = reader.text(map, "timezone", at: at)
        if let zone = provider.timezone, TimeZone(identifier: zone) == nil {
            reader.problem("\(at)timezone", "'\(zone)' is not an IANA time zone such as UTC or Europe/Berlin")
        }
        provider.lookbackDays = reader.integer(map, "lookback_days", in: 0...366, at: at).map(Int.init)
        provider.lookaheadDays = reader.integer(map, "lookahead_days", in: 0...366, at: at).map(Int.init)
        provider.amountTolerance = reader.integer(map, "amount_tolerance", in: 0...Int64.max, at: at)
        provider.referenceColumn = reader.text(map, "reference_column", at: at)
        provider.maxRejects = reader.integer(map, "max_rejects", in: 0...Int64(Int32.max), at: at).map(Int.init)
        provider.failOn = reader.choice(map, "fail_on", failLevels, at: at)
        provider.ledgerQuery = reader.text(map, "ledger_query", at: at)
        provider.memoryLimit = reader.size(map, "memory_limit", at: at)
        provider.maskPII = reader.flag(map, "mask_pii", at: at)
        provider.maxBreakRatio = reader.ratio(map, "max_break_ratio", at: at)
        if let node = map["matching"] { provider.matching = RulePassConfig.read(node, reader, at: "\(at)matching") }
        if let node = map["payouts"] { provider.payouts = PayoutConfig.read(node, reader, at: "\(at)payouts", format: format) }
        if let query = provider.ledgerQuery {
            let missing = ["$1", "$2", "$3"].filter { !query.contains($0) }
            if !missing.isEmpty {
                reader.problem(
                    "\(at)ledger_query",
                    "must use $1 (the provider), $2 and $3 (the window's start and end, half-open); missing \(missing.joined(separator: ", "))"
                )
            }
        }
        return format == nil ? nil : provider
    }
}

extension YAMLReader {
    /// A path, made absolute against the config file's folder when it is relative.
    func path(_ map: Node.Mapping, _ key: String, at base: String, in folder: URL) -> String? {
        guard let text = text(map, key, at: base) else { return nil }
        if text.hasPrefix("/") { return text }
        return folder.appendingPathComponent(text).standardizedFileURL.path
    }

    /// A share above 0 and at most 1, such as `0.5` (`max_break_ratio`).
    func ratio(_ map: Node.Mapping, _ key: String, at base: String) -> Double? {
        guard let text = text(map, key, at: base) else { return nil }
        guard let value = Double(text), value > 0, value <= 1 else {
            problem("\(base)\(key)", "'\(text)' is not a share above 0 and at most 1, such as 0.5")
            return nil
        }
        return value
    }

    /// A byte size such as `512MiB`.
    func size(_ map: Node.Mapping, _ key: String, at base: String) -> Int? {
        guard let text = text(map, key, at: base) else { return nil }
        guard let bytes = ByteSize.parse(text), bytes > 0 else {
            problem("\(base)\(key)", "'\(text)' is not a size such as 512MiB, 2GiB or 1000000")
            return nil
        }
        return bytes
    }
}
