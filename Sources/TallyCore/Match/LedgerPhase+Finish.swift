extension LedgerPhase {
    /// The third phase: classifies every settlement transaction and every unmatched ledger row
    /// with the run's ``Classifier``, and ends the reconciliation.
    public consuming func finish() -> ReconciliationResult {
        var breaks: [Break] = []
        var matched = 0
        var settledAmounts = CurrencySums()
        var matchedAmounts = CurrencySums()
        for number in index.entries.indices {
            let entry = index.entries[number]
            settledAmounts.add(entry.currencyPacked, entry.amountMinor)
            // The clean match, by far the most common outcome, is decided on the entry's own fields:
            // no String, no record, no dictionary per transaction.
            if entry.ledgerClaim != .none,
                classifier.matches(
                    kind: entry.kind, providerMinor: entry.amountMinor, providerCurrency: entry.currencyPacked,
                    ledgerMinor: entry.ledgerAmountMinor, ledgerCurrency: entry.ledgerCurrencyPacked,
                    status: entry.ledgerStatus, createdAt: entry.ledgerCreatedAt)
            {
                matched += 1
                matchedAmounts.add(entry.currencyPacked, entry.amountMinor)
                continue
            }
            guard let currency = Currency(packed: entry.currencyPacked) else { continue }
            let provider = Break.ProviderSide(
                amount: Money(minor: entry.amountMinor, currency: currency),
                location: SourceLocation(file: Int(entry.file), line: Int(entry.line)))
            guard let ledger = index.ledgerRecord(of: number) else {
                breaks.append(
                    Break(
                        breakClass: .missingInternally, reference: index.reference(of: number), kind: entry.kind,
                        provider: provider, ledger: nil))
                continue
            }
            let decision = classifier.decide(provider: provider.amount, ledger: ledger)
            if let breakClass = decision.breakClass {
                breaks.append(
                    Break(
                        breakClass: breakClass, reference: ledger.reference, kind: entry.kind, provider: provider,
                        ledger: ledger, differences: decision.differences, matchedBy: RulePass.keyPassName))
            } else {
                matched += 1
                matchedAmounts.add(entry.currencyPacked, entry.amountMinor)
            }
        }
        for duplicate in settlement.duplicates {
            settledAmounts.add(duplicate.side.amount.currency.packed, duplicate.side.amount.minor)
            var ledgerRow: LedgerRecord?
            var reference = duplicate.reference
            reference.withUTF8 { bytes in
                if let entry = index.find(bytes, duplicate.kind) { ledgerRow = index.ledgerRecord(of: entry) }
            }
            breaks.append(
                Break(
                    breakClass: .duplicateInProvider, reference: duplicate.reference, kind: duplicate.kind,
                    provider: duplicate.side, ledger: ledgerRow))
        }
        for (side, kind) in settlement.unreferenced {
            settledAmounts.add(side.amount.currency.packed, side.amount.minor)
            breaks.append(
                Break(
                    breakClass: .missingInternally, reference: Break.unreferenced(side.location), kind: kind, provider: side,
                    ledger: nil))
        }
        breaks += unmatchedLedgerBreaks()
        for control in settlement.controls where !control.ok {
            breaks.append(Break(control: control))
        }
        for row in extraLedgerRows {
            breaks.append(
                Break(breakClass: .duplicateInternal, reference: row.reference, kind: row.kind, provider: nil, ledger: row))
        }
        breaks.sort(by: Break.reportOrder)
        return ReconciliationResult(
            breaks: breaks, matched: matched, settlementTransactions: settlement.transactions,
            ledgerRowsInWindow: ledgerRowsInWindow, ledgerRowsStreamed: ledgerRowsStreamed,
            ledgerRowsLookedUp: ledgerRowsLookedUp, nonTransactions: settlement.nonTransactions, rejects: rejects.sorted(),
            controls: settlement.controls, settlementAmountMinorByCurrency: settledAmounts.byCurrency,
            matchedAmountMinorByCurrency: matchedAmounts.byCurrency, transactionTotals: settlement.transactionTotals,
            lineDetails: settlement.lineDetails, keyPairs: matched + breaks.filter { $0.matchedBy != nil }.count)
    }

    /// Unmatched in-window rows: the first of each key is missing in the provider, any further
    /// row with the same key is a duplicate in the ledger.
    private func unmatchedLedgerBreaks() -> [Break] {
        let sorted = unmatchedLedger.sorted {
            ($0.reference.utf8.lexicographicallyPrecedes($1.reference.utf8))
                || ($0.reference == $1.reference
                    && ($0.kind, $0.createdAt, $0.amount.minor) < ($1.kind, $1.createdAt, $1.amount.minor))
        }
        var breaks: [Break] = []
        var previous: LedgerRecord?
        for row in sorted {
            let isRepeat = previous.map { $0.reference == row.reference && $0.kind == row.kind } ?? false
            breaks.append(
                Break(
                    breakClass: isRepeat ? .duplicateInternal : .missingInProvider, reference: row.reference,
                    kind: row.kind, provider: nil, ledger: row))
            previous = row
        }
        return breaks
    }
}
