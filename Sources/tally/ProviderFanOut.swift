import Foundation
import Synchronization
import TallyEngine

/// `tally run --jobs N`: the planned provider runs, at most N at a time, each on its own thread
/// with its own connections and its own provider lock (exactly as in separate processes: a manual
/// rerun holding a provider's lock makes that provider's run wait or exit 75, never another's).
///
/// The runs are handed out in plan order (config order) to N workers; the statuses come back in
/// plan order too, so the command's exit status does not depend on which run finished first.
enum ProviderFanOut {
    /// Each worker's stack: the runs parse and classify on their own thread (the default of a
    /// secondary thread is smaller than the main thread's 8 MiB).
    static let stackSize = 8 << 20

    static func perform(
        _ runs: [ProviderRun], jobs: Int, _ body: @escaping @Sendable (ProviderRun) -> ExitStatus?
    ) -> [ExitStatus?] {
        guard jobs > 1, runs.count > 1 else { return runs.map(body) }
        let next = Mutex(0)
        let statuses = Mutex([ExitStatus?](repeating: nil, count: runs.count))
        let done = DispatchGroup()
        for _ in 0..<min(jobs, runs.count) {
            done.enter()
            let worker = Thread {
                defer { done.leave() }
                while true {
                    let index = next.withLock { value in
                        defer { value += 1 }
                        return value
                    }
                    guard index < runs.count else { return }
                    let status = body(runs[index])
                    statuses.withLock { $0[index] = status }
                }
            }
            worker.stackSize = stackSize
            worker.start()
        }
        done.wait()
        return statuses.withLock { $0 }
    }
}

/// The metrics recorder of one invocation, shared by the runs of `--jobs`: one run records at a time.
final class SharedMetrics: Sendable {
    private let recorder: Mutex<RunMetrics>

    init(_ recorder: sending RunMetrics) { self.recorder = Mutex(recorder) }

    func with<R: Sendable>(_ body: (RunMetrics) throws -> R) rethrows -> R {
        try recorder.withLock { try body($0) }
    }
}
