extension ReconciliationResult {
    /// The result after the provider's rule passes over its residue: the `missing_internally`
    /// lines and the `missing_in_provider` rows of the key pass.
    ///
    /// A pairing is classified by the one ``Classifier``, like a key match: a difference is its break
    /// (with `matched_by`); a clean pairing of a `review` pass is a `probable_match`; a clean pairing
    /// of a `match` pass counts as matched. A line no pass could pair uniquely, but some pass found
    /// candidates for, is an `ambiguous_match` listing them, instead of `missing_internally`.
    ///
    /// Runs after the key pass whatever held the index (memory or spilled partitions), because the
    /// residue of every partition is one residue. Without passes it returns the result unchanged.
    ///
    /// `people` are the item statuses people decided: a proposal a person confirmed
    /// (`tally items confirm`) counts as matched, one a person rejected leaves its line and rows
    /// in the residue, missing as the key pass found them.
    public func applying(_ passes: [RulePass], classifier: Classifier, people: [ItemKey: ItemStatus] = [:])
        -> ReconciliationResult
    {
        guard !passes.isEmpty else { return self }
        var result = self
        let lineBreaks = breaks.indices.filter { breaks[$0].breakClass == .missingInternally && breaks[$0].provider != nil }
            .sorted { breaks[$0].provider!.location < breaks[$1].provider!.location }
        let rowBreaks = breaks.indices.filter { breaks[$0].breakClass == .missingInProvider && breaks[$0].ledger != nil }
        let lines = lineBreaks.map { index in
            let item = breaks[index]
            return ResidueLine(
                reference: item.reference, kind: item.kind, amount: item.provider!.amount, location: item.provider!.location,
                details: lineDetails.details(at: item.provider!.location))
        }
        let rows = rowBreaks.map { breaks[$0].ledger! }
        let outcome = ResidueMatcher(passes: passes, window: classifier.window).run(lines: lines, rows: rows)

        var added: [Break] = []
        var matched = 0
        var matchedAmounts: [Currency: Int64] = [:]
        var releasedLines = Set<Int>()
        var releasedRows = Set<Int>()
        for pairing in outcome.pairings {
            let pass = passes[pairing.pass]
            let line = lines[pairing.line]
            let provider = breaks[lineBreaks[pairing.line]].provider!
            result.pairsByPass[pass.name, default: 0] += 1
            let paired = pairing.rows.map { rows[$0] }
            // a group is checked row by row (status, currency, timing): its amounts add up exactly
            var differing: [Break] = []
            for row in paired {
                let side = paired.count == 1 ? provider.amount : row.amount
                let decision = classifier.decide(provider: side, ledger: row)
                if let breakClass = decision.breakClass {
                    differing.append(
                        Break(
                            breakClass: breakClass, reference: row.reference, kind: line.kind, provider: provider, ledger: row,
                            differences: decision.differences, matchedBy: pass.name))
                }
            }
            let steps = outcome.steps[pairing.line] ?? []
            if !differing.isEmpty {
                added += differing.map {
                    var item = $0
                    item.passSteps = steps
                    return item
                }
            } else if pass.outcome == .review
                && people[ItemKey(reference: paired[0].reference, kind: line.kind)]?.closure(of: .probableMatch)
                    == .rejected
            {
                releasedLines.insert(pairing.line)
                releasedRows.formUnion(pairing.rows)
            } else if pass.outcome == .review
                && people[ItemKey(reference: paired[0].reference, kind: line.kind)]?.closure(of: .probableMatch)
                    != .confirmed
            {
                var item = Break(
                    breakClass: .probableMatch, reference: paired[0].reference, kind: line.kind, provider: provider,
                    ledger: paired[0], matchedBy: pass.name,
                    candidates: paired.count == 1 ? [] : paired.map { Break.Candidate($0, reason: "part of the group") })
                item.passSteps = steps
                added.append(item)
            } else {
                matched += 1
                matchedAmounts[line.amount.currency, default: 0] &+= line.amount.minor
                result.ruleMatches.append(
                    RuleMatch(
                        pass: pass.name, reference: line.reference,
                        kind: line.kind, provider: provider, ledger: paired, steps: steps))
            }
        }
        for (line, ambiguity) in outcome.ambiguities where !outcome.claimedLines.contains(line) {
            var item = breaks[lineBreaks[line]]
            item.breakClass = .ambiguousMatch
            item.matchedBy = passes[ambiguity.pass].name
            item.candidates = ambiguity.candidates.map { Break.Candidate(rows[$0.row], reason: $0.reason) }
            item.passSteps = outcome.steps[line] ?? []
            added.append(item)
        }
        // the lines no pass paired or found ambiguous keep their missing_internally, with the trace
        for (line, index) in lineBreaks.enumerated()
        where !outcome.claimedLines.contains(line) && outcome.ambiguities[line] == nil {
            if let steps = outcome.steps[line] { result.breaks[index].passSteps = steps }
        }
        var removed = Set(outcome.claimedLines.subtracting(releasedLines).map { lineBreaks[$0] })
        removed.formUnion(outcome.ambiguities.keys.filter { !outcome.claimedLines.contains($0) }.map { lineBreaks[$0] })
        removed.formUnion(outcome.claimedRows.subtracting(releasedRows).map { rowBreaks[$0] })
        result.breaks = result.breaks.indices.filter { !removed.contains($0) }.map { result.breaks[$0] } + added
        result.breaks.sort(by: Break.reportOrder)
        result.matched += matched
        for (currency, minor) in matchedAmounts { result.matchedAmountMinorByCurrency[currency, default: 0] &+= minor }
        result.boundedGroupSearches = outcome.boundedSearches
        return result
    }
}
