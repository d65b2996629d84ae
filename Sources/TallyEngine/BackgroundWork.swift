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

/// The three reports rendered on two threads: `report.json` (the longest, Foundation's
/// `JSONEncoder`) on one, `report.html` and `breaks.csv` on the other, in the same files and
/// order as ``ReportWriter/render(_:)``.
final class ParallelRendering: Sendable {
    private let json: BackgroundWork<[UInt8]>
    private let pages: BackgroundWork<ReportWriter.Rendered>

    init(_ report: RunReport) {
        json = BackgroundWork(name: "tally-render-json") { try JSONReport.render(report) }
        pages = BackgroundWork(name: "tally-render-html") {
            ReportWriter.Rendered(files: [("report.html", HTMLReport.render(report)), ("breaks.csv", BreaksCSV.render(report))])
        }
    }

    /// Blocks until both are done.
    func wait() throws -> ReportWriter.Rendered {
        ReportWriter.Rendered(files: [("report.json", try json.wait())] + (try pages.wait()).files)
    }
}
