internal import CTallyPrefetch

/// The file side of a run: every settlement transaction, held compactly for one pass of the ledger.
///
/// References live as bytes in one arena; entries are fixed-size structs; the hash table is an
/// open-addressing array of `UInt64` slots (32-bit hash | entry number). Looking up a ledger row
/// therefore costs one hash of its reference bytes and, on a hit, one `memcmp`: no `String` is
/// built per row on either side. Memory is about 64 bytes per entry plus the reference bytes plus
/// 8–16 bytes of table, and grows with the settlement file only.
public struct SettlementIndex: Sendable {
    /// One settlement transaction and, once claimed, the facts of its ledger row (56 bytes).
    public struct Entry: Sendable {

        public var referenceOffset: Int
        public var referenceLength: Int32
        public var line: Int32
        public var amountMinor: Int64
        public var ledgerAmountMinor: Int64 = 0
        public var ledgerCreatedAt: Int64 = 0
        public var currencyPacked: UInt32
        public var ledgerCurrencyPacked: UInt32 = 0
        public var file: UInt16
        public var kind: TransactionKind
        /// Whether a ledger row claimed the entry, and which read found it.
        public var ledgerClaim: LedgerClaim = .none
        public var ledgerStatus: LedgerStatusCode = .succeeded
    }

    /// Which read of the ledger found the row an entry holds.
    public enum LedgerClaim: UInt8, Sendable {
        /// No ledger row has the entry's key (yet).
        case none
        /// A row of the streamed window.
        case streamed
        /// A row found by the lookup outside the streamed range.
        case lookedUp
    }

    /// A transaction whose reference bytes are at the end of the arena but whose key is not in the
    /// table yet (``insertDeferred(_:kind:amount:location:)``).
    struct Staged {
        var offset: Int
        var length: Int
        var kind: TransactionKind
        var amount: Money
        var location: SourceLocation
        var hash: UInt32
    }

    /// A staged transaction whose key turned out to be in the index already.
    public struct Duplicate: Sendable {
        public var reference: String
        public var kind: TransactionKind
        public var amount: Money
        public var location: SourceLocation
    }

    public private(set) var entries: [Entry] = []
    private var staged: Staged?
    private var arena: [UInt8] = []
    private var slots: [UInt64]
    private var mask: Int
    /// Status texts of claimed rows whose status is not one of the four known ones.
    var otherStatuses: [Int: String] = [:]

    /// - Parameter expectedCount: an upper estimate of the entries. Entries and reference bytes
    ///   are reserved for it up front (untouched reserved pages cost no memory, and no doubling copy
    ///   happens later); the hash table starts small and doubles, since zeroed slots do cost memory.
    public init(expectedCount: Int = 1024) {
        entries.reserveCapacity(expectedCount)
        arena.reserveCapacity(expectedCount * 24)
        let capacity = 1 << 12
        slots = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    public var count: Int { entries.count }

    /// Bytes held by the index (arena, entries, table), for the memory report.
    public var footprintBytes: Int {
        arena.capacity + entries.capacity * MemoryLayout<Entry>.stride + slots.count * 8
    }

    /// FNV-1a over the reference bytes, then the kind; good enough spread for provider ids.
    @inline(__always)
    static func hash(_ reference: UnsafeBufferPointer<UInt8>, _ kind: TransactionKind) -> UInt32 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in reference {
            h = (h ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        h = (h ^ UInt64(kind.rawValue)) &* 0x100_0000_01b3
        return UInt32(truncatingIfNeeded: h ^ (h >> 32)) | 1  // never 0 in the high half of a used slot
    }

    /// Finds the entry with this key.
    @inline(__always)
    public func find(_ reference: UnsafeBufferPointer<UInt8>, _ kind: TransactionKind) -> Int? {
        let h = Self.hash(reference, kind)
        return probe(reference, kind, hash: h).found
    }

    @inline(__always)
    private func probe(_ reference: UnsafeBufferPointer<UInt8>, _ kind: TransactionKind, hash h: UInt32)
        -> (found: Int?, slot: Int)
    {
        var slot = Int(h) & mask
        return arena.withUnsafeBufferPointer { arenaBytes in
            while true {
                let value = slots[slot]
                if value == 0 { return (nil, slot) }
                if UInt32(truncatingIfNeeded: value >> 32) == h {
                    let index = Int(UInt32(truncatingIfNeeded: value)) - 1
                    let entry = entries[index]
                    if entry.kind == kind, Int(entry.referenceLength) == reference.count,
                        bytesEqual(arenaBytes, at: entry.referenceOffset, reference)
                    {
                        return (index, slot)
                    }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Starts loading what ``find(_:_:)`` will touch for a group of keys: their hash-table slots,
    /// then the entries those slots name, then those entries' reference bytes. Each of the three
    /// is a cache miss in a table of a million entries; loading them for the whole group at once
    /// lets the misses overlap, so the group waits for memory about three times instead of three
    /// times per key. It changes nothing: a slot of another key only costs a wasted load.
    public func prefetch(_ count: Int, key: (Int) -> (UnsafeBufferPointer<UInt8>, TransactionKind)) {
        guard count > 0 else { return }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { slotNumbers in
            slots.withUnsafeBufferPointer { table in
                guard let table = table.baseAddress else { return }  // never: the table has 4096 slots or more
                for number in 0..<count {
                    let (reference, kind) = key(number)
                    let slot = Int(Self.hash(reference, kind)) & mask
                    slotNumbers[number] = slot
                    tally_prefetch(table + slot)
                }
                entries.withUnsafeBufferPointer { entries in
                    guard let first = entries.baseAddress else { return }  // an empty index: no slot is used
                    let stride = MemoryLayout<Entry>.stride
                    for slot in slotNumbers where table[slot] != 0 {
                        let entry = UnsafeRawPointer(first + Int(UInt32(truncatingIfNeeded: table[slot])) - 1)
                        tally_prefetch(entry)
                        tally_prefetch(entry + (stride - 1))
                    }
                    arena.withUnsafeBufferPointer { arena in
                        guard let bytes = arena.baseAddress else { return }  // every reference is empty
                        for slot in slotNumbers where table[slot] != 0 {
                            let entry = entries[Int(UInt32(truncatingIfNeeded: table[slot])) - 1]
                            tally_prefetch(bytes + entry.referenceOffset)
                        }
                    }
                }
            }
        }
    }

    /// Adds a transaction unless its key is already present.
    ///
    /// - Returns: the new entry's number, or `nil` when the key was already in the index (the
    ///   caller reports a `duplicate_in_provider`).
    public mutating func insert(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, location: SourceLocation
    ) -> Int? {
        precondition(staged == nil, "insert after insertDeferred without settle")
        let h = Self.hash(reference, kind)
        let (found, slot) = probe(reference, kind, hash: h)
        if found != nil { return nil }
        let offset = arena.count
        arena.append(contentsOf: reference)
        return addEntry(
            Staged(offset: offset, length: reference.count, kind: kind, amount: amount, location: location, hash: h), slot: slot)
    }

    /// Appends the entry of a transaction whose reference bytes are in the arena, and takes its slot.
    private mutating func addEntry(_ transaction: Staged, slot: Int) -> Int {
        let index = entries.count
        entries.append(
            Entry(
                referenceOffset: transaction.offset, referenceLength: Int32(transaction.length),
                line: Int32(clamping: transaction.location.line), amountMinor: transaction.amount.minor,
                currencyPacked: transaction.amount.currency.packed, file: UInt16(clamping: transaction.location.file),
                kind: transaction.kind))
        slots[slot] = UInt64(transaction.hash) << 32 | UInt64(index + 1)
        if entries.count * 10 > slots.count * 7 { grow() }
        return index
    }

    /// Whether a transaction waits in ``insertDeferred(_:kind:amount:location:)`` for its key to
    /// go into the table (see ``settle()``).
    var hasStaged: Bool { staged != nil }

    /// Adds a transaction one call late, for the parser's loop: its slot is prefetched and its
    /// reference stored now, and its key goes into the table at the next call (or ``settle()``),
    /// so the cache miss on a table of a million slots overlaps the parsing of the next line
    /// instead of stalling it. Keys still go in in the order given, so duplicates are the same as
    /// with ``insert(_:kind:amount:location:)``.
    ///
    /// - Returns: the transaction staged by the previous call if its key was already present.
    public mutating func insertDeferred(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, location: SourceLocation
    ) -> Duplicate? {
        let h = Self.hash(reference, kind)
        slots.withUnsafeBufferPointer { if let table = $0.baseAddress { tally_prefetch(table + (Int(h) & mask)) } }
        let duplicate = settle()
        staged = Staged(offset: arena.count, length: reference.count, kind: kind, amount: amount, location: location, hash: h)
        arena.append(contentsOf: reference)
        return duplicate
    }

    /// Puts the staged transaction's key into the table, if one is staged.
    ///
    /// - Returns: the staged transaction if its key was already present (its bytes leave the arena).
    public mutating func settle() -> Duplicate? {
        guard let pending = staged else { return nil }
        staged = nil
        let found = arena.withUnsafeBufferPointer { bytes in
            probe(
                UnsafeBufferPointer(rebasing: bytes[pending.offset..<pending.offset + pending.length]), pending.kind,
                hash: pending.hash)
        }
        if found.found != nil {
            let reference = arena.withUnsafeBufferPointer {
                String(decoding: UnsafeBufferPointer(rebasing: $0[pending.offset...]), as: UTF8.self)
            }
            arena.removeLast(pending.length)
            return Duplicate(reference: reference, kind: pending.kind, amount: pending.amount, location: pending.location)
        }
        _ = addEntry(pending, slot: found.slot)
        return nil
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        var fresh = [UInt64](repeating: 0, count: capacity)
        let newMask = capacity - 1
        for value in slots where value != 0 {
            var slot = Int(UInt32(truncatingIfNeeded: value >> 32)) & newMask
            while fresh[slot] != 0 { slot = (slot + 1) & newMask }
            fresh[slot] = value
        }
        slots = fresh
        mask = newMask
    }

    /// The reference of an entry as a String (built only for breaks and lookups).
    public func reference(of index: Int) -> String {
        let entry = entries[index]
        return arena.withUnsafeBufferPointer {
            String(
                decoding: UnsafeBufferPointer(
                    rebasing: $0[entry.referenceOffset..<entry.referenceOffset + Int(entry.referenceLength)]), as: UTF8.self)
        }
    }

    /// Records the ledger row facts on an entry.
    @inline(__always)
    mutating func setLedger(_ index: Int, amount: Money, status: LedgerStatus, createdAt: Timestamp, claim: LedgerClaim) {
        var entry = entries[index]
        let previous = entry.ledgerStatus
        entry.ledgerAmountMinor = amount.minor
        entry.ledgerCurrencyPacked = amount.currency.packed
        entry.ledgerCreatedAt = createdAt.microseconds
        entry.ledgerClaim = claim
        let code = LedgerStatusCode(status)
        entry.ledgerStatus = code
        entries[index] = entry
        if code == .other {
            otherStatuses[index] = status.text
        } else if previous == .other {
            otherStatuses[index] = nil
        }
    }

    /// Rebuilds the claimed ledger row of an entry; nil while no row claimed it.
    func ledgerRecord(of index: Int) -> LedgerRecord? {
        let entry = entries[index]
        guard entry.ledgerClaim != .none, let ledgerCurrency = Currency(packed: entry.ledgerCurrencyPacked) else { return nil }
        return LedgerRecord(
            reference: reference(of: index), kind: entry.kind,
            amount: Money(minor: entry.ledgerAmountMinor, currency: ledgerCurrency),
            status: entry.ledgerStatus.status(other: otherStatuses[index]),
            createdAt: Timestamp(microseconds: entry.ledgerCreatedAt))
    }
}

/// Whether `reference.count` bytes of `arena` from `offset` equal `reference` (empty ones are equal).
@inline(__always)
private func bytesEqual(_ arena: UnsafeBufferPointer<UInt8>, at offset: Int, _ reference: UnsafeBufferPointer<UInt8>) -> Bool {
    let count = reference.count
    guard count > 0 else { return true }
    guard let arenaBase = arena.baseAddress, let b = reference.baseAddress else { return false }
    let a = arenaBase + offset
    var index = 0
    while index + 8 <= count {
        if UnsafeRawPointer(a + index).loadUnaligned(as: UInt64.self)
            != UnsafeRawPointer(b + index).loadUnaligned(as: UInt64.self)
        {
            return false
        }
        index += 8
    }
    while index < count {
        if a[index] != b[index] { return false }
        index += 1
    }
    return true
}

/// A ledger status squeezed into one byte for the index.
public enum LedgerStatusCode: UInt8, Sendable {
    case succeeded, refunded, failed, pending, other

    init(_ status: LedgerStatus) {
        switch status {
        case .succeeded: self = .succeeded
        case .refunded: self = .refunded
        case .failed: self = .failed
        case .pending: self = .pending
        case .other: self = .other
        }
    }

    func status(other: String?) -> LedgerStatus {
        switch self {
        case .succeeded: .succeeded
        case .refunded: .refunded
        case .failed: .failed
        case .pending: .pending
        case .other: .other(other ?? "")
        }
    }
}
