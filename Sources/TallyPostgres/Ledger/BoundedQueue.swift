import Dispatch
import Synchronization

/// A FIFO with a fixed number of slots between one producer thread and one consumer.
///
/// ``push(_:)`` waits while every slot is taken; ``tryPush(_:)`` does not. Memory is bounded by
/// `capacity × item size`. The ledger stream uses ``tryPush(_:)`` and, when the queue is full, sets
/// the batch aside on disk (``LedgerOverflow``) instead of waiting: it never waits for the matcher,
/// and only pushes (waiting) when the overflow file cannot be written.
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
