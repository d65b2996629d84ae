import TallyIngest

/// The SHA-256 of a run's settlement files, for the report, computed where the CPU is free: the
/// matcher hashes a slice whenever it would otherwise wait for ledger rows (``step()``), and what is
/// left once the ledger is matched is finished on a thread of its own while the run classifies
/// (``finishInBackground()``).
///
/// Measured on the 1M benchmark: a thread hashing the 149 MB file from the start (about 75 ms of
/// CPU) competed with PostgreSQL's export of the window, the run's critical path, for the two
/// cores; the run took 0.82 s with that thread and 0.75 s with no digest at all.
final class FileDigests: @unchecked Sendable {
    // One thread at a time: the matcher's until finishInBackground(), then the finishing thread;
    // wait() reads the outcome only after that thread's work is done (BackgroundWork orders it).
    private let files: [SettlementFile]
    private var current: SettlementFile.Digester?
    private var sums: [String] = []
    private var failure: IngestError?
    private var finishing: BackgroundWork<[String]>?

    init(_ files: [SettlementFile]) { self.files = files }

    /// Hashes the next slice (1 MiB).
    ///
    /// - Returns: false when nothing is left to hash (or reading failed; ``wait()`` reports it).
    func step() -> Bool {
        guard failure == nil, sums.count < files.count else { return false }
        do throws(IngestError) {
            let digester: SettlementFile.Digester
            if let current {
                digester = current
            } else {
                digester = try SettlementFile.Digester(files[sums.count])
                current = digester
            }
            if try !digester.step() {
                sums.append(digester.hex)
                current = nil
            }
            return true
        } catch {
            failure = error
            current = nil
            return false
        }
    }

    /// Hashes whatever is left on a thread of its own; call once, from the thread that stepped.
    func finishInBackground() {
        guard finishing == nil else { return }
        finishing = BackgroundWork(name: "tally-digests") { [self] in
            while step() {}
            if let failure { throw failure }
            return sums
        }
    }

    /// The digests, in file order; blocks until they are known.
    func wait() throws -> [String] {
        finishInBackground()
        return try finishing!.wait()
    }
}
