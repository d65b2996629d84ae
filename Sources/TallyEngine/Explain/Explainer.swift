import Foundation
import TallyCore
import TallyIngest
import TallyPostgres

/// Answers "why is this reference flagged?" for `tally explain`.
///
/// The steps: read what the store remembers of the reference (its breaks in every run, its open
/// item, its resolutions) and look it up in the payments table; settle the provider (given, or the
/// only one that knows the reference); pick the run to explain (`--run`, else the newest current
/// run that reported it, else the newest current run whose window holds its ledger row); re-read
/// that run's settlement files for the reference's lines (checking their SHA-256 against the
/// run's); take the ledger rows from the run's breaks, or the fresh lookup when the run stored
/// none (a matched reference); and say for each line or row which rule decided it
/// (``TallyCore/OutcomeRule``).
///
/// ```swift
/// let explanation = try Explainer(reference: "ch_123", databaseURL: url).explain()
/// print(explanation.outcomes.map(\.rule))
/// ```
public struct Explainer: Sendable {
    public var reference: String
    public var provider: String?
    /// A run id or a unique prefix of at least 6 characters.
    public var runID: String?
    public var kind: TransactionKind?
    /// libpq URL of the payments database; `nil` leaves it to libpq's `PG*` variables.
    public var databaseURL: String?
    /// libpq URL of the database holding the `tally` schema; `nil` means the payments database.
    public var resultsURL: String?
    /// Passwords kept out of the URLs (from the config's `password_env` or `password_file`).
    public var databasePassword: String?
    public var resultsPassword: String?
    /// Configured ledger queries by provider (the config's `ledger_query`), for the fresh lookup.
    public var ledgerQueries: [String: String] = [:]

    public init(
        reference: String, provider: String? = nil, runID: String? = nil, kind: TransactionKind? = nil,
        databaseURL: String? = nil, resultsURL: String? = nil
    ) {
        self.reference = reference
        self.provider = provider
        self.runID = runID
        self.kind = kind
        self.databaseURL = databaseURL
        self.resultsURL = resultsURL
    }

    /// - Throws: ``RunError`` `.notFound` when the reference is unknown (exit 66), `.usage` when the
    ///   provider is ambiguous or the run does not exist (64); ``TallyPostgres/PostgresError`` when a
    ///   database is unreachable.
    public func explain() throws -> Explanation {
        let storeConnection = try PostgresConnection(
            url: resultsURL ?? databaseURL, password: resultsURL == nil ? databasePassword : resultsPassword)
        defer { storeConnection.close() }
        let ledgerConnection =
            resultsURL == nil ? storeConnection : try PostgresConnection(url: databaseURL, password: databasePassword)
        defer { if resultsURL != nil { ledgerConnection.close() } }
        let store = try Migrations.currentVersion(storeConnection) != nil ? ResultStore(connection: storeConnection) : nil

        var memory = try Memory(store: store, reference: reference, provider: provider, kind: kind)
        let name = try provider ?? settleProvider(memory, ledger: ledgerConnection)
        memory.keep(provider: name)
        var notes: [String] = store == nil ? [] : try payoutNotes(storeConnection)
        let fresh = try lookUp(provider: name, ledger: ledgerConnection, notes: &notes)
        guard !memory.isEmpty || !fresh.isEmpty || runID != nil else {
            throw RunError(code: .notFound, message: "\(reference) is unknown to the store and to the \(name) ledger")
        }
        let runRow = try chooseRun(store: store, memory: memory, provider: name, fresh: fresh)
        var explanation = Explanation(
            reference: reference, provider: name, run: nil, lines: [], ledgerRows: [], outcomes: [],
            sightings: memory.breaks.map {
                Explanation.Sighting(
                    runID: $0.runID, from: $0.from, to: $0.to, current: $0.current, breakClass: $0.breakClass, kind: $0.kind,
                    firstSeen: $0.firstSeen, ageDays: $0.ageDays, isNew: $0.isNew)
            },
            openItems: memory.openItems, resolutions: memory.resolutions, notes: notes)
        guard let runRow, let store else {
            explanation.ledgerRows = fresh.map { Explanation.LedgerRow(record: $0, source: .lookup) }
            explanation.notes.append("no stored run examined \(reference); the ledger rows come from a lookup just now")
            return explanation
        }
        try describe(run: runRow, store: store, memory: memory, fresh: fresh, into: &explanation)
        if let report = try store.reports(runID: runRow.id).first(where: { $0.name == "report.json" }) {
            explanation.rulePasses = Self.ruleTraces(reference: reference, reportJSON: report.bytes)
        }
        if explanation.outcomes.isEmpty, let match = explanation.rulePasses.first(where: { $0.outcome == "matched" }) {
            // a line paired by a rule pass has another reference than its row: it is no unmatched reference
            explanation.notes.removeAll { $0.hasPrefix("run \(runRow.id.prefix(8)) reported no break") }
            explanation.notes.append(
                "matched by the rule pass \(match.decidedBy ?? "?") with the line \(match.place) (\(match.lineReference))")
        }
        guard !memory.isEmpty || !fresh.isEmpty || !explanation.lines.isEmpty else {
            throw RunError(
                code: .notFound, message: "\(reference) is unknown to run \(runRow.id), the store and the \(name) ledger")
        }
        return explanation
    }

    /// The only provider that knows the reference: in the store, else in the payments table.
    func settleProvider(_ memory: Memory, ledger: PostgresConnection) throws -> String {
        var names = memory.providers
        if names.isEmpty {
            do {
                names = Set(try LedgerSource.providers(reference: reference, connection: ledger))
            } catch let error as PostgresError where !error.isConnectionFailure {
                names = []  // not the canonical table: only --provider can tell
            }
        }
        guard names.count <= 1 else {
            throw RunError(
                code: .usage,
                message:
                    "\(reference) is known to several providers (\(names.sorted().joined(separator: ", "))); pass --provider.")
        }
        guard let name = names.first else {
            throw RunError(code: .notFound, message: "\(reference) is unknown to the store and to the payments table")
        }
        return name
    }

    /// The provider's ledger rows of the reference as they are now (a failed query becomes a note).
    func lookUp(provider: String, ledger: PostgresConnection, notes: inout [String]) throws -> [LedgerRecord] {
        do {
            var source = LedgerSource(provider: provider)
            if let query = ledgerQueries[provider] {
                let hasMerchantReference = try LedgerSource.describe(query, connection: ledger)
                source = LedgerSource(provider: provider, ledgerQuery: query, hasMerchantReference: hasMerchantReference)
            }
            return try source.rows(reference: reference, connection: ledger).filter {
                kind == nil || $0.kind == kind
            }
        } catch let error as PostgresError where !error.isConnectionFailure {
            notes.append("the ledger lookup failed (\(error)); only what the store remembers is shown")
            return []
        }
    }

    /// `--run`, else the newest current run that reported the reference, else the newest current
    /// run whose window holds one of its ledger rows.
    func chooseRun(store: ResultStore?, memory: Memory, provider: String, fresh: [LedgerRecord]) throws -> ResultStore.RunRow? {
        if let runID {
            guard let store, let row = try store.run(id: runID) else {
                throw RunError(code: .usage, message: "no run with id \(runID) (or the prefix is not unique)")
            }
            guard row.provider == provider else {
                throw RunError(code: .usage, message: "run \(row.id) is of provider \(row.provider), not \(provider)")
            }
            return row
        }
        guard let store else { return nil }
        if let sighting = memory.breaks.first(where: \.current) ?? memory.breaks.first {
            return try store.run(id: sighting.runID)
        }
        for row in fresh.sorted(by: { $0.createdAt > $1.createdAt }) {
            if let run = try store.currentRun(provider: provider, covering: row.createdAt) { return run }
        }
        return nil
    }

    /// The time format of explanations: `2026-03-08 23:00 UTC` in the run's time zone.
    public static func timeFormatter(timezone: String) -> @Sendable (Timestamp) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timezone) ?? TimeZone(identifier: "UTC")!
        return { [calendar] instant in
            let seconds =
                instant.microseconds >= 0 ? instant.microseconds / 1_000_000 : (instant.microseconds - 999_999) / 1_000_000
            let parts = calendar.dateComponents(
                [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
            func pad(_ value: Int?) -> String { String(value ?? 0).leftPadded(to: 2) }
            let date = CivilDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
            let second = (parts.second ?? 0) == 0 ? "" : ":" + pad(parts.second)
            return "\(date) \(pad(parts.hour)):\(pad(parts.minute))\(second) \(timezone)"
        }
    }
}
