import Foundation
import TallyCore
import TallyIngest
import TallyPostgres

extension Explainer {
    /// What the store remembers of the reference, narrowed to a kind and then to a provider.
    struct Memory {
        var breaks: [ResultStore.StoredBreak]
        var openItems: [OpenItem]
        var resolutions: [ResultStore.StoredResolution]
        private var itemProviders: [String]

        init(store: ResultStore?, reference: String, provider: String?, kind: TransactionKind?) throws {
            breaks = try store?.breaks(reference: reference, provider: provider) ?? []
            let items = try store?.openItems(reference: reference, provider: provider) ?? []
            resolutions = try store?.resolutions(reference: reference, provider: provider) ?? []
            if let kind {
                breaks = breaks.filter { $0.kind == kind }
                resolutions = resolutions.filter { $0.item.kind == kind }
            }
            let kept = items.filter { kind == nil || $0.item.kind == kind }
            openItems = kept.map(\.item)
            itemProviders = kept.map(\.provider)
        }

        var providers: Set<String> { Set(breaks.map(\.provider) + itemProviders + resolutions.map(\.provider)) }
        var isEmpty: Bool { breaks.isEmpty && openItems.isEmpty && resolutions.isEmpty }

        mutating func keep(provider: String) {
            breaks = breaks.filter { $0.provider == provider }
            openItems = zip(openItems, itemProviders).filter { $0.1 == provider }.map(\.0)
            itemProviders = itemProviders.filter { $0 == provider }
            resolutions = resolutions.filter { $0.provider == provider }
        }
    }

    /// Fills in the run, its lines of the reference, the ledger rows and an outcome per line or row.
    func describe(
        run row: ResultStore.RunRow, store: ResultStore, memory: Memory, fresh: [LedgerRecord],
        into explanation: inout Explanation
    ) throws {
        let (filesJSON, optionsJSON) = try store.runFilesAndOptions(id: row.id) ?? ("[]", "{}")
        let options = StoredRunOptions(json: optionsJSON)
        let lookback = options.lookbackDays
        let lookahead = options.lookaheadDays
        let tolerance = options.amountToleranceMinor
        guard let from = CivilDate(iso: row.from), let to = CivilDate(iso: row.to) else {
            throw RunError(code: .internalFailure, message: "run \(row.id) has an unreadable window")
        }
        let window = try WindowResolver.resolve(
            from: from, to: to, timezone: row.timezone, lookbackDays: lookback, lookaheadDays: lookahead)
        var files = ((try? JSONSerialization.jsonObject(with: Data(filesJSON.utf8))) as? [[String: Any]] ?? []).map {
            Explanation.File(
                path: $0["path"] as? String ?? "", sha256: $0["sha256"] as? String ?? "", readable: false, changed: nil)
        }
        if files.isEmpty {
            files = options.files.map { Explanation.File(path: $0, sha256: "", readable: false, changed: nil) }
        }
        let runBreaks = memory.breaks.filter { $0.runID == row.id }

        var lines = reread(&files, format: row.format, options: options, notes: &explanation.notes)
        for item in runBreaks {
            guard let amount = item.providerAmount, let file = item.providerFile, let line = item.providerLine,
                let kind = item.kind, !lines.contains(where: { $0.file == file && $0.line == line })
            else { continue }
            lines.append(Explanation.SettlementLine(file: file, line: line, kind: kind, amount: amount, source: .store))
        }
        let order = Dictionary(files.enumerated().map { ($0.element.path, $0.offset) }, uniquingKeysWith: { first, _ in first })
        lines.sort { (order[$0.file] ?? .max, $0.line) < (order[$1.file] ?? .max, $1.line) }

        let rule = OutcomeRule(
            window: window, tolerance: tolerance, lookbackDays: lookback, lookaheadDays: lookahead,
            time: Self.timeFormatter(timezone: row.timezone))
        var outcomes: [Explanation.Outcome] = runBreaks.map { item in
            let line = lines.first { $0.file == item.providerFile && $0.line == item.providerLine }
            return Explanation.Outcome(
                kind: item.kind, breakClass: item.breakClass,
                rule: rule.explain(
                    item.breakClass, reference: reference, kind: item.kind ?? .charge, provider: item.providerAmount,
                    ledger: item.ledger, differences: item.differences, providerPlace: line.map { "\($0.file):\($0.line)" }),
                differences: item.differences, line: line, ledger: item.ledger, firstSeen: item.firstSeen,
                ageDays: item.ageDays, isNew: item.isNew)
        }
        for line in lines where !runBreaks.contains(where: { $0.providerFile == line.file && $0.providerLine == line.line }) {
            outcomes.append(matched(line, fresh: fresh, rule: rule, notes: &explanation.notes))
        }
        // in the order of the lines; outcomes without a line (ledger-side breaks) last, in report order
        func position(_ outcome: Explanation.Outcome) -> Int {
            outcome.line.flatMap { line in lines.firstIndex { $0.file == line.file && $0.line == line.line } } ?? .max
        }
        outcomes = outcomes.enumerated().sorted { (position($0.element), $0.offset) < (position($1.element), $1.offset) }
            .map(\.element)
        // the rows the run stored with its breaks, and the ones matched lines were paired with now
        var ledgerRows: [Explanation.LedgerRow] = []
        for record in runBreaks.compactMap(\.ledger) where !ledgerRows.contains(where: { Self.same($0.record, record) }) {
            ledgerRows.append(Explanation.LedgerRow(record: record, source: .store))
        }
        for record in outcomes.filter({ $0.breakClass == nil }).compactMap(\.ledger)
        where !ledgerRows.contains(where: { Self.same($0.record, record) }) {
            ledgerRows.append(Explanation.LedgerRow(record: record, source: .lookup))
        }
        if ledgerRows.isEmpty {
            ledgerRows = fresh.map { Explanation.LedgerRow(record: $0, source: .lookup) }
        } else {
            for record in fresh where !ledgerRows.contains(where: { Self.same($0.record, record) }) {
                explanation.notes.append(
                    "the ledger now holds a \(record.kind.name) row of \(record.amount), \(record.status.text), created \(record.createdAt.iso8601), which is not what run \(row.id.prefix(8)) saw"
                )
            }
        }
        if outcomes.isEmpty {
            explanation.notes.append(
                "run \(row.id.prefix(8)) reported no break for \(reference), and its files could not show a line of it")
        }
        explanation.run = Explanation.Run(
            id: row.id, format: row.format, window: window, timezone: row.timezone, state: row.state,
            current: row.state == "succeeded" && row.supersededBy == nil, lookbackDays: lookback, lookaheadDays: lookahead,
            toleranceMinor: tolerance, files: files)
        explanation.lines = lines
        explanation.ledgerRows = ledgerRows
        explanation.outcomes = outcomes
    }

    /// The outcome of a line for which the run stored no break: it matched.
    func matched(
        _ line: Explanation.SettlementLine, fresh: [LedgerRecord], rule: OutcomeRule, notes: inout [String]
    ) -> Explanation.Outcome {
        guard let row = fresh.first(where: { $0.kind == line.kind }) else {
            notes.append("the ledger row this line matched is no longer in the payments table")
            return Explanation.Outcome(
                kind: line.kind, breakClass: nil, rule: "matched (the run stored no break for this line)", differences: [],
                line: line, ledger: nil)
        }
        let decision = rule.classifier.decide(provider: line.amount, ledger: row)
        if let now = decision.breakClass {
            notes.append(
                "the ledger row changed since the run: today it would be "
                    + rule.explain(
                        now, reference: reference, kind: line.kind, provider: line.amount, ledger: row,
                        differences: decision.differences))
            return Explanation.Outcome(
                kind: line.kind, breakClass: nil, rule: "matched (the run stored no break for this line)", differences: [],
                line: line, ledger: row)
        }
        return Explanation.Outcome(
            kind: line.kind, breakClass: nil,
            rule: rule.explain(nil, reference: reference, kind: line.kind, provider: line.amount, ledger: row),
            differences: [], line: line, ledger: row)
    }

    /// The reference's lines in the run's files, read again; marks each file readable and changed.
    func reread(
        _ files: inout [Explanation.File], format name: String, options: StoredRunOptions, notes: inout [String]
    ) -> [Explanation.SettlementLine] {
        guard let format = SettlementFormat(rawValue: name), format != .csv else {
            notes.append("the run's files (format \(name)) are not read again: the mapping is not stored with the run")
            return []
        }
        let reader: any SettlementReader
        do {
            reader = try ReaderFactory.reader(
                for: format, options: ReaderOptions(referenceColumn: options.referenceColumn))
        } catch {
            notes.append("the run's files cannot be read again: \(error)")
            return []
        }
        var lines: [Explanation.SettlementLine] = []
        for index in files.indices {
            let file = SettlementFile(path: files[index].path, index: index)
            do {
                let digest = try file.sha256()
                var sink = ReferenceLines(reference: reference, kind: kind)
                try reader.read(file, into: &sink, progress: { _ in })
                files[index].readable = true
                files[index].changed = !files[index].sha256.isEmpty && digest != files[index].sha256
                if files[index].changed == true {
                    notes.append("\(file.path) changed since the run (its SHA-256 differs); its lines are as it reads now")
                }
                lines += sink.found.map {
                    Explanation.SettlementLine(
                        file: file.path, line: $0.location.line, kind: $0.kind, amount: $0.amount, source: .file)
                }
            } catch {
                notes.append("\(file.path) cannot be read here (\(error)); its lines come from the store")
            }
        }
        return lines
    }

    /// The same ledger row, compared on the fields a break stores.
    static func same(_ lhs: LedgerRecord, _ rhs: LedgerRecord) -> Bool {
        (lhs.kind, lhs.amount, lhs.status, lhs.createdAt) == (rhs.kind, rhs.amount, rhs.status, rhs.createdAt)
    }
}

/// Collects the transactions of one reference while a reader goes through a file.
struct ReferenceLines: SettlementSink {
    let reference: [UInt8]
    let kind: TransactionKind?
    var found: [SettlementTransaction] = []

    init(reference: String, kind: TransactionKind?) {
        self.reference = Array(reference.utf8)
        self.kind = kind
    }

    mutating func addTransaction(
        _ reference: UnsafeBufferPointer<UInt8>, kind: TransactionKind, amount: Money, location: SourceLocation
    ) {
        guard reference.count == self.reference.count, self.kind == nil || self.kind == kind,
            reference.elementsEqual(self.reference)
        else { return }
        found.append(
            SettlementTransaction(
                reference: String(decoding: reference, as: UTF8.self), kind: kind, amount: amount, location: location))
    }

    mutating func addNonTransaction(_ line: NonTransactionLine) {}
    mutating func addReject(_ reject: Reject) {}
    mutating func addControl(_ control: ControlResult) {}
}
