/// A settlement transaction the key pass left unclaimed, with what the rule passes read of it.
public struct ResidueLine: Sendable, Hashable {
    /// The line's own reference; empty when it has none.
    public var reference: String
    public var kind: TransactionKind
    public var amount: Money
    public var location: SourceLocation
    public var details: LineDetails

    public init(reference: String, kind: TransactionKind, amount: Money, location: SourceLocation, details: LineDetails) {
        self.reference = reference
        self.kind = kind
        self.amount = amount
        self.location = location
        self.details = details
    }
}

/// Runs a provider's rule passes, in order, over the residue of the key pass: the unclaimed
/// settlement lines and the unclaimed in-window ledger rows that should have settled.
///
/// It never guesses: a pass pairs a line with rows only when the pairing is unique both ways (the
/// line has one candidate and that candidate is wanted by no other line). Otherwise the line is
/// ambiguous and nothing is claimed; a later pass may still pair it uniquely. A line or row that
/// a pass claims is gone for the next pass. Order-independent: lines and rows are sorted first.
public struct ResidueMatcher: Sendable {
    /// One pairing: a line, its row (or the rows of a group), and the pass.
    public struct Pairing: Sendable, Hashable {
        public var line: Int
        public var rows: [Int]
        public var pass: Int
    }

    /// Why a line could not be paired by a pass, with every candidate.
    public struct Ambiguity: Sendable {
        public var pass: Int
        public var candidates: [(row: Int, reason: String)]
    }

    /// What the passes decided.
    public struct Outcome: Sendable {
        public var pairings: [Pairing] = []
        /// Lines that stayed unpaired after some pass found them ambiguous: the first ambiguity.
        public var ambiguities: [Int: Ambiguity] = [:]
        public var claimedLines = Set<Int>()
        public var claimedRows = Set<Int>()
        /// Lines whose group search hit its bound (``groupNodeBudget`` or ``groupPoolLimit``).
        public var boundedSearches = 0
        /// What each pass made of each line it saw, in pass order (the trace of `tally explain`).
        public var steps: [Int: [RuleStep]] = [:]
    }

    /// What one pass found: proposals for some lines, and for the others why there were none.
    struct Findings {
        var proposals: [Int: [(rows: [Int], reason: String)]] = [:]
        var misses: [Int: String] = [:]
        var bounded: [Int: String] = [:]
    }

    /// At most this many candidate rows enter one line's group search…
    public static let groupPoolLimit = 32
    /// …and at most this many subsets are visited for it. A line over either bound is left alone
    /// (it cannot be proven unique), counted in ``Outcome/boundedSearches``.
    public static let groupNodeBudget = 200_000

    public let passes: [RulePass]
    public let window: ReconciliationWindow

    public init(passes: [RulePass], window: ReconciliationWindow) {
        self.passes = passes
        self.window = window
    }

    /// The ledger row's day (days since 1970) in the run's calendar: days of 24 hours counted from
    /// the first instant of the window's first day.
    func day(of row: LedgerRecord) -> Int {
        let micros = row.createdAt.microseconds - window.start.microseconds
        let dayMicros: Int64 = 86_400_000_000
        let offset = micros >= 0 ? micros / dayMicros : -((-micros + dayMicros - 1) / dayMicros)
        return window.from.daysSinceEpoch + Int(offset)
    }

    /// References compare trimmed and case-folded; these are no evidence at all.
    static func normalised(_ text: String) -> String? {
        let trimmed = text.trimmingASCIIWhitespace().lowercased()
        return trimmed.isEmpty || trimmed == "notprovided" || trimmed == "nonref" ? nil : trimmed
    }

    public func run(lines: [ResidueLine], rows: [LedgerRecord]) -> Outcome {
        var outcome = Outcome()
        for (number, pass) in passes.enumerated() {
            let openLines = lines.indices.filter { !outcome.claimedLines.contains($0) }
            let openRows = rows.indices.filter { !outcome.claimedRows.contains($0) }
            guard !openLines.isEmpty, !openRows.isEmpty else { break }
            var findings: Findings
            switch pass.method {
            case .reference(let field, let pattern, let ledgerField):
                findings = referenceCandidates(lines, openLines, rows, openRows, field, pattern, ledgerField)
            case .amountDate(let days, let tolerance):
                findings = amountDateCandidates(lines, openLines, rows, openRows, days, tolerance)
            case .group(let maxItems, let days):
                findings = groupCandidates(lines, openLines, rows, openRows, maxItems, days)
                outcome.boundedSearches += findings.bounded.count
            }
            let proposals = findings.proposals
            // unique both ways: one proposal for the line, and its rows wanted by no other line
            var wanted: [Int: Int] = [:]
            for (_, options) in proposals { for option in options { for row in option.rows { wanted[row, default: 0] += 1 } } }
            for line in openLines {
                guard let options = proposals[line] else {
                    let step =
                        findings.bounded[line].map { RuleStep(pass: pass.name, verdict: .bounded, note: $0) }
                        ?? RuleStep(pass: pass.name, verdict: .noCandidate, note: findings.misses[line] ?? "no candidate")
                    outcome.steps[line, default: []].append(step)
                    continue
                }
                if options.count == 1, options[0].rows.allSatisfy({ wanted[$0] == 1 }) {
                    outcome.pairings.append(Pairing(line: line, rows: options[0].rows, pass: number))
                    outcome.claimedLines.insert(line)
                    outcome.claimedRows.formUnion(options[0].rows)
                    outcome.ambiguities[line] = nil
                    let names = options[0].rows.map { rows[$0].reference }.joined(separator: " + ")
                    outcome.steps[line, default: []].append(
                        RuleStep(pass: pass.name, verdict: .paired, note: "paired with \(names): \(options[0].reason)"))
                } else {
                    var candidates: [(row: Int, reason: String)] = []
                    for option in options {
                        for row in option.rows {
                            let shared = wanted[row, default: 0] > 1 ? "; also a candidate for another line" : ""
                            candidates.append((row, option.reason + shared))
                        }
                    }
                    let listed = candidates.map { "\(rows[$0.row].reference) (\($0.reason))" }.joined(separator: "; ")
                    let why =
                        options.count == 1 ? "its only candidate is wanted by another line too" : "\(options.count) candidates"
                    outcome.steps[line, default: []].append(
                        RuleStep(pass: pass.name, verdict: .ambiguous, note: "\(why), nothing claimed: \(listed)"))
                    if outcome.ambiguities[line] == nil {
                        outcome.ambiguities[line] = Ambiguity(pass: number, candidates: candidates)
                    }
                }
            }
        }
        outcome.pairings.sort { $0.line < $1.line }
        return outcome
    }

    // MARK: reference

    private func referenceCandidates(
        _ lines: [ResidueLine], _ openLines: [Int], _ rows: [LedgerRecord], _ openRows: [Int], _ field: LineField,
        _ pattern: String?, _ ledgerField: RulePass.LedgerField
    ) -> Findings {
        var byValue: [String: [Int]] = [:]
        for row in openRows {
            let value = ledgerField == .providerRef ? rows[row].reference : rows[row].merchantReference ?? ""
            if let key = Self.normalised(value) { byValue[key, default: []].append(row) }
        }
        let expression = pattern.flatMap { try? Regex($0).ignoresCase() }
        var findings = Findings()
        for line in openLines {
            let text = lines[line].details.text(of: field)
            var found: String?
            if let expression {
                if let match = text.firstMatch(of: expression) { found = String(text[match.range]) }
            } else {
                found = text
            }
            guard let found else {
                findings.misses[line] = "no \(pattern ?? "") in the \(field.rawValue) \(Self.quoted(text))"
                continue
            }
            guard let key = Self.normalised(found) else {
                findings.misses[line] =
                    "the \(field.rawValue) \(Self.quoted(found)) is no evidence (empty, NOTPROVIDED or NONREF)"
                continue
            }
            let open = byValue[key] ?? []
            let matching = open.filter { rows[$0].kind == lines[line].kind }
            guard !matching.isEmpty else {
                findings.misses[line] =
                    open.isEmpty
                    ? "found \(Self.quoted(found)) in the \(field.rawValue); no open ledger row has that \(ledgerField.rawValue)"
                    : "found \(Self.quoted(found)) in the \(field.rawValue); the open rows with that \(ledgerField.rawValue)"
                        + " (\(open.map { rows[$0].reference }.joined(separator: ", "))) are not a \(lines[line].kind.name)"
                continue
            }
            findings.proposals[line] = matching.map {
                ([$0], "\(ledgerField.rawValue) equals '\(found)' found in the \(field.rawValue)")
            }
        }
        return findings
    }

    /// A line's text for a trace: quoted, cut at 80 characters.
    static func quoted(_ text: String) -> String {
        text.isEmpty ? "(empty)" : "'\(text.count > 80 ? String(text.prefix(79)) + "…" : text)'"
    }

    // MARK: amount and date

    private func amountDateCandidates(
        _ lines: [ResidueLine], _ openLines: [Int], _ rows: [LedgerRecord], _ openRows: [Int], _ days: RulePass.DayWindow,
        _ tolerance: RulePass.AmountTolerance
    ) -> Findings {
        // rows by (currency, kind), sorted by amount, so each line looks at its amount range only
        var groups: [UInt64: [Int]] = [:]
        for row in openRows { groups[Self.group(rows[row].amount.currency, rows[row].kind), default: []].append(row) }
        for key in groups.keys { groups[key]!.sort { (rows[$0].amount.minor, $0) < (rows[$1].amount.minor, $1) } }
        var findings = Findings()
        for line in openLines {
            let item = lines[line]
            guard let date = item.details.date else {
                findings.misses[line] = "the line has no date"
                continue
            }
            let allowedText = Money(minor: tolerance.minor(for: item.amount.minor), currency: item.amount.currency)
            let wantedText =
                "no open \(item.amount.currency.code) \(item.kind.name) row of \(item.amount) ± \(allowedText) created from"
                + " \(CivilDate(daysSinceEpoch: date.daysSinceEpoch - days.before)) to \(CivilDate(daysSinceEpoch: date.daysSinceEpoch + days.after))"
            guard let candidates = groups[Self.group(item.amount.currency, item.kind)] else {
                findings.misses[line] = wantedText
                continue
            }
            let allowed = tolerance.minor(for: item.amount.minor)
            let low = item.amount.minor &- allowed
            let high = item.amount.minor &+ allowed
            var start = 0
            var end = candidates.count
            while start < end {
                let middle = (start + end) / 2
                if rows[candidates[middle]].amount.minor < low { start = middle + 1 } else { end = middle }
            }
            let lineDay = date.daysSinceEpoch
            var found: [(rows: [Int], reason: String)] = []
            var position = start
            while position < candidates.count, rows[candidates[position]].amount.minor <= high {
                let row = candidates[position]
                let rowDay = day(of: rows[row])
                if rowDay >= lineDay - days.before && rowDay <= lineDay + days.after {
                    let gap = rows[row].amount.minor - item.amount.minor
                    let amountText =
                        gap == 0 ? "the same amount" : "an amount \(Money(minor: gap, currency: item.amount.currency)) apart"
                    found.append(([row], "\(amountText), created \(rowDay - lineDay) day(s) from the line's date \(date)"))
                }
                position += 1
            }
            if found.isEmpty { findings.misses[line] = wantedText } else { findings.proposals[line] = found }
        }
        return findings
    }

    static func group(_ currency: Currency, _ kind: TransactionKind) -> UInt64 {
        UInt64(currency.packed) << 8 | UInt64(kind.rawValue)
    }

    // MARK: group

    private func groupCandidates(
        _ lines: [ResidueLine], _ openLines: [Int], _ rows: [LedgerRecord], _ openRows: [Int], _ maxItems: Int,
        _ days: RulePass.DayWindow
    ) -> Findings {
        // rows by (currency, kind), sorted by day, so each line looks at its days only
        var groups: [UInt64: [(day: Int, row: Int)]] = [:]
        for row in openRows where rows[row].amount.minor > 0 {
            groups[Self.group(rows[row].amount.currency, rows[row].kind), default: []].append((day(of: rows[row]), row))
        }
        for key in groups.keys { groups[key]!.sort { ($0.day, $0.row) < ($1.day, $1.row) } }
        var findings = Findings()
        for line in openLines {
            let item = lines[line]
            guard let date = item.details.date else {
                findings.misses[line] = "the line has no date"
                continue
            }
            let lineDay = date.daysSinceEpoch
            let candidates = groups[Self.group(item.amount.currency, item.kind)] ?? []
            var start = 0
            var end = candidates.count
            while start < end {
                let middle = (start + end) / 2
                if candidates[middle].day < lineDay - days.before { start = middle + 1 } else { end = middle }
            }
            // at most one row past the limit is collected: that is enough to know the line is over it
            var pool: [Int] = []
            var position = start
            while position < candidates.count, candidates[position].day <= lineDay + days.after, pool.count <= Self.groupPoolLimit
            {
                let row = candidates[position].row
                if rows[row].amount.minor < item.amount.minor { pool.append(row) }
                position += 1
            }
            let scope = "open \(item.amount.currency.code) \(item.kind.name) rows under \(item.amount) in the line's days"
            guard pool.count >= 2 else {
                findings.misses[line] = pool.isEmpty ? "no \(scope)" : "only one \(scope)"
                continue
            }
            guard pool.count <= Self.groupPoolLimit else {
                findings.bounded[line] = "more than \(Self.groupPoolLimit) \(scope): over the bound, left alone"
                continue
            }
            pool.sort { (rows[$0].amount.minor, $0) > (rows[$1].amount.minor, $1) }
            var search = SubsetSearch(amounts: pool.map { rows[$0].amount.minor }, target: item.amount.minor, maxItems: maxItems)
            search.run()
            if search.exhausted {
                findings.bounded[line] =
                    "\(pool.count) \(scope), over \(Self.groupNodeBudget) subsets searched: over the bound, left alone"
                continue
            }
            guard !search.solutions.isEmpty else {
                findings.misses[line] = "no set of 2 to \(maxItems) of the \(pool.count) \(scope) adds up to it"
                continue
            }
            let total = Money(minor: item.amount.minor, currency: item.amount.currency)
            let sets = search.solutions.map { $0.map { pool[$0] }.sorted() }
            findings.proposals[line] = sets.map { ($0, "one of \($0.count) rows that add up to \(total) within the line's days") }
                .sorted { $0.rows.lexicographicallyPrecedes($1.rows) }
        }
        return findings
    }
}

/// Exact subsets of 2…`maxItems` amounts (all positive, sorted largest first) that add up to
/// `target`; stops after two, or when ``ResidueMatcher/groupNodeBudget`` subsets were visited.
struct SubsetSearch {
    let amounts: [Int64]
    let target: Int64
    let maxItems: Int
    private(set) var solutions: [[Int]] = []
    private(set) var exhausted = false
    private var visited = 0
    private var chosen: [Int] = []
    /// Sum of the amounts from each position to the end, to prune what cannot reach the target.
    private let suffixSums: [Int64]

    init(amounts: [Int64], target: Int64, maxItems: Int) {
        self.amounts = amounts
        self.target = target
        self.maxItems = max(2, maxItems)
        var sums = [Int64](repeating: 0, count: amounts.count + 1)
        for index in stride(from: amounts.count - 1, through: 0, by: -1) { sums[index] = sums[index + 1] &+ amounts[index] }
        suffixSums = sums
    }

    mutating func run() { visit(from: 0, remaining: target) }

    private mutating func visit(from start: Int, remaining: Int64) {
        guard solutions.count < 2, !exhausted else { return }
        if remaining == 0 {
            if chosen.count >= 2 { solutions.append(chosen) }
            return
        }
        guard chosen.count < maxItems, start < amounts.count, suffixSums[start] >= remaining else { return }
        for index in start..<amounts.count {
            visited += 1
            if visited > ResidueMatcher.groupNodeBudget {
                exhausted = true
                return
            }
            let amount = amounts[index]
            if amount > remaining { continue }
            if suffixSums[index] < remaining { return }
            chosen.append(index)
            visit(from: index + 1, remaining: remaining - amount)
            chosen.removeLast()
            if solutions.count >= 2 || exhausted { return }
        }
    }
}

extension String {
    /// The text without leading and trailing ASCII spaces, tabs and line breaks.
    func trimmingASCIIWhitespace() -> String {
        let bytes = Array(utf8)
        var start = 0
        var end = bytes.count
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        while start < end && isSpace(bytes[start]) { start += 1 }
        while end > start && isSpace(bytes[end - 1]) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
