import Foundation
import Logging
import TallyCore
import TallyIngest
import TallyPostgres
import TallyReport

/// The settlement files' index would outgrow `--memory-limit`: the run starts over on disk.
struct SpillRequired: Error {
    /// What the whole index was estimated to need, in bytes.
    var estimatedBytes: Int
}

/// The sink of a spilled run: transactions go to their partition on disk; lines, rejects and
/// controls (few, and needed whole) stay with a side reconciler.
struct SpillingSink: SettlementSink {
    let partitions: SpillPartitions
    var side: Reconciler
    var transactions = 0
    /// The first write error (a sink cannot throw; the driver checks after each file).
    var failure: (any Error)?

    var lastLocation = SourceLocation(file: 0, line: 0)

    var wantsLineDetails: Bool { side.wantsLineDetails }
    mutating func noteDetails(_ details: LineDetails) { side.keepDetails(details, at: lastLocation) }
    /// Few and without a key: they stay with the side reconciler, like the lines and controls.
    mutating func addUnreferencedTransaction(
        kind: TransactionKind, amount: Money, location: SourceLocation, details: LineDetails
    ) {
        side.addUnreferencedTransaction(kind: kind, amount: amount, location: location, details: details)
    }

    mutating func addTransaction(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, location: SourceLocation
    ) {
        transactions += 1
        lastLocation = location
        guard failure == nil else { return }
        do { try partitions.writeSettlement(reference, kind: kind, amount: amount, location: location) } catch {
            failure = error
        }
    }

    /// The partitions count the transactions again when they are read back; the fees, which the
    /// partitions do not keep, are totalled here, and the two merge into the run's totals.
    mutating func noteFee(_ fee: Money, of kind: TransactionKind) { side.noteFee(fee, of: kind) }
    mutating func addNonTransaction(_ line: NonTransactionLine) { side.addNonTransaction(line) }
    mutating func addReject(_ reject: Reject) { side.addReject(reject) }
    mutating func addControl(_ control: ControlResult) { side.addControl(control) }
}

extension ReconciliationRun {
    /// What a spilled run found, in the shape the rest of the run needs.
    struct SpilledOutcome {
        var result: ReconciliationResult
        var fileReports: [RunReport.File]
        /// The keys of earlier open items that the settlement files hold.
        var settledKeys: Set<ItemKey>
        var itemFacts: [ItemKey: History.LedgerFacts]
    }

    /// How many partitions keep each partition's index within half the memory limit.
    static func partitionCount(estimatedBytes: Int, limit: Int) -> Int {
        let needed = (estimatedBytes * 2 + max(limit, 1) - 1) / max(limit, 1)
        return min(128, max(2, needed))
    }

    /// Reconciles partition by partition: the files are read once more into disk partitions, the
    /// ledger window is streamed into the same partitions (in a fresh snapshot), and each partition
    /// is matched, looked up and classified on its own; the results are merged.
    func reconcileSpilled(
        files: [SettlementFile], reader: any SettlementReader, window: ReconciliationWindow, source: LedgerSource,
        ledgerConnection: PostgresConnection, previous: [OpenItem], partitionCount: Int, clock: inout Timestamp
    ) throws -> SpilledOutcome {
        let parent = options.spillDirectory.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        let partitions = try SpillPartitions(count: partitionCount, under: parent)
        defer { partitions.remove() }
        note(
            "the settlement index would pass --memory-limit \(options.memoryLimitBytes ?? 0) bytes: spilling to \(partitionCount) disk partitions under \(parent.path)",
            phase: "spill", level: .notice)

        var sink = SpillingSink(
            partitions: partitions,
            side: Reconciler(
                window: window, amountTolerance: options.amountToleranceMinor, expectedTransactions: 16,
                keepsLineDetails: !options.matching.isEmpty))
        var fileReports: [RunReport.File] = []
        for file in files {
            let before = (sink.transactions + sink.side.nonTransactionLines, sink.side.rejects.count)
            let size = file.size
            let progress = self.progress
            try reader.read(
                file, into: &sink,
                progress: { bytes in
                    progress(.reading(file: file.path, bytes: bytes, total: size, ledgerRows: 0))
                })
            if let failure = sink.failure { throw failure }
            let records = sink.transactions + sink.side.nonTransactionLines - before.0
            let rejected = sink.side.rejects.count - before.1
            try checkRejects(sink.side.rejects, file: file)
            fileReports.append(RunReport.File(path: file.path, sha256: "", records: records + rejected, rejected: rejected))
            note(
                "read \(file.path) into partitions: \(records) records, \(rejected) rejected in \(Self.seconds(since: &clock))",
                phase: "read")
        }
        try partitions.finishSettlement()

        progress(.phase("ledger"))
        let stream = try source.begin(window: window, connection: ledgerConnection)
        var parts: [ReconciliationResult] = []
        var settled: Set<ItemKey> = []
        let itemFacts: [ItemKey: History.LedgerFacts]
        do {
            do {
                try stream.drainRows { try partitions.writeLedger($0) }
            } catch {
                stream.abandon()
                throw error
            }
            try partitions.finishLedger()
            progress(.phase("matching"))
            let previousKeys = Dictionary(grouping: previous.map(\.key)) { partitions.partition(of: $0.reference) }
            for number in 0..<partitions.count {
                var settlement = Reconciler(
                    window: window, amountTolerance: options.amountToleranceMinor,
                    expectedTransactions: max(16, partitions.settlementCounts[number]))
                try partitions.forEachSettlement(number) { reference, kind, amount, location in
                    settlement.addTransaction(reference, kind: kind, amount: amount, location: location)
                }
                var ledger = settlement.ledgerPhase()
                try partitions.forEachLedgerBatch(number) { batch in
                    LedgerSource.feed(batch, into: &ledger)
                }
                try source.lookUp(into: &ledger, connection: ledgerConnection)
                for key in previousKeys[number] ?? [] {
                    var reference = key.reference
                    if reference.withUTF8({ ledger.index.find($0, key.kind) }) != nil { settled.insert(key) }
                }
                parts.append(try source.withMerchantReferences(ledger.finish(), connection: ledgerConnection))
            }
            itemFacts = try source.facts(for: previous.map(\.key), connection: ledgerConnection)
            try source.commit(ledgerConnection)
        } catch {
            try? ledgerConnection.execute("ROLLBACK")
            throw error
        }
        let result = ReconciliationResult.merged([sink.side.ledgerPhase().finish()] + parts)
        note(
            "ledger: \(result.ledgerRowsStreamed) rows streamed into \(partitions.count) partitions, \(result.ledgerRowsLookedUp) found outside the window in \(Self.seconds(since: &clock))",
            phase: "ledger")
        return SpilledOutcome(result: result, fileReports: fileReports, settledKeys: settled, itemFacts: itemFacts)
    }

    /// Stops the run when more records than `--max-rejects` are rejected.
    func checkRejects(_ rejects: [Reject], file: SettlementFile) throws {
        guard rejects.count > options.maxRejects else { return }
        let first = rejects[0]
        throw IngestError(
            code: .tooManyRejects,
            message:
                "\(rejects.count) records rejected, more than --max-rejects \(options.maxRejects); the first: line \(first.location.line): \(masked(first.reason)). Nothing was written.",
            path: file.path)
    }
}
