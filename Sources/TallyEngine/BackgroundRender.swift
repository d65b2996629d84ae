import Foundation
import Synchronization
import TallyReport

/// The three reports rendered on another thread, so that rendering overlaps the store's writes of
/// the breaks and open items (the store takes the rendered bytes last, in the same transaction).
final class BackgroundRender: Sendable {
    private let result = Mutex<Result<ReportWriter.Rendered, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ report: RunReport) {
        let thread = Thread { [self] in
            let rendered = Result { try ReportWriter.render(report) }
            result.withLock { $0 = rendered }
            done.signal()
        }
        thread.name = "tally-render"
        thread.start()
    }

    /// Blocks until the reports are rendered.
    func wait() throws -> ReportWriter.Rendered {
        done.wait()
        done.signal()
        return try result.withLock { $0! }.get()
    }
}
