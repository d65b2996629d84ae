import Foundation
import TallyAlerts
import TallyCore
import TallyEngine
import TallyIngest
import Testing

/// `tally.yml`: what a valid file gives, and the message (with its key path) of every bad key.
@Suite struct TallyConfigTests {
    func problems(_ yaml: String) -> [String] {
        do {
            _ = try TallyConfig.parse(yaml, path: "/etc/tally/tally.yml")
            return []
        } catch {
            return error.problems
        }
    }

    @Test func aFullConfigIsRead() throws {
        let config = try TallyConfig.parse(
            """
            database: { url: "postgresql://tally@db/payments", password_env: TALLY_DB_PASSWORD }
            results: { url: "postgresql://tally@db/tally", password_file: secrets/results }
            timezone: Europe/Berlin
            reports_dir: reports
            state_dir: /var/lib/tally/state
            metrics_file: metrics/tally.prom
            log_level: debug
            log_format: json
            providers:
              acmepay:
                format: stripe
                file_pattern: inbox/acmepay/{date}.csv
                timezone: America/New_York
                lookback_days: 5
                lookahead_days: 2
                amount_tolerance: 1
                reference_column: charge_id
                max_rejects: 10
                fail_on: high
              bank:
                format: camt053
                ledger_query: SELECT * FROM ledger.v WHERE psp = $1 AND at >= $2 AND at < $3
            """, path: "/etc/tally/tally.yml")
        #expect(config.database?.url == "postgresql://tally@db/payments")
        #expect(config.database?.passwordEnv == "TALLY_DB_PASSWORD")
        #expect(config.results?.passwordFile == "/etc/tally/secrets/results")
        #expect(config.reportsDirectory == "/etc/tally/reports")
        #expect(config.stateDirectory == "/var/lib/tally/state")
        #expect(config.metricsFile == "/etc/tally/metrics/tally.prom")
        #expect(config.logLevel == "debug")
        #expect(config.logFormat == "json")
        #expect(config.providers.map(\.name) == ["acmepay", "bank"])
        let acmepay = try #require(config.provider(named: "acmepay"))
        #expect(acmepay.format == .stripe)
        #expect(acmepay.filePattern == "/etc/tally/inbox/acmepay/{date}.csv")
        #expect(acmepay.timezone == "America/New_York")
        #expect(acmepay.lookbackDays == 5)
        #expect(acmepay.lookaheadDays == 2)
        #expect(acmepay.amountTolerance == 1)
        #expect(acmepay.referenceColumn == "charge_id")
        #expect(acmepay.maxRejects == 10)
        #expect(acmepay.failOn == "high")
        #expect(config.provider(named: "bank")?.ledgerQuery?.hasPrefix("SELECT") == true)
    }

    /// Each bad value and the exact message `tally config check` prints for it.
    @Test(arguments: [
        (
            "bogus: 1\nproviders: { a: { format: stripe } }",
            "bogus: unknown key (expected one of database, results, timezone, reports_dir, state_dir, metrics_file, log_level, log_format, memory_limit, mask_pii, max_break_ratio, alerts, providers, items)"
        ),
        (
            "timezone: Mars/Olympus\nproviders: { a: { format: stripe } }",
            "timezone: 'Mars/Olympus' is not an IANA time zone such as UTC or Europe/Berlin"
        ),
        (
            "log_level: loud\nproviders: { a: { format: stripe } }",
            "log_level: 'loud' is not one of trace, debug, info, notice, warning, error, critical"
        ),
        ("log_format: xml\nproviders: { a: { format: stripe } }", "log_format: 'xml' is not one of text, json"),
        ("reports_dir: [1]\nproviders: { a: { format: stripe } }", "reports_dir: expected a text value"),
        (
            "database: { url: 'postgresql://u:secret@h/db' }\nproviders: { a: { format: stripe } }",
            "database.url: holds a password; move it to database.password_env or database.password_file so that it never sits in the config"
        ),
        (
            "database: { url: 'host=h password=secret' }\nproviders: { a: { format: stripe } }",
            "database.url: holds a password; move it to database.password_env or database.password_file so that it never sits in the config"
        ),
        (
            "database: { password_env: A, password_file: b }\nproviders: { a: { format: stripe } }",
            "database: give password_env or password_file, not both"
        ),
        (
            "database: { host: h }\nproviders: { a: { format: stripe } }",
            "database.host: unknown key (expected one of url, password_env, password_file)"
        ),
        (
            "results: postgres\nproviders: { a: { format: stripe } }",
            "results: expected a mapping with url, password_env or password_file"
        ),
        ("timezone: UTC", "providers: missing; name at least one provider with its format"),
        (
            "providers: []",
            "providers: expected a mapping of provider names to their settings, e.g. providers: { acmepay: { format: stripe } }"
        ),
        (
            "providers: { a: { file_pattern: 'x/{date}.csv' } }",
            "providers.a.format: missing; one of stripe, adyen, paypal, camt053, camt054, csv, bai2, mt940, mt942"
        ),
        (
            "providers: { a: { format: mt101 } }",
            "providers.a.format: 'mt101' is not one of stripe, adyen, paypal, camt053, camt054, csv, bai2, mt940, mt942"
        ),
        ("providers: { 'a b': { format: stripe } }", "providers.a b: a provider name is letters, digits, '_', '-' or '.'"),
        ("providers: { a: { format: csv } }", "providers.a.mapping: format csv needs a mapping file (see samples/mappings/)"),
        (
            "providers: { a: { format: stripe, colour: red } }",
            "providers.a.colour: unknown key (expected one of format, mapping, file_pattern, timezone, lookback_days, lookahead_days, amount_tolerance, reference_column, max_rejects, fail_on, ledger_query, memory_limit, mask_pii, max_break_ratio, matching, payouts)"
        ),
        (
            "providers: { a: { format: stripe, file_pattern: /in/x.csv } }",
            "providers.a.file_pattern: '/in/x.csv' has no {date}, {yyyy}, {mm} or {dd}"
        ),
        (
            "providers: { a: { format: stripe, timezone: Nowhere } }",
            "providers.a.timezone: 'Nowhere' is not an IANA time zone such as UTC or Europe/Berlin"
        ),
        ("providers: { a: { format: stripe, lookback_days: 400 } }", "providers.a.lookback_days: 400 is out of range 0…366"),
        ("providers: { a: { format: stripe, lookahead_days: two } }", "providers.a.lookahead_days: expected a whole number"),
        (
            "providers: { a: { format: stripe, amount_tolerance: -1 } }",
            "providers.a.amount_tolerance: -1 is out of range 0…9223372036854775807"
        ),
        ("providers: { a: { format: stripe, max_rejects: 1.5 } }", "providers.a.max_rejects: expected a whole number"),
        (
            "providers: { a: { format: stripe, fail_on: sometimes } }",
            "providers.a.fail_on: 'sometimes' is not one of high, medium, info, never"
        ),
        ("providers: { a: { format: stripe, reference_column: '' } }", "providers.a.reference_column: expected a text value"),
        ("mask_pii: perhaps\nproviders: { a: { format: stripe } }", "mask_pii: expected true or false, found 'perhaps'"),
        (
            "memory_limit: lots\nproviders: { a: { format: stripe } }",
            "memory_limit: 'lots' is not a size such as 512MiB, 2GiB or 1000000"
        ),
        (
            "providers: { a: { format: stripe, memory_limit: 0 } }",
            "providers.a.memory_limit: '0' is not a size such as 512MiB, 2GiB or 1000000"
        ),
        ("providers: { a: { format: stripe, mapping: m.yml } }", "providers.a.mapping: only format csv takes a mapping"),
        (
            "providers: { a: { format: stripe, ledger_query: 'SELECT * FROM t WHERE p = $1' } }",
            "providers.a.ledger_query: must use $1 (the provider), $2 and $3 (the window's start and end, half-open); missing $2, $3"
        ),
    ])
    func everyBadKeyIsNamed(_ yaml: String, _ message: String) {
        let found = problems(yaml)
        #expect(found.contains(message), "\(found)")
    }

    @Test func alertEndpointsLiveUnderAlerts() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n".utf8).write(to: directory.appendingPathComponent("hook.secret"))
        let path = directory.appendingPathComponent("tally.yml").path
        let config = try TallyConfig.parse(
            """
            alerts:
              endpoints:
                - { name: ops, url: "http://127.0.0.1:9/hook", secret_file: hook.secret }
            providers: { a: { format: stripe } }
            """, path: path)
        #expect(config.alerts?.endpoints.map(\.name) == ["ops"])
        let found = problems("alerts: { endpoints: [ { name: ops, colour: red } ] }\nproviders: { a: { format: stripe } }")
        #expect(found.contains { $0.hasPrefix("alerts.endpoints[0]") }, "\(found)")
    }

    @Test func everyProblemIsReportedAtOnce() {
        let found = problems("bogus: 1\ntimezone: X\nproviders: { a: { format: nope }, b: { format: stripe, fail_on: x } }")
        #expect(found.count == 4, "\(found)")
    }

    /// A file with a mistake of every kind lists them all in one pass: a bad format hides nothing
    /// else of its provider, and unset passwords come with the rest (`tally config check`).
    @Test func oneCheckListsEveryKindOfMistake() throws {
        let unset = "TALLY_TEST_SURELY_UNSET_\(UInt32.random(in: 0...UInt32.max))"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tally-check-\(UUID().uuidString).yml")
        try """
        timezone: Mars/Olympus
        log_level: loud
        memory_limit: lots
        colour: blue
        database:
          url: postgresql://tally:hunter2@db/payments
          password_env: \(unset)
        results:
          password_file: /nonexistent/secret
        providers:
          acmepay:
            format: strype
            lookback_days: -3
            file_pattern: stripe.csv
            fail_on: sometimes
            amount_tolerance: ten
            typo_key: 1
          bank:
            format: csv
            mask_pii: maybe
        """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let found = TallyConfig.check(path: file.path).map { $0.prefix { $0 != ":" } }
        #expect(
            found.sorted() == [
                "colour", "database.password_env", "database.url", "log_level", "memory_limit",
                "providers.acmepay.amount_tolerance",
                "providers.acmepay.fail_on", "providers.acmepay.file_pattern", "providers.acmepay.format",
                "providers.acmepay.lookback_days", "providers.acmepay.typo_key", "providers.bank.mapping",
                "providers.bank.mask_pii", "results.password_file", "timezone",
            ])
        // a run checks the passwords when it connects, not when it reads the file
        #expect(throws: ConfigError.self) { try TallyConfig.load(path: file.path) }
    }

    @Test func notYAMLOrNotAMapping() {
        #expect(problems("providers: [unclosed").first?.hasPrefix("not valid YAML") == true)
        #expect(problems("- a\n- b") == ["expected a mapping of keys at the top level (database:, providers:, …)"])
    }

    @Test func aMissingPasswordVariableIsNamed() throws {
        let database = TallyConfig.Database(
            url: "postgresql://tally@db/x", passwordEnv: "TALLY_TEST_SURELY_UNSET_\(UInt32.random(in: 0...UInt32.max))")
        #expect(throws: ConfigError.self) { try database.password(key: "database") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID().uuidString)")
        try Data("s3cret\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try TallyConfig.Database(passwordFile: file.path).password(key: "database") == "s3cret")
    }

    @Test func theConfigIsFoundByFlagThenEnvironment() {
        #expect(TallyConfig.locate(flag: "/a.yml", environment: ["TALLY_CONFIG": "/b.yml"]) == "/a.yml")
        #expect(TallyConfig.locate(flag: nil, environment: ["TALLY_CONFIG": "/b.yml"]) == "/b.yml")
    }
}

@Suite struct ByteSizeTests {
    @Test(arguments: [
        ("1000000", 1_000_000), ("512K", 524_288), ("64MiB", 67_108_864), ("2G", 2_147_483_648), ("1.5GiB", 1_610_612_736),
        ("8 kb", 8192),
    ])
    func sizes(_ text: String, _ bytes: Int) { #expect(ByteSize.parse(text) == bytes) }

    @Test func notSizes() {
        for text in ["", "lots", "-1", "5TB", "1e9"] { #expect(ByteSize.parse(text) == nil, "\(text)") }
    }
}

/// `payouts:` (docs/payouts.md): read, and every bad key named with its path.
extension TallyConfigTests {
    @Test func aProviderPaysIntoItsBank() throws {
        let config = try TallyConfig.parse(
            """
            providers:
              acmepay:
                format: stripe
                payouts: { to: bank, arrival_days: 3, bank_text: 'STRIPE' }
              bank:
                format: camt053
            """)
        #expect(config.provider(named: "acmepay")?.payouts == PayoutTermsFixture.stripe)
        #expect(config.payoutSources(into: "bank").map(\.provider) == ["acmepay"])
        #expect(config.payoutSources(into: "acmepay").isEmpty)
    }

    @Test func everyBadKeyIsNamed() {
        let found = problems(
            """
            providers:
              acmepay:
                format: stripe
                payouts: { to: nowhere, arrival_days: 99, bank_text: '(', color: red }
              paypal:
                format: paypal
                payouts: { to: acmepay, arrival_days: 1 }
              bank:
                format: camt053
                payouts: { to: bank, arrival_days: 1, bank_text: X }
            """)
        #expect(found.contains { $0.hasPrefix("providers.acmepay.payouts.color:") })
        #expect(found.contains { $0.hasPrefix("providers.acmepay.payouts.arrival_days:") })
        #expect(found.contains { $0.hasPrefix("providers.acmepay.payouts.bank_text: '(' is not a regular expression") })
        #expect(found.contains { $0 == "providers.paypal.payouts.bank_text: missing" })
        #expect(found.contains { $0.hasPrefix("providers.bank.payouts: format camt053 announces no payouts") })
        let targets = problems(
            """
            providers:
              acmepay:
                format: stripe
                payouts: { to: nowhere, arrival_days: 1, bank_text: S }
              paypal:
                format: paypal
                payouts: { to: acmepay, arrival_days: 1, bank_text: P }
            """)
        #expect(targets.contains { $0.hasPrefix("providers.acmepay.payouts.to: 'nowhere' is not another provider") })
        #expect(targets.contains { $0.hasPrefix("providers.paypal.payouts.to: 'acmepay' has format stripe") })
    }
}

enum PayoutTermsFixture {
    static let stripe = PayoutTerms(to: "bank", arrivalDays: 3, bankText: "STRIPE")
}
