import Foundation
import TallyAlerts
import TallyCore
import TallyIngest
import TallyPostgres
import TallyReport

/// One reconciliation of a provider's settlement files against the ledger, end to end.
///
/// The stages, in order: check the inputs and resolve the window; connect, apply the `tally`
/// schema's migrations, take the provider's advisory lock and record the run as running; start
/// streaming the ledger window (one read-only snapshot) while the settlement files are parsed
/// into the ``TallyCore/Reconciler``; match the streamed rows, look up the still-unclaimed
/// references and the keys of earlier open items in the same snapshot; classify; carry the open
/// items forward (``TallyCore/History``); decide the alerts (``TallyAlerts/AlertEvaluator``); store
/// the run, its breaks, the open items and the alerts' outbox rows in one transaction; write
/// `report.json`, `report.html` and `breaks.csv`; release the lock and deliver the alerts within
/// the alert budget (a failed delivery stays in the outbox and never fails the run).
///
/// ```swift
/// let outcome = try ReconciliationRun(options: options).run()
/// print(outcome.reportPaths[0])
/// ```
public struct ReconciliationRun: Sendable {
    public var options: RunOptions
    /// Receives one line per stage for the operator (stderr in the CLI).
    public var log: @Sendable (String) -> Void
    /// The id the run is stored under (known before it starts, so a failure alert can name it).
    public let runID: String

    public init(options: RunOptions, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.options = options
        self.log = log
        self.runID = UUID().uuidString.lowercased()
    }

    /// What a finished run produced.
    public struct Outcome: Sendable {
        public var report: RunReport
        public var reportPaths: [String]
        /// Alerts the run put in the outbox.
        public var alertsQueued = 0
        /// What the delivery after the commit did (nil when nothing was delivered or it could not start).
        public var delivery: AlertDispatcher.Counts?
    }

    public func run() throws -> Outcome {
        var outcome = try reconcileAndStore()
        if let alerts = options.alerts, !options.dryRun {
            CrashPoint.hit("alert-delivery")
            do {
                let store = try PostgresConnection(url: options.resultsURL ?? options.databaseURL)
                defer { store.close() }
                outcome.delivery = alerts.deliver(store: store, log: log)
            } catch {
                log("warning: alerts: cannot reach the store to deliver (\(error)); `tally alerts deliver` will send them")
            }
        }
        return outcome
    }

    /// Everything up to the written reports, under the provider's lock.
    private func reconcileAndStore() throws -> Outcome {
        let startedAt = Self.now()
        try Self.validate(provider: options.provider)
        let reader = try ReaderFactory.reader(for: options.format, options: options.readerOptions)
        guard !options.files.isEmpty else { throw RunError(code: .usage, message: "give at least one --file.") }
        let window = try WindowResolver.resolve(
            from: options.from, to: options.to, timezone: options.timezone, lookbackDays: options.lookbackDays,
            lookaheadDays: options.lookaheadDays)
        let files = options.files.enumerated().map { SettlementFile(path: $0.element, index: $0.offset) }
        for file in files { try file.checkReadable() }

        // The digests are not needed until the report: compute them on another core meanwhile.
        let digests = FileDigests(files)
        let ledgerConnection = try PostgresConnection(url: options.databaseURL)
        defer { ledgerConnection.close() }
        let storeConnection = try PostgresConnection(url: options.resultsURL ?? options.databaseURL)
        defer { storeConnection.close() }
        let store = ResultStore(connection: storeConnection)
        if !options.dryRun {
            let applied = try Migrations.migrate(storeConnection)
            if !applied.isEmpty { log("applied migrations \(applied.map(String.init).joined(separator: ", ")) of the tally schema") }
        }
        let hasStore = try Migrations.currentVersion(storeConnection) != nil
        if let alerts = options.alerts, !options.dryRun {
            do {
                let moved = try AlertSpool(stateDirectory: alerts.stateDirectory).drain(
                    into: AlertOutbox(connection: storeConnection))
                if moved > 0 { log("alerts: moved \(moved) spooled failure alert\(moved == 1 ? "" : "s") into the outbox") }
            } catch {
                log("warning: alerts: the spool in \(alerts.stateDirectory) could not be moved into the outbox: \(error)")
            }
        }

        let lock = ProviderLock(provider: options.provider)
        try lock.acquire(storeConnection, waitSeconds: options.waitSeconds) {
            guard hasStore, let holder = try? store.runningRun(provider: options.provider) else { return nil }
            return "run \(holder.id) for \(holder.from)..\(holder.to), started \(holder.startedAt)"
        }
        defer { lock.release(storeConnection) }

        var supersedes: String?
        var previous: [OpenItem] = []
        var resolvedLater: Set<ItemKey> = []
        if hasStore {
            supersedes = try store.currentRun(provider: options.provider, from: options.from, to: options.to)
            previous = try store.openItems(provider: options.provider)
            if let supersedes {
                // A rerun starts from the items as they stood before the run it replaces.
                let open = Set(previous.map(\.key))
                previous += try store.itemsResolved(by: supersedes).filter { !open.contains($0.key) }
            }
            let later = try store.laterWindows(provider: options.provider, after: options.to)
            if later > 0 {
                resolvedLater = try store.resolvedLater(provider: options.provider, after: options.to)
                log(
                    "warning: \(later) later window\(later == 1 ? "" : "s") of \(options.provider) exist; their open items are stale until that range is rerun"
                )
            }
        }
        if !options.dryRun {
            try store.abandonStaleRuns(provider: options.provider, except: runID)
            try store.beginRun(
                id: runID, provider: options.provider, format: options.format.rawValue, from: options.from,
                to: options.to, timezone: options.timezone, startedAt: startedAt, optionsJSON: optionsJSON())
        }
        do {
            return try reconcile(
                runID: runID, startedAt: startedAt, window: window, files: files, digests: digests,
                ledgerConnection: ledgerConnection, store: options.dryRun ? nil : store, supersedes: supersedes,
                previous: previous, resolvedLater: resolvedLater, reader: reader)
        } catch {
            if !options.dryRun { try? store.failRun(id: runID, error: String(describing: error)) }
            throw error
        }
    }

    private func reconcile(
        runID: String, startedAt: Timestamp, window: ReconciliationWindow, files: [SettlementFile], digests: FileDigests,
        ledgerConnection: PostgresConnection, store: ResultStore?, supersedes: String?, previous: [OpenItem],
        resolvedLater: Set<ItemKey>, reader: any SettlementReader
    ) throws -> Outcome {
        // PostgreSQL produces the ledger window while the files are parsed; rows wait in a bounded
        // queue, and those whose key is already indexed are matched as the files are read.
        let source = LedgerSource(provider: options.provider)
        var clock = Self.now()
        let stream = try source.begin(window: window, connection: ledgerConnection)
        var reconciler: Reconciler
        var fileReports: [RunReport.File]
        do {
            (reconciler, fileReports) = try readSettlementFiles(
                files, reader: reader, window: window, stream: stream, clock: &clock)
        } catch {
            stream.abandon()
            try? ledgerConnection.execute("ROLLBACK")
            throw error
        }
        let itemFacts: [ItemKey: History.LedgerFacts]
        do {
            try stream.drain(into: &reconciler)
            try source.lookUp(into: &reconciler, connection: ledgerConnection)
            itemFacts = try source.facts(for: previous.map(\.key), connection: ledgerConnection)
            try source.commit(ledgerConnection)
        } catch {
            try? ledgerConnection.execute("ROLLBACK")
            throw error
        }
        log(
            "ledger: \(reconciler.ledgerRowsStreamed) rows streamed, \(reconciler.ledgerRowsLookedUp) found outside the window in \(Self.seconds(since: &clock))"
        )

        let result = reconciler.finish()
        let index = reconciler.index
        let history = History(
            runID: runID, window: window, supersedes: supersedes, amountTolerance: options.amountToleranceMinor
        ).advance(
            breaks: result.breaks, previous: previous,
            settledKeys: { key in
                var reference = key.reference
                return reference.withUTF8 { index.find($0, key.kind) } != nil
            }, ledger: itemFacts, resolvedLater: resolvedLater)
        let sums = try digests.wait()
        for number in fileReports.indices { fileReports[number].sha256 = sums[number] }
        log(
            "classified \(history.breaks.count) breaks (\(history.newCount) new, \(history.persistingCount) persisting, \(history.resolved.count) resolved) in \(Self.seconds(since: &clock))"
        )

        let report = RunReport(
            runID: runID, provider: options.provider, format: options.format.rawValue, window: window,
            timezone: options.timezone, dryRun: options.dryRun, startedAt: startedAt, finishedAt: Self.now(),
            files: fileReports, lookbackDays: options.lookbackDays, lookaheadDays: options.lookaheadDays,
            amountToleranceMinor: options.amountToleranceMinor, result: result, supersedes: supersedes,
            history: history)
        // Render first, store second, write last: a report on disk always belongs to a stored run.
        let rendered = try ReportWriter.render(report)
        var alertWrites = AlertWrites()
        if let store {
            if let alerts = options.alerts {
                let told = try AlertOutbox(connection: store.connection).alertedItems(provider: options.provider)
                let fired = AlertEvaluator(rules: alerts.rules).alerts(for: report, told: told)
                alertWrites = AlertMessages.run(fired, report: report, reportPath: reportPath())
                for alert in fired {
                    log("alerts: \(alert.endpoint.name): \(alert.fired.map(\.detail).joined(separator: "; "))")
                }
            }
            try store.commit(
                runID: runID, provider: options.provider, finishedAt: report.finishedAt,
                summaryJSON: try RunSummaryJSON.summary(report), filesJSON: try RunSummaryJSON.files(report),
                supersedes: supersedes, breaks: history.breaks, filePaths: files.map(\.path), outcome: history,
                alerts: alertWrites)
        }
        let paths: [String]
        do {
            paths = try ReportWriter(directory: options.resolvedOutDirectory).write(rendered)
        } catch {
            throw RunError(
                code: .cannotWriteReports,
                message: "cannot write the reports to \(options.resolvedOutDirectory): \(error.localizedDescription)")
        }
        log("wrote the reports in \(Self.seconds(since: &clock))")
        return Outcome(report: report, reportPaths: paths, alertsQueued: alertWrites.messages.count)
    }

    /// The absolute path of `report.html`, as alerts name it.
    func reportPath() -> String {
        let directory = options.resolvedOutDirectory
        let absolute =
            directory.hasPrefix("/")
            ? directory : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(directory)
        return ((absolute as NSString).standardizingPath as NSString).appendingPathComponent("report.html")
    }

    /// Reads every settlement file into a fresh reconciler, with a per-file count of records.
    func readSettlementFiles(
        _ files: [SettlementFile], reader: any SettlementReader, window: ReconciliationWindow, stream: LedgerStream?,
        clock: inout Timestamp
    ) throws -> (Reconciler, [RunReport.File]) {
        let expected = files.reduce(0) { $0 + $1.size } / 48
        var sink = InterleavingSink(
            reconciler: Reconciler(
                window: window, amountTolerance: options.amountToleranceMinor, expectedTransactions: max(1024, expected)),
            stream: stream)
        var fileReports: [RunReport.File] = []
        for file in files {
            let before = (
                sink.reconciler.settlementTransactions + sink.reconciler.nonTransactionLines, sink.reconciler.rejects.count
            )
            try reader.read(file, into: &sink, progress: { _ in })
            let reconciler = sink.reconciler
            let records = reconciler.settlementTransactions + reconciler.nonTransactionLines - before.0
            let rejected = reconciler.rejects.count - before.1
            if reconciler.rejects.count > options.maxRejects {
                let first = reconciler.rejects[0]
                throw IngestError(
                    code: .tooManyRejects,
                    message:
                        "\(reconciler.rejects.count) records rejected, more than --max-rejects \(options.maxRejects); the first: line \(first.location.line): \(first.reason). Nothing was written.",
                    path: file.path)
            }
            fileReports.append(RunReport.File(path: file.path, sha256: "", records: records + rejected, rejected: rejected))
            log("read \(file.path): \(records) records, \(rejected) rejected in \(Self.seconds(since: &clock))")
        }
        return (sink.reconciler, fileReports)
    }

    /// The options a run was made with, as stored in `tally.runs.options` (never a URL or secret).
    func optionsJSON() -> String {
        let object: [String: Any] = [
            "lookback_days": options.lookbackDays, "lookahead_days": options.lookaheadDays,
            "amount_tolerance_minor": options.amountToleranceMinor, "max_rejects": options.maxRejects,
            "reference_column": options.readerOptions.referenceColumn as Any, "files": options.files,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Provider names become paths and lock keys: letters, digits, `_`, `-`, `.`; no leading dot.
    static func validate(provider: String) throws(RunError) {
        let allowed = provider.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F
                || $0 == 0x2D || $0 == 0x2E
        }
        guard !provider.isEmpty, provider.utf8.count <= 63, allowed, !provider.hasPrefix(".") else {
            throw RunError(
                code: .usage,
                message: "provider '\(provider)' is not a valid name; use letters, digits, '_', '-' or '.' (at most 63).")
        }
    }

    /// Seconds since `mark` as text ("0.42 s"), moving `mark` to now.
    static func seconds(since mark: inout Timestamp) -> String {
        let now = Self.now()
        let elapsed = now.microseconds - mark.microseconds
        mark = now
        return "\(elapsed / 1_000_000).\(String(elapsed % 1_000_000 / 10_000).leftPadded(to: 2)) s"
    }

    static func now() -> Timestamp {
        Timestamp(microseconds: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }
}
