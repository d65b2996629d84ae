import Foundation
import Synchronization

/// A value computed on a thread of its own while the run goes on (the files' SHA-256 while they are
/// parsed, the reports while the store writes), waited for where it is needed.
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
