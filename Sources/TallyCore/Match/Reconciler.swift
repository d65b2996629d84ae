/// Matches settlement transactions against ledger rows and classifies every difference.
///
/// `Reconciler` is a value with no I/O. The driver feeds it in three steps:
/// 1. the settlement files (``addTransaction(_:kind:amount:location:)``, non-transaction lines and
///    rejects), which build the ``SettlementIndex``;
/// 2. the ledger rows of the streamed window, once each (``addLedgerRow(_:kind:amount:status:createdAt:merchantReference:)``);
/// 3. the rows found by the out-of-window lookup of ``unclaimedReferences()`` (``addLookedUpRow(_:)``),
///
/// then reads the outcome with ``finish()``. The order in which ledger rows arrive does not change
/// the outcome.
///
/// ```swift
/// var reconciler = Reconciler(window: window)
/// reference.withUTF8 { reconciler.addTransaction($0, kind: .charge, amount: eur(1_000), location: loc) }
/// … stream the ledger …
/// let result = reconciler.finish()
/// ```
public struct Reconciler: Sendable, SettlementSink {
    public var window: ReconciliationWindow { classifier.window }
    /// The matching rules of the run (its window and amount tolerance).
    public let classifier: Classifier

    /// The index of the settlement transactions, with any transaction still staged in it settled.
    public var index: SettlementIndex {
        guard settlementIndex.hasStaged else { return settlementIndex }
        var settled = settlementIndex
        _ = settled.settle()
        return settled
    }

    private var settlementIndex: SettlementIndex

    /// Bytes held by the index so far (for the memory budget; no copy, unlike ``index``).
    public var indexFootprintBytes: Int { settlementIndex.footprintBytes }

    /// Transactions in the index so far (one may still be staged).
    public var indexCount: Int { settlementIndex.count }
    public private(set) var settlementTransactions = 0
    public private(set) var ledgerRowsInWindow = 0
    public private(set) var ledgerRowsStreamed = 0
    public private(set) var ledgerRowsLookedUp = 0
    public private(set) var nonTransactions = NonTransactionTotals()
    public private(set) var nonTransactionLines = 0
    public private(set) var rejects: [Reject] = []
    public private(set) var controls: [ControlResult] = []

    private var providerDuplicates: [(reference: String, kind: TransactionKind, side: Break.ProviderSide)] = []
    private var unmatchedLedger: [LedgerRecord] = []
    private var extraLedgerRows: [LedgerRecord] = []

    public init(window: ReconciliationWindow, amountTolerance: Int64 = 0, expectedTransactions: Int = 1024) {
        self.classifier = Classifier(window: window, tolerance: Tolerance(minor: amountTolerance))
        self.settlementIndex = SettlementIndex(expectedCount: expectedTransactions)
    }

    // MARK: Settlement side

    /// Adds one settlement transaction (absolute amount; the kind carries the direction).
    public mutating func addTransaction(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, location: SourceLocation
    ) {
        settlementTransactions += 1
        // One call late (see SettlementIndex.insertDeferred): the table's cache miss overlaps the
        // parsing of the next line.
        record(settlementIndex.insertDeferred(reference, kind: kind, amount: amount, location: location))
    }

    /// Puts the last transaction's key into the index. The ledger-side calls do it themselves; a
    /// driver calls it once the files are read, before it reads ``index``, to avoid a copy.
    public mutating func settleTransactions() {
        record(settlementIndex.settle())
    }

    private mutating func record(_ duplicate: SettlementIndex.Duplicate?) {
        guard let duplicate else { return }
        providerDuplicates.append(
            (duplicate.reference, duplicate.kind, Break.ProviderSide(amount: duplicate.amount, location: duplicate.location)))
    }

    /// String convenience for tests and small readers.
    public mutating func addTransaction(_ transaction: SettlementTransaction) {
        var reference = transaction.reference
        reference.withUTF8 {
            addTransaction($0, kind: transaction.kind, amount: transaction.amount, location: transaction.location)
        }
    }

    public mutating func addNonTransaction(_ line: NonTransactionLine) {
        nonTransactionLines += 1
        nonTransactions.add(line)
    }

    public mutating func addReject(_ reject: Reject) { rejects.append(reject) }

    public mutating func addControl(_ control: ControlResult) { controls.append(control) }

    // MARK: Ledger side

    /// Adds one row of the streamed ledger window. Only rows that become breaks are copied.
    public mutating func addLedgerRow(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, status: LedgerStatus,
        createdAt: Timestamp, merchantReference: UnsafeBufferPointer<UInt8>? = nil
    ) {
        if addLedgerRowIfKnown(reference, kind: kind, amount: amount, status: status, createdAt: createdAt) { return }
        let inWindow = countStreamedRow(createdAt)
        if inWindow && status.shouldSettle(kind: kind) {
            unmatchedLedger.append(
                LedgerRecord(
                    reference: String(decoding: reference, as: UTF8.self), kind: kind, amount: amount, status: status,
                    createdAt: createdAt, merchantReference: merchantReference.map { String(decoding: $0, as: UTF8.self) }))
        }
    }

    /// Adds a streamed ledger row only when a settlement transaction with its key is already in the
    /// index, and says whether it did. Rows it declines are not counted: the driver keeps them and
    /// hands them to ``addLedgerRow(_:kind:amount:status:createdAt:merchantReference:)`` once every
    /// file is read. This is what lets the ledger stream be matched while the files are still read;
    /// since a row only ever claims the first transaction of its key, the outcome is the same.
    public mutating func addLedgerRowIfKnown(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, status: LedgerStatus,
        createdAt: Timestamp
    ) -> Bool {
        if settlementIndex.hasStaged { settleTransactions() }
        guard let entry = settlementIndex.find(reference, kind) else { return false }
        countStreamedRow(createdAt)
        if settlementIndex.entries[entry].ledgerSource == 0 {
            settlementIndex.setLedger(entry, amount: amount, status: status, createdAt: createdAt, source: 1)
        } else {
            claim(
                entry, LedgerRecord(reference: "", kind: kind, amount: amount, status: status, createdAt: createdAt),
                source: 1, reference: reference)
        }
        return true
    }

    /// Starts the memory loads that adding these rows' keys will need (see
    /// ``SettlementIndex/prefetch(_:key:)``); call it for a group of rows just before adding them.
    public func prefetch(_ count: Int, key: (Int) -> (UnsafeBufferPointer<UInt8>, TransactionKind)) {
        settlementIndex.prefetch(count, key: key)
    }

    @discardableResult
    private mutating func countStreamedRow(_ createdAt: Timestamp) -> Bool {
        ledgerRowsStreamed += 1
        let inWindow = window.contains(createdAt)
        if inWindow { ledgerRowsInWindow += 1 }
        return inWindow
    }

    /// Records a ledger row that could not be read (unknown kind or currency, bad amount).
    public mutating func addLedgerReject(_ reason: String) {
        rejects.append(Reject(location: SourceLocation(file: -1, line: 0), reason: reason))
    }

    /// String convenience over ``addLedgerRow(_:kind:amount:status:createdAt:merchantReference:)``.
    public mutating func addLedgerRow(_ row: LedgerRecord) {
        var reference = row.reference
        var merchant = row.merchantReference
        reference.withUTF8 { referenceBytes in
            if merchant != nil {
                merchant!.withUTF8 {
                    addLedgerRow(
                        referenceBytes, kind: row.kind, amount: row.amount, status: row.status, createdAt: row.createdAt,
                        merchantReference: $0)
                }
            } else {
                addLedgerRow(
                    referenceBytes, kind: row.kind, amount: row.amount, status: row.status, createdAt: row.createdAt)
            }
        }
    }

    /// References of settlement transactions that no streamed ledger row claimed, sorted and unique:
    /// the input of the one batched out-of-window lookup.
    public func unclaimedReferences() -> [String] {
        let index = self.index
        var references = Set<String>()
        for (number, entry) in index.entries.enumerated() where entry.ledgerSource == 0 {
            references.insert(index.reference(of: number))
        }
        return references.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Adds a row found by the out-of-window lookup. Rows inside the streamed range are ignored
    /// (they were seen already), as are rows whose key has no unclaimed settlement transaction.
    public mutating func addLookedUpRow(_ row: LedgerRecord) {
        settleTransactions()
        guard !window.streams(row.createdAt) else { return }
        var reference = row.reference
        reference.withUTF8 { bytes in
            guard let entry = settlementIndex.find(bytes, row.kind), settlementIndex.entries[entry].ledgerSource != 1 else { return }
            ledgerRowsLookedUp += 1
            claim(entry, row, source: 2, reference: bytes)
        }
    }

    /// Attaches a ledger row to an entry. When a second row claims the same key, the earlier-created
    /// row (then the smaller amount) stays, so the outcome does not depend on the stream's order, and
    /// the other becomes a `duplicate_internal`.
    private mutating func claim(
        _ entry: Int, _ row: LedgerRecord, source: UInt8, reference: UnsafeBufferPointer<UInt8>
    ) {
        let current = settlementIndex.entries[entry]
        guard current.ledgerSource != 0 else {
            settlementIndex.setLedger(entry, amount: row.amount, status: row.status, createdAt: row.createdAt, source: source)
            return
        }
        var incoming = row
        incoming.reference = String(decoding: reference, as: UTF8.self)
        let existing = ledger(of: entry)!
        let keepIncoming =
            (incoming.createdAt, incoming.amount.minor, incoming.amount.currency.packed, incoming.status.text)
            < (existing.createdAt, existing.amount.minor, existing.amount.currency.packed, existing.status.text)
        if keepIncoming {
            settlementIndex.setLedger(
                entry, amount: incoming.amount, status: incoming.status, createdAt: incoming.createdAt, source: source)
            extraLedgerRows.append(existing)
        } else {
            extraLedgerRows.append(incoming)
        }
    }

    private func ledger(of entry: Int) -> LedgerRecord? {
        let packed = settlementIndex.entries[entry].ledgerCurrencyPacked
        guard let currency = Currency(packed: packed) else { return nil }
        return settlementIndex.ledgerRecord(of: entry, ledgerCurrency: currency)
    }

    // MARK: Outcome

    /// Classifies every settlement transaction and every unmatched ledger row.
    public func finish() -> ReconciliationResult {
        if settlementIndex.hasStaged {
            var settled = self
            settled.settleTransactions()
            return settled.finish()
        }
        var breaks: [Break] = []
        var matched = 0
        var settledAmounts = CurrencySums()
        var matchedAmounts = CurrencySums()
        for number in settlementIndex.entries.indices {
            let entry = settlementIndex.entries[number]
            settledAmounts.add(entry.currencyPacked, entry.amountMinor)
            // The clean match, by far the most common outcome, is decided on the entry's own fields:
            // no String, no record, no dictionary per transaction.
            if entry.ledgerSource != 0,
                classifier.matches(
                    kind: entry.kind, providerMinor: entry.amountMinor, providerCurrency: entry.currencyPacked,
                    ledgerMinor: entry.ledgerAmountMinor, ledgerCurrency: entry.ledgerCurrencyPacked,
                    status: entry.ledgerStatus, createdAt: entry.ledgerCreatedAt)
            {
                matched += 1
                matchedAmounts.add(entry.currencyPacked, entry.amountMinor)
                continue
            }
            let provider = Break.ProviderSide(
                amount: Money(minor: entry.amountMinor, currency: entry.currency),
                location: SourceLocation(file: Int(entry.file), line: Int(entry.line)))
            guard let ledger = ledger(of: number) else {
                breaks.append(
                    Break(
                        breakClass: .missingInternally, reference: settlementIndex.reference(of: number), kind: entry.kind,
                        provider: provider, ledger: nil))
                continue
            }
            let decision = classifier.decide(provider: provider.amount, ledger: ledger)
            if let breakClass = decision.breakClass {
                breaks.append(
                    Break(
                        breakClass: breakClass, reference: ledger.reference, kind: entry.kind, provider: provider,
                        ledger: ledger, differences: decision.differences))
            } else {
                matched += 1
                matchedAmounts.add(entry.currencyPacked, entry.amountMinor)
            }
        }
        for duplicate in providerDuplicates {
            settledAmounts.add(duplicate.side.amount.currency.packed, duplicate.side.amount.minor)
            var ledgerRow: LedgerRecord?
            var reference = duplicate.reference
            reference.withUTF8 { bytes in
                if let entry = settlementIndex.find(bytes, duplicate.kind) { ledgerRow = ledger(of: entry) }
            }
            breaks.append(
                Break(
                    breakClass: .duplicateInProvider, reference: duplicate.reference, kind: duplicate.kind,
                    provider: duplicate.side, ledger: ledgerRow))
        }
        // Unmatched in-window rows: the first of each key is missing in the provider, any further
        // row with the same key is a duplicate in the ledger.
        let sortedUnmatched = unmatchedLedger.sorted {
            ($0.reference.utf8.lexicographicallyPrecedes($1.reference.utf8))
                || ($0.reference == $1.reference
                    && ($0.kind, $0.createdAt, $0.amount.minor) < ($1.kind, $1.createdAt, $1.amount.minor))
        }
        var previous: LedgerRecord?
        for row in sortedUnmatched {
            let isRepeat = previous.map { $0.reference == row.reference && $0.kind == row.kind } ?? false
            breaks.append(
                Break(
                    breakClass: isRepeat ? .duplicateInternal : .missingInProvider, reference: row.reference,
                    kind: row.kind, provider: nil, ledger: row))
            previous = row
        }
        for control in controls where !control.ok {
            breaks.append(Break(control: control))
        }
        for row in extraLedgerRows {
            breaks.append(
                Break(breakClass: .duplicateInternal, reference: row.reference, kind: row.kind, provider: nil, ledger: row))
        }
        breaks.sort(by: Break.reportOrder)
        return ReconciliationResult(
            breaks: breaks, matched: matched, settlementTransactions: settlementTransactions,
            ledgerRowsInWindow: ledgerRowsInWindow, ledgerRowsStreamed: ledgerRowsStreamed,
            ledgerRowsLookedUp: ledgerRowsLookedUp, nonTransactions: nonTransactions, rejects: rejects.sorted(),
            controls: controls, settlementAmountMinorByCurrency: settledAmounts.byCurrency,
            matchedAmountMinorByCurrency: matchedAmounts.byCurrency)
    }
}

/// Sums per currency over a handful of currencies, kept in a short list instead of a dictionary so
/// that adding a million amounts hashes nothing.
struct CurrencySums {
    private var packed: [UInt32] = []
    private var sums: [Int64] = []

    @inline(__always)
    mutating func add(_ currency: UInt32, _ minor: Int64) {
        if let position = packed.firstIndex(of: currency) {
            sums[position] &+= minor
        } else {
            packed.append(currency)
            sums.append(minor)
        }
    }

    var byCurrency: [Currency: Int64] {
        var result: [Currency: Int64] = [:]
        for (code, sum) in zip(packed, sums) {
            if let currency = Currency(packed: code) { result[currency, default: 0] &+= sum }
        }
        return result
    }
}

/// What one reconciliation found.
public struct ReconciliationResult: Sendable {
    /// Every break, in report order (class, reference, kind).
    public var breaks: [Break]
    public var matched: Int
    public var settlementTransactions: Int
    public var ledgerRowsInWindow: Int
    public var ledgerRowsStreamed: Int
    public var ledgerRowsLookedUp: Int
    public var nonTransactions: NonTransactionTotals
    public var rejects: [Reject]
    public var controls: [ControlResult]
    /// Sum of the settlement transactions' absolute amounts per currency (duplicates included):
    /// the denominator of the match rate by amount.
    public var settlementAmountMinorByCurrency: [Currency: Int64] = [:]
    /// Sum of the matched settlement transactions' amounts per currency.
    public var matchedAmountMinorByCurrency: [Currency: Int64] = [:]

    /// Count and amount per currency for each class that occurred.
    public var summaryByClass: [BreakClass: ClassSummary] {
        var summary: [BreakClass: ClassSummary] = [:]
        for item in breaks {
            let risk = item.amountAtRisk
            summary[item.breakClass, default: ClassSummary()].add(risk)
        }
        return summary
    }

    /// The highest severity among the breaks, or `nil` when there are none.
    public var highestSeverity: Severity? { breaks.map(\.severity).max() }

    /// One result out of the results of disjoint parts of a run (the partitions of a run that
    /// spilled to disk): breaks in report order, counts summed, lines and rejects together.
    public static func merged(_ parts: [ReconciliationResult]) -> ReconciliationResult {
        var merged = ReconciliationResult(
            breaks: [], matched: 0, settlementTransactions: 0, ledgerRowsInWindow: 0, ledgerRowsStreamed: 0,
            ledgerRowsLookedUp: 0, nonTransactions: NonTransactionTotals(), rejects: [], controls: [])
        for part in parts {
            merged.breaks += part.breaks
            merged.matched += part.matched
            merged.settlementTransactions += part.settlementTransactions
            merged.ledgerRowsInWindow += part.ledgerRowsInWindow
            merged.ledgerRowsStreamed += part.ledgerRowsStreamed
            merged.ledgerRowsLookedUp += part.ledgerRowsLookedUp
            merged.nonTransactions.merge(part.nonTransactions)
            merged.rejects += part.rejects
            merged.controls += part.controls
            merged.settlementAmountMinorByCurrency.merge(part.settlementAmountMinorByCurrency) { $0 &+ $1 }
            merged.matchedAmountMinorByCurrency.merge(part.matchedAmountMinorByCurrency) { $0 &+ $1 }
        }
        merged.breaks.sort(by: Break.reportOrder)
        merged.rejects.sort()
        return merged
    }
}

/// Count and amounts of the breaks of one class.
public struct ClassSummary: Sendable, Hashable {
    public var count = 0
    public var amountMinorByCurrency: [Currency: Int64] = [:]

    public init() {}

    public mutating func add(_ amount: Money?) {
        count += 1
        if let amount { amountMinorByCurrency[amount.currency, default: 0] &+= amount.minor }
    }
}

/// Totals of the non-transaction lines per (category, currency).
public struct NonTransactionTotals: Sendable, Hashable {
    public struct Key: Sendable, Hashable, Comparable {
        public var category: String
        public var currency: Currency
        public static func < (lhs: Key, rhs: Key) -> Bool { (lhs.category, lhs.currency) < (rhs.category, rhs.currency) }
    }

    public struct Total: Sendable, Hashable {
        public var count = 0
        public var gross: Int64 = 0
        public var fee: Int64 = 0
        public var net: Int64 = 0
    }

    public private(set) var totals: [Key: Total] = [:]

    public init() {}

    public mutating func add(_ line: NonTransactionLine) {
        let key = Key(category: line.category, currency: line.currency)
        totals[key, default: Total()].count += 1
        totals[key]!.gross &+= line.gross
        totals[key]!.fee &+= line.fee
        totals[key]!.net &+= line.net
    }

    /// Adds the totals of another set of lines.
    public mutating func merge(_ other: NonTransactionTotals) {
        for (key, total) in other.totals {
            totals[key, default: Total()].count += total.count
            totals[key]!.gross &+= total.gross
            totals[key]!.fee &+= total.fee
            totals[key]!.net &+= total.net
        }
    }

    /// The same totals with every category passed through `transform` (totals whose categories
    /// become equal are added up), for masking personal data in provider-written categories.
    public func mappingCategories(_ transform: (String) -> String) -> NonTransactionTotals {
        var mapped = NonTransactionTotals()
        for (key, total) in totals {
            let newKey = Key(category: transform(key.category), currency: key.currency)
            var sum = mapped.totals[newKey] ?? Total()
            sum.count += total.count
            sum.gross &+= total.gross
            sum.fee &+= total.fee
            sum.net &+= total.net
            mapped.totals[newKey] = sum
        }
        return mapped
    }

    /// The totals in (category, currency) order.
    public var sorted: [(key: Key, total: Total)] { totals.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
}
