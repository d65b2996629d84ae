/// What one rule pass made of one residue line: the trace `tally explain` and report.json
/// (`passes` of a break) show, so a finance user can see why a line was paired, proposed, declined
/// or left alone, pass by pass.
public struct RuleStep: Sendable, Hashable {
    /// How the pass ended for the line.
    public enum Verdict: String, Sendable, Hashable, CaseIterable {
        /// One candidate, wanted by no other line: paired (a match, or a proposal for review).
        case paired
        /// Several candidates, or a candidate another line wants too: nothing claimed.
        case ambiguous
        /// Nothing the pass could pair; the note says what it looked for.
        case noCandidate = "no_candidate"
        /// The group search was over its bound (too many rows, or too many subsets): left alone.
        case bounded
    }

    /// The pass's name (`matching[].name`).
    public var pass: String
    public var verdict: Verdict
    /// What the pass saw, in a sentence: the text it found, the rows it considered, why none fit.
    public var note: String

    public init(pass: String, verdict: Verdict, note: String) {
        self.pass = pass
        self.verdict = verdict
        self.note = note
    }
}

/// A line paired cleanly by a rule pass with `outcome: match`: matched, so not a break, but kept
/// with its trace so that report.json (`rule_matches`) and `tally explain` can say how.
public struct RuleMatch: Sendable, Hashable {
    public var pass: String
    /// The line's own reference, or `(no reference) line N`.
    public var reference: String
    public var kind: TransactionKind
    public var provider: Break.ProviderSide
    /// The row (or, for a group, the rows) it was paired with.
    public var ledger: [LedgerRecord]
    public var steps: [RuleStep]

    public init(
        pass: String, reference: String, kind: TransactionKind, provider: Break.ProviderSide, ledger: [LedgerRecord],
        steps: [RuleStep]
    ) {
        self.pass = pass
        self.reference = reference
        self.kind = kind
        self.provider = provider
        self.ledger = ledger
        self.steps = steps
    }
}
