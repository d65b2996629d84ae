import Foundation
import Logging
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
/// the run, its breaks, the open items and the alerts' outbox rows in one transaction, in which
/// `report.json`, `report.html` and `breaks.csv` are also written aside (a run whose reports
/// cannot be written is rolled back, exit 73); swap the new reports in as a whole
/// (``TallyReport/ReportFolder``); release the lock and deliver the alerts within the alert budget
/// (a failed delivery stays in the outbox and never fails the run).
///
/// ```swift
/// let outcome = try ReconciliationRun(options: options).run()
/// print(outcome.reportPaths[0])
/// ```
public struct ReconciliationRun: Sendable {
    public var options: RunOptions
    /// Receives one line per stage for the operator (kept for callers that want plain lines).
    public var log: @Sendable (String) -> Void
    /// Where the stages are logged, with `run_id`, `provider` and `phase` metadata.
    public var logger: Logger
    /// Where progress goes while the run works (a terminal's progress line in the CLI).
    public var progress: @Sendable (RunProgress) -> Void = { _ in }
    /// The id the run is stored under (known before it starts, so a failure alert can name it).
    public let runID: String

    public init(
        options: RunOptions, log: @escaping @Sendable (String) -> Void = { _ in },
        logger: Logger = Logger(label: "tally", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.options = options
        self.log = log
        self.logger = logger
        self.runID = UUID().uuidString.lowercased()
    }

    /// One line for the operator: to the logger with its phase, and to ``log``.
    func note(_ message: String, phase: String, level: Logger.Level = .info) {
        logger.log(level: level, "\(message)", metadata: ["phase": "\(phase)"])
        log(message)
    }

    /// What a finished run produced.
    public struct Outcome: Sendable {
        public var report: RunReport
        public var reportPaths: [String]
        /// `index.html` of the reports root, when the report directory lies in one.
        public var indexPath: String?
        /// Alerts the run put in the outbox.
        public var alertsQueued = 0
        /// What the delivery after the commit did (nil when nothing was delivered or it could not start).
        public var delivery: AlertDispatcher.Counts?
    }

    public func run() throws -> Outcome {
        var run = self
        run.logger[metadataKey: "run_id"] = "\(runID)"
        run.logger[metadataKey: "provider"] = "\(options.provider)"
        var outcome = try run.reconcileAndStore()
        if let alerts = options.alerts, !options.dryRun {
            CrashPoint.hit("alert-delivery")
            do {
                let store = try PostgresConnection(
                    url: options.resultsURL ?? options.databaseURL,
                    password: options.resultsURL == nil ? options.databasePassword : options.resultsPassword)
                defer { store.close() }
                outcome.delivery = alerts.deliver(store: store, log: { run.note($0, phase: "alerts") })
            } catch {
                run.note(
                    "alerts: cannot reach the store to deliver (\(error)); `tally alerts deliver` will send them",
                    phase: "alerts", level: .warning)
            }
        }
        return outcome
    }

    /// Everything up to the written reports, under the provider's lock.
    private func reconcileAndStore() throws -> Outcome {
        let startedAt = Self.now()
        note(
            "\(options.provider) \(options.from)..\(options.to): \(options.files.count) file\(options.files.count == 1 ? "" : "s")",
            phase: "start", level: .debug)
        try Self.validate(provider: options.provider)
        let reader = try ReaderFactory.reader(for: options.format, options: options.readerOptions)
        guard !options.files.isEmpty else { throw RunError(code: .usage, message: "give at least one --file.") }
        let window = try WindowResolver.resolve(
            from: options.from, to: options.to, timezone: options.timezone, lookbackDays: options.lookbackDays,
            lookaheadDays: options.lookaheadDays)
        let files = options.files.enumerated().map { SettlementFile(path: $0.element, index: $0.offset) }
        for file in files { try file.checkReadable() }

        // The digests are not needed until the report: hashed while the matcher waits for rows.
        let digests = FileDigests(files)
        let ledgerConnection = try PostgresConnection(url: options.databaseURL, password: options.databasePassword)
        defer { ledgerConnection.close() }
        var source = try ledgerSource(ledgerConnection)
        source.setAsideDirectory = options.spillDirectory  // with the spill partitions (--state-dir)
        let storeConnection = try PostgresConnection(
            url: options.resultsURL ?? options.databaseURL,
            password: options.resultsURL == nil ? options.databasePassword : options.resultsPassword,
            applicationName: ProviderLock.applicationName(runID: runID))
        defer { storeConnection.close() }
        CrashPoint.hit("connected")
        let store = ResultStore(connection: storeConnection)
        if !options.dryRun {
            let applied = try Migrations.migrate(storeConnection)
            if !applied.isEmpty {
                note(
                    "applied migrations \(applied.map(String.init).joined(separator: ", ")) of the tally schema", phase: "migrate"
                )
            }
        }
        let hasStore = try Migrations.currentVersion(storeConnection) != nil
        if let alerts = options.alerts, !options.dryRun {
            do {
                let moved = try AlertSpool(stateDirectory: alerts.stateDirectory).drain(
                    into: AlertOutbox(connection: storeConnection))
                if moved > 0 {
                    note("alerts: moved \(moved) spooled failure alert\(moved == 1 ? "" : "s") into the outbox", phase: "alerts")
                }
            } catch {
                note(
                    "alerts: the spool in \(alerts.stateDirectory) could not be moved into the outbox: \(error)", phase: "alerts",
                    level: .warning)
            }
        }

        CrashPoint.hit("migrated")
        let lock = ProviderLock(provider: options.provider)
        try lock.acquire(storeConnection, waitSeconds: options.waitSeconds) {
            guard hasStore, let holder = try? store.runningRun(provider: options.provider) else { return nil }
            return "run \(holder.id) for \(holder.from)..\(holder.to), started \(holder.startedAt)"
        }
        defer { lock.release(storeConnection) }
        CrashPoint.hit("locked")

        var supersedes: String?
        var previous: [OpenItem] = []
        var resolvedLater: Set<ItemKey> = []
        var earlierWindows: [RunReport.WindowBreaks] = []
        var people: [ItemKey: ItemStatus] = [:]
        if hasStore {
            supersedes = try store.currentRun(provider: options.provider, from: options.from, to: options.to)
            previous = try store.openItems(provider: options.provider)
            if try Migrations.currentVersion(storeConnection) ?? 0 >= ItemLog.migration {
                people = try ItemLog(connection: storeConnection).statusesByKey(provider: options.provider)
            }
            if let supersedes {
                // A rerun starts from the items as they stood before the run it replaces.
                let open = Set(previous.map(\.key))
                previous += try store.itemsResolved(by: supersedes).filter { !open.contains($0.key) }
            }
            // For the report's breaks-per-window chart: with this run, the last 30 windows.
            earlierWindows = try store.breaksPerWindow(provider: options.provider, before: options.from, limit: 29).map {
                RunReport.WindowBreaks(from: $0.from, to: $0.to, high: $0.high, medium: $0.medium, info: $0.info)
            }
            let later = try store.laterWindows(provider: options.provider, after: options.to)
            if later > 0 {
                resolvedLater = try store.resolvedLater(provider: options.provider, after: options.to)
                note(
                    later == 1
                        ? "a later window of \(options.provider) exists; its open items are stale until it is rerun"
                        : "\(later) later windows of \(options.provider) exist; their open items are stale until they are rerun",
                    phase: "history", level: .warning)
            }
        }
        // the payouts this run announces or this bank receives, as they stood before it (docs/payouts.md)
        let payoutPlan = try PayoutPlan.load(hasStore ? PayoutStore(connection: storeConnection) : nil, options, supersedes)
        if !options.dryRun {
            try store.abandonStaleRuns(provider: options.provider, except: runID)
            try store.beginRun(
                id: runID, provider: options.provider, format: options.format.rawValue, from: options.from,
                to: options.to, timezone: options.timezone, startedAt: startedAt, optionsJSON: optionsJSON())
        }
        do {
            return try reconcile(
                runID: runID, startedAt: startedAt, window: window, files: files, digests: digests,
                ledgerConnection: ledgerConnection, source: source, store: options.dryRun ? nil : store,
                supersedes: supersedes, previous: previous, resolvedLater: resolvedLater, earlierWindows: earlierWindows,
                reader: reader, people: people, payoutPlan: payoutPlan)
        } catch {
            if !options.dryRun { try? store.failRun(id: runID, error: masked(String(describing: error))) }
            throw error
        }
    }

    /// The canonical `payments` table, or the configured ledger query once it is checked to return
    /// the required columns (before anything is stored).
    private func ledgerSource(_ connection: PostgresConnection) throws -> LedgerSource {
        guard let query = options.ledgerQuery else {
            try LedgerSource.checkPaymentsTable(connection)
            return LedgerSource(provider: options.provider)
        }
        let hasMerchantReference: Bool
        do {
            hasMerchantReference = try LedgerSource.describe(query, connection: connection)
        } catch let error as PostgresError where !error.isConnectionFailure {
            throw RunError(code: .usage, message: "providers.\(options.provider).ledger_query: \(error.message)")
        }
        return LedgerSource(provider: options.provider, ledgerQuery: query, hasMerchantReference: hasMerchantReference)
    }

    private func reconcile(
        runID: String, startedAt: Timestamp, window: ReconciliationWindow, files: [SettlementFile], digests: FileDigests,
        ledgerConnection: PostgresConnection, source: LedgerSource, store: ResultStore?, supersedes: String?,
        previous: [OpenItem], resolvedLater: Set<ItemKey>, earlierWindows: [RunReport.WindowBreaks],
        reader: any SettlementReader, people: [ItemKey: ItemStatus], payoutPlan: PayoutPlan = PayoutPlan()
    ) throws -> Outcome {
        // PostgreSQL produces the ledger window while the files are parsed; rows wait in a bounded
        // queue (then on disk) and are matched once, after the last file (see IndexingSink).
        var clock = Self.now()
        let stream = try source.begin(window: window, connection: ledgerConnection)
        var result: ReconciliationResult
        var fileReports: [RunReport.File]
        var itemFacts: [ItemKey: History.LedgerFacts]
        var settledKeys: (ItemKey) -> Bool
        var bankLeg: BankLeg?
        do {
            var ledger: LedgerPhase
            do {
                (ledger, fileReports) = try readSettlementFiles(
                    files, reader: reader, window: window, stream: stream, clock: &clock)
            } catch {
                stream.abandon()
                try? ledgerConnection.execute("ROLLBACK")
                throw error
            }
            progress(.phase("ledger"))
            let setAside = stream.rowsSetAside
            let finished: ReconciliationResult
            let index: SettlementIndex
            do {
                try stream.drain(into: &ledger, whileWaiting: digests.step)
                digests.finishInBackground()
                try source.lookUp(into: &ledger, connection: ledgerConnection)
                itemFacts = try source.facts(for: previous.map(\.key), connection: ledgerConnection)
                index = ledger.index
                // classified here, while the snapshot is open, so the breaks get their merchant_ref
                finished = try source.withMerchantReferences(ledger.finish(), connection: ledgerConnection)
                try source.commit(ledgerConnection)
                CrashPoint.hit("ledger-read")
            } catch {
                try? ledgerConnection.execute("ROLLBACK")
                throw error
            }
            note(
                "ledger: \(finished.ledgerRowsStreamed) rows streamed (\(setAside) of them set aside on disk while the files were read), \(finished.ledgerRowsLookedUp) found outside the window in \(Self.seconds(since: &clock))",
                phase: "ledger")
            progress(.phase("matching"))
            // --mask-pii: once, here, so the store, the reports and stdout all see the masked text
            let leg = payoutLeg(finished, window: window, plan: payoutPlan, clock: &clock)
            bankLeg = leg.1
            let ruled = applyingRulePasses(to: leg.0, window: window, people: people, clock: &clock)
            result = options.maskPII ? ruled.maskingPII() : ruled
            settledKeys = { key in
                var reference = key.reference
                return reference.withUTF8 { index.find($0, key.kind) } != nil
            }
        } catch let spill as SpillRequired {
            // Nothing was read from the abandoned snapshot into the result: start over on disk.
            let spilled = try reconcileSpilled(
                files: files, reader: reader, window: window, source: source, ledgerConnection: ledgerConnection,
                previous: previous,
                partitionCount: Self.partitionCount(estimatedBytes: spill.estimatedBytes, limit: options.memoryLimitBytes ?? 1),
                clock: &clock)
            let leg = payoutLeg(spilled.result, window: window, plan: payoutPlan, clock: &clock)
            bankLeg = leg.1
            let ruled = applyingRulePasses(to: leg.0, window: window, people: people, clock: &clock)
            (result, fileReports, itemFacts) = (
                options.maskPII ? ruled.maskingPII() : ruled, spilled.fileReports, spilled.itemFacts
            )
            let settled = spilled.settledKeys
            settledKeys = { settled.contains($0) }
        }

        let (announced, settledBatches) = try announcedPayouts(files, reader: reader, plan: payoutPlan, into: &result)
        let payoutWrites = payoutPlan.writes(
            announced: announced, settled: settledBatches, bankLeg: bankLeg, options: options, runID: runID, window: window,
            filePaths: files.map(\.path))
        if !options.allowEmptyLedger {
            try EmptyLedgerGuard.check(
                result, provider: options.provider, window: window, source: source, connection: ledgerConnection)
        }
        // --allow-empty-ledger has accepted already that every line of this run breaks
        let acceptedEmptyLedger = options.allowEmptyLedger && result.ledgerRowsStreamed == 0 && result.ledgerRowsLookedUp == 0
        if !options.allowMassBreaks && !acceptedEmptyLedger {
            try MassBreakGuard.check(result, ratio: options.maxBreakRatio, window: window)
        }
        var history = History(
            runID: runID, window: window, supersedes: supersedes, amountTolerance: options.amountToleranceMinor
        ).advance(
            breaks: result.breaks, previous: previous, settledKeys: settledKeys, ledger: itemFacts, resolvedLater: resolvedLater,
            people: people)
        if let bankLeg {
            history = history.resolvingPayouts(bankLeg.lateArrivals, of: .payoutMissing, as: .timingDifference)
        }
        // The index (most of the run's memory) is needed no more: let it go before the reports are rendered.
        settledKeys = { _ in false }
        let sums = try digests.wait()
        for number in fileReports.indices { fileReports[number].sha256 = sums[number] }
        note(
            "classified \(history.breaks.count) breaks (\(history.newCount) new, \(history.persistingCount) persisting, \(history.resolved.count) resolved) in \(Self.seconds(since: &clock))",
            phase: "match")
        progress(.phase("writing"))

        var report = RunReport(
            runID: runID, provider: options.provider, format: options.format.rawValue, window: window,
            timezone: options.timezone, dryRun: options.dryRun, startedAt: startedAt, finishedAt: Self.now(),
            files: fileReports, lookbackDays: options.lookbackDays, lookaheadDays: options.lookaheadDays,
            amountToleranceMinor: options.amountToleranceMinor, result: result, supersedes: supersedes,
            history: history, earlierWindows: earlierWindows)
        let marks = ItemMarks(people: people, history: history, day: window.to)
        report.itemMarks = marks.marks
        report.resolvedMarks = marks.resolved
        if payoutWrites.configured {
            report.payouts = PayoutReport(
                role: payoutWrites.isBank ? .bank : .provider, payouts: payoutWrites.after, asOf: window.to)
        }
        // Render, stage, store, then swap in: a report on disk always belongs to a stored run, and a
        // run whose reports cannot be written is not stored. The reports are rendered on another
        // thread while the store writes the breaks and open items, and staged (written aside,
        // ReportFolder) inside the store's transaction, so a full disk rolls the run back.
        let renderer = ParallelRendering(report)
        let folder = ReportFolder(directory: options.resolvedOutDirectory)
        let leftovers = folder.removeLeftovers()  // under the provider's lock: no other run writes here
        if !leftovers.isEmpty {
            note(
                "removed \(leftovers.count) temporary report file\(leftovers.count == 1 ? "" : "s") of killed runs: \(leftovers.joined(separator: ", "))",
                phase: "write")
        }
        var staged: ReportFolder.Staged?
        var alertWrites = AlertWrites()
        CrashPoint.hit("classified")
        if let store {
            if let alerts = options.alerts {
                let told = try AlertOutbox(connection: store.connection).alertedItems(provider: options.provider)
                let fired = AlertEvaluator(rules: alerts.rules).alerts(for: report, told: told)
                alertWrites = AlertMessages.run(fired, report: report, reportPath: reportPath())
                for alert in fired {
                    note("alerts: \(alert.endpoint.name): \(alert.fired.map(\.detail).joined(separator: "; "))", phase: "alerts")
                }
            }
            do {
                try store.commit(
                    runID: runID, provider: options.provider, finishedAt: report.finishedAt,
                    summaryJSON: try RunSummaryJSON.summary(report), filesJSON: try RunSummaryJSON.files(report),
                    supersedes: supersedes, breaks: history.breaks, filePaths: files.map(\.path), outcome: history,
                    reports: {
                        let rendered = try renderer.wait()
                        staged = try stageReports(rendered, in: folder)
                        return rendered.files
                    }, alerts: alertWrites,
                    itemEvents: marks.factsChangedEvents(provider: options.provider, runID: runID, at: report.finishedAt),
                    payouts: { try payoutWrites.store(in: $0, supersedes: supersedes, runID: runID) })
            } catch {
                staged?.discard()  // not stored: the folder keeps the reports of the run it has
                throw error
            }
        } else {
            staged = try stageReports(try renderer.wait(), in: folder)
        }
        guard let staged else { throw RunError(code: .internalFailure, message: "the reports were not staged") }
        let paths: [String]
        do {
            paths = try staged.publish()
        } catch {
            staged.discard()
            throw RunError(
                code: .cannotWriteReports,
                message:
                    "the run is stored, but its reports could not be put in \(options.resolvedOutDirectory) (\(error)); `tally report \(runID)` writes them"
            )
        }
        note(
            "\(store == nil ? "wrote the reports (nothing stored)" : "stored the run and wrote the reports") in \(Self.seconds(since: &clock))",
            phase: "write")
        // The index is a convenience over the folder: a failure to write it does not fail the run.
        var indexPath: String?
        if let root = options.reportsRoot {
            do {
                indexPath = try ReportIndex.write(root: root)
            } catch {
                note("cannot write the index of \(root): \(error)", phase: "write", level: .warning)
            }
        }
        progress(.done)
        return Outcome(report: report, reportPaths: paths, indexPath: indexPath, alertsQueued: alertWrites.messages.count)
    }

    /// Writes the reports aside (nothing in the report folder changes yet); a failure is exit 73.
    func stageReports(_ rendered: ReportWriter.Rendered, in folder: ReportFolder) throws -> ReportFolder.Staged {
        do {
            let staged = try folder.stage(rendered)
            CrashPoint.hit("reports-staged")
            return staged
        } catch {
            throw RunError(
                code: .cannotWriteReports,
                message:
                    "cannot write the reports to \(folder.directory): \(error); nothing was stored, the reports already there are as they were"
            )
        }
    }

    /// The absolute path of `report.html`, as alerts name it.
    func reportPath() -> String {
        let directory = options.resolvedOutDirectory
        let absolute =
            directory.hasPrefix("/")
            ? directory : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(directory)
        return ((absolute as NSString).standardizingPath as NSString).appendingPathComponent("report.html")
    }

    /// The run's matching rules, for the rule passes over the residue.
    /// The provider's rule passes over the key pass's residue (docs/matching.md, "Rule passes"),
    /// with one line for the operator saying what each paired and what it left alone.
    func applyingRulePasses(
        to keyed: ReconciliationResult, window: ReconciliationWindow, people: [ItemKey: ItemStatus], clock: inout Timestamp
    ) -> ReconciliationResult {
        guard !options.matching.isEmpty else { return keyed }
        let ruled = keyed.applying(options.matching, classifier: classifier(window), people: people)
        let pairs = options.matching.map { "\($0.name) \(ruled.pairsByPass[$0.name] ?? 0)" }.joined(separator: ", ")
        let ambiguous = ruled.breaks.count { $0.breakClass == .ambiguousMatch }
        note(
            "rule passes: pairs \(pairs); \(ambiguous) ambiguous in \(Self.seconds(since: &clock))", phase: "match")
        if ruled.boundedGroupSearches > 0 {
            note(
                "rule passes: \(ruled.boundedGroupSearches) line(s) had too many candidate rows for a group search"
                    + " (more than \(ResidueMatcher.groupPoolLimit), or \(ResidueMatcher.groupNodeBudget) subsets): left unpaired",
                phase: "match", level: .warning)
        }
        return ruled
    }

    func classifier(_ window: ReconciliationWindow) -> Classifier {
        Classifier(window: window, tolerance: Tolerance(minor: options.amountToleranceMinor))
    }

    /// Reads every settlement file into a fresh reconciler, with a per-file count of records, and
    /// ends the settlement phase.
    func readSettlementFiles(
        _ files: [SettlementFile], reader: any SettlementReader, window: ReconciliationWindow, stream: LedgerStream?,
        clock: inout Timestamp
    ) throws -> (LedgerPhase, [RunReport.File]) {
        let expected = files.reduce(0) { $0 + $1.size } / 48
        var sink = IndexingSink(
            reconciler: Reconciler(
                window: window, amountTolerance: options.amountToleranceMinor,
                expectedTransactions: max(1024, options.memoryLimitBytes == nil ? expected : min(expected, 1 << 16)),
                keepsLineDetails: !options.matching.isEmpty || !options.payoutSources.isEmpty),
            budget: options.memoryLimitBytes)
        let totalBytes = files.reduce(0) { $0 + $1.size }
        var bytesDone = 0
        var fileReports: [RunReport.File] = []
        for file in files {
            let before = (
                sink.reconciler.settlementTransactions + sink.reconciler.nonTransactionLines, sink.reconciler.rejects.count
            )
            let size = file.size
            let progress = self.progress
            try reader.read(
                file, into: &sink,
                progress: { [stream] bytes in
                    progress(.reading(file: file.path, bytes: bytes, total: size, ledgerRows: stream?.rowsReceived ?? 0))
                })
            sink.checkBudget()
            bytesDone += size
            if sink.overBudget {
                // what the index holds, scaled to every transaction offered and to the files not read yet
                let perTransaction = Double(sink.reconciler.indexFootprintBytes) / Double(max(1, sink.reconciler.indexCount))
                let estimate = perTransaction * Double(sink.offered) * Double(max(totalBytes, 1)) / Double(max(bytesDone, 1))
                throw SpillRequired(estimatedBytes: Int(min(estimate, Double(Int.max / 4))))
            }
            let reconciler = sink.reconciler
            let records = reconciler.settlementTransactions + reconciler.nonTransactionLines - before.0
            let rejected = reconciler.rejects.count - before.1
            try checkRejects(reconciler.rejects, file: file)
            fileReports.append(RunReport.File(path: file.path, sha256: "", records: records + rejected, rejected: rejected))
            note("read \(file.path): \(records) records, \(rejected) rejected in \(Self.seconds(since: &clock))", phase: "read")
        }
        return (sink.reconciler.ledgerPhase(), fileReports)
    }

    /// A message as the operator may see it: with `maskPII`, quoted raw values, e-mail addresses
    /// and card numbers masked (``TallyCore/PIIMasker/maskMessage(_:)``).
    func masked(_ message: String) -> String {
        options.maskPII ? PIIMasker().maskMessage(message) : message
    }

    /// The options a run was made with, as stored in `tally.runs.options` (never a URL or secret).
    func optionsJSON() -> String {
        StoredRunOptions(options).json
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
