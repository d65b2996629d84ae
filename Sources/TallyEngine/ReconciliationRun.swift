import Foundation
import TallyCore
import TallyIngest
import TallyPostgres
import TallyReport

/// One reconciliation of a provider's settlement files against the ledger, end to end.
///
/// The stages, in order: check the inputs and resolve the window; read every settlement file into
/// the ``TallyCore/Reconciler`` (format reader → compact index); connect, take the provider's
/// advisory lock, stream the ledger window and look up the still-unclaimed references in one
/// read-only snapshot; classify; write `report.json`, `report.html` and `breaks.csv`.
///
/// ```swift
/// let outcome = try ReconciliationRun(options: options).run()
/// print(outcome.reportPaths[0])
/// ```
public struct ReconciliationRun: Sendable {
    public var options: RunOptions
    /// Receives one line per stage for the operator (stderr in the CLI).
    public var log: @Sendable (String) -> Void

    public init(options: RunOptions, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.options = options
        self.log = log
    }

    /// What a finished run produced.
    public struct Outcome: Sendable {
        public var report: RunReport
        public var reportPaths: [String]
    }

    public func run() throws -> Outcome {
        let startedAt = Self.now()
        let runID = UUID().uuidString.lowercased()
        try Self.validate(provider: options.provider)
        guard options.format.isSupported else {
            throw RunError(
                code: .usage, message: "format '\(options.format.rawValue)' is not supported by this build yet; use stripe.")
        }
        guard !options.files.isEmpty else { throw RunError(code: .usage, message: "give at least one --file.") }
        let window = try WindowResolver.resolve(
            from: options.from, to: options.to, timezone: options.timezone, lookbackDays: options.lookbackDays,
            lookaheadDays: options.lookaheadDays)
        let files = options.files.enumerated().map { SettlementFile(path: $0.element, index: $0.offset) }
        for file in files { try file.checkReadable() }

        // The digests are not needed until the report: compute them on another core meanwhile.
        let digests = FileDigests(files)
        let connection = try PostgresConnection(url: options.databaseURL)
        defer { connection.close() }
        let lock = ProviderLock(provider: options.provider)
        try lock.acquire(connection)
        defer { lock.release(connection) }

        // PostgreSQL produces the ledger window while the files are parsed; the rows wait in a
        // bounded queue until the index is complete.
        let source = LedgerSource(provider: options.provider)
        var clock = Self.now()
        let stream = try source.begin(window: window, connection: connection)
        var reconciler: Reconciler
        var fileReports: [RunReport.File]
        do {
            (reconciler, fileReports) = try readSettlementFiles(files, window: window, stream: stream, clock: &clock)
        } catch {
            stream.abandon()
            try? connection.execute("ROLLBACK")
            throw error
        }
        do {
            try stream.drain(into: &reconciler)
            try source.lookUp(into: &reconciler, connection: connection)
            try source.commit(connection)
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        log(
            "ledger: \(reconciler.ledgerRowsStreamed) rows streamed, \(reconciler.ledgerRowsLookedUp) found outside the window in \(Self.seconds(since: &clock))"
        )

        let result = reconciler.finish()
        let sums = try digests.wait()
        log("classified \(result.breaks.count) breaks in \(Self.seconds(since: &clock))")
        for number in fileReports.indices { fileReports[number].sha256 = sums[number] }
        let report = RunReport(
            runID: runID, provider: options.provider, format: options.format.rawValue, window: window,
            timezone: options.timezone, dryRun: options.dryRun, startedAt: startedAt, finishedAt: Self.now(),
            files: fileReports, lookbackDays: options.lookbackDays, lookaheadDays: options.lookaheadDays,
            amountToleranceMinor: options.amountToleranceMinor, result: result)
        let paths: [String]
        do {
            paths = try ReportWriter(directory: options.resolvedOutDirectory).write(report)
        } catch {
            throw RunError(
                code: .cannotWriteReports,
                message: "cannot write the reports to \(options.resolvedOutDirectory): \(error.localizedDescription)")
        }
        log("wrote the reports in \(Self.seconds(since: &clock))")
        return Outcome(report: report, reportPaths: paths)
    }

    /// Reads every settlement file into a fresh reconciler, with a per-file count of records.
    func readSettlementFiles(
        _ files: [SettlementFile], window: ReconciliationWindow, stream: LedgerStream?, clock: inout Timestamp
    ) throws -> (Reconciler, [RunReport.File]) {
        let expected = files.reduce(0) { $0 + $1.size } / 48
        var sink = InterleavingSink(
            reconciler: Reconciler(
                window: window, amountTolerance: options.amountToleranceMinor, expectedTransactions: max(1024, expected)),
            stream: stream)
        var fileReports: [RunReport.File] = []
        let reader = self.reader()
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

    func reader() -> any SettlementReader {
        switch options.format {
        case .stripe, .adyen, .paypal, .camt053, .camt054, .csv: StripeBalanceReport(options: options.readerOptions)
        }
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
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microseconds: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec / 1000))
    }
}
