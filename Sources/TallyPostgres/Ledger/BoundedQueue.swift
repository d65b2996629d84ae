import Dispatch
import Synchronization

/// A blocking FIFO with a fixed number of slots between one producer thread and one consumer.
///
/// The producer blocks when every slot is taken, so whatever the producer reads (the ledger
/// stream) waits in the database's socket instead of in memory: memory is bounded by
/// `capacity × item size`, never by the size of the ledger.
public final class BoundedQueue<Item: Sendable>: Sendable {
    private let items = Mutex<[Item]>([])
    private let free: DispatchSemaphore
    private let filled = DispatchSemaphore(value: 0)

    public init(capacity: Int) {
        precondition(capacity > 0)
        free = DispatchSemaphore(value: capacity)
    }

    /// Adds an item, waiting while the queue is full.
    public func push(_ item: sending Item) {
        free.wait()
        items.withLock { $0.append(item) }
        filled.signal()
    }

    /// Adds an item if a slot is free, without waiting; false when the queue is full.
    public func tryPush(_ item: Item) -> Bool {
        guard free.wait(timeout: .now()) == .success else { return false }
        items.withLock { $0.append(item) }
        filled.signal()
        return true
    }

    /// Takes the oldest item if there is one, without waiting.
    public func tryPop() -> Item? {
        guard filled.wait(timeout: .now()) == .success else { return nil }
        let item = items.withLock { $0.removeFirst() }
        free.signal()
        return item
    }

    /// Takes the oldest item, waiting while the queue is empty.
    public func pop() -> Item {
        filled.wait()
        let item = items.withLock { $0.removeFirst() }
        free.signal()
        return item
    }
}
