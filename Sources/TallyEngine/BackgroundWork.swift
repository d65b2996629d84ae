import Foundation
import Synchronization
import TallyReport

/// A value computed on a thread of its own while the run goes on (what is left of the files'
/// SHA-256 while the run classifies, the reports while the store writes), waited for where it is
/// needed.
final class BackgroundWork<Value: Sendable>: Sendable {
    private let result = Mutex<Result<Value, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(name: String, _ work: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            let outcome = Result { try work() }
            result.withLock { $0 = outcome }
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Blocks until the value is known; rethrows the work's error.
    func wait() throws -> Value {
        done.wait()
        done.signal()
        return try result.withLock { $0! }.get()
    }
}

/// The reports rendered on two threads: `report.json` (the longest) on one, the others on the
/// other, put back in ``ReportWriter``'s order.
final class ParallelRendering: Sendable {
    private let json: BackgroundWork<ReportWriter.Rendered>
    private let others: BackgroundWork<ReportWriter.Rendered>

    init(_ report: RunReport) {
        json = BackgroundWork(name: "tally-render-json") { try ReportWriter.render(report) { $0 == "report.json" } }
        others = BackgroundWork(name: "tally-render-html") { try ReportWriter.render(report) { $0 != "report.json" } }
    }

    /// Blocks until both are done.
    func wait() throws -> ReportWriter.Rendered {
        ReportWriter.merged([try json.wait(), try others.wait()])
    }
}
