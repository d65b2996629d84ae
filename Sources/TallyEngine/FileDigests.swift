import Foundation
import Synchronization
import TallyIngest

/// SHA-256 of the run's files, computed on a background thread while the files are parsed and the
/// ledger streams, so hashing never sits on the critical path.
final class FileDigests: Sendable {
    private let result = Mutex<Result<[String], IngestError>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ files: [SettlementFile]) {
        let thread = Thread { [self] in
            var sums: [String] = []
            do throws(IngestError) {
                for file in files { sums.append(try file.sha256()) }
                result.withLock { $0 = .success(sums) }
            } catch {
                result.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        thread.start()
    }

    /// Blocks until every digest is known.
    func wait() throws(IngestError) -> [String] {
        done.wait()
        done.signal()
        return try result.withLock { $0! }.get()
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
