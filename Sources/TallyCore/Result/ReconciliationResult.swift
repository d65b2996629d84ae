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
    /// Count, signed gross and fees of every transaction line per (kind, currency), duplicates
    /// and unmatched lines included: with ``nonTransactions``, the file's money per currency.
    public var transactionTotals = TransactionTotals()
    /// The details of the lines (only in a run with rule passes), for ``applying(_:classifier:)``.
    var lineDetails = LineDetailStore()
    /// Pairs the key pass made, clean or not (`summary.matched_by.key`).
    public var keyPairs = 0
    /// Pairs each rule pass made, clean or not, by pass name (`summary.matched_by`).
    public var pairsByPass: [String: Int] = [:]
    /// Lines a group pass left alone because its search hit its bound (docs/matching.md).
    public var boundedGroupSearches = 0
    /// Lines a rule pass with `outcome: match` paired cleanly, with their traces (report.json
    /// `rule_matches`), in line order.
    public var ruleMatches: [RuleMatch] = []

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
            merged.transactionTotals.merge(part.transactionTotals)
            merged.lineDetails.merge(part.lineDetails)
            merged.keyPairs += part.keyPairs
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
