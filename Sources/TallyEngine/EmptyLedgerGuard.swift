import TallyCore
import TallyPostgres

/// Stops a run whose provider has no ledger row at all in the streamed range while its files have
/// transactions: nearly always a mistyped `--provider` (`acmepy`), which would otherwise report
/// every line as `missing_internally` and exit 0. `--allow-empty-ledger` runs it anyway.
enum EmptyLedgerGuard {
    static func check(
        _ result: ReconciliationResult, provider: String, window: ReconciliationWindow, source: LedgerSource,
        connection: PostgresConnection
    ) throws {
        guard result.ledgerRowsStreamed == 0, result.ledgerRowsLookedUp == 0, result.settlementTransactions > 0 else { return }
        let known = ((try? source.knownProviders(connection: connection)) ?? []).filter { $0 != provider }
        var message =
            "the ledger has no row of provider '\(provider)' from \(window.streamStart.iso8601) to \(window.streamEnd.iso8601),"
            + " while the files hold \(result.settlementTransactions) transactions: is the provider name right?"
        if !known.isEmpty {
            message += " The payments table has \(known.prefix(10).joined(separator: ", "))\(known.count > 10 ? ", …" : "")"
            message += closest(to: provider, in: known).map { " (closest: \($0))." } ?? "."
        }
        message += " Pass --allow-empty-ledger to run anyway."
        throw RunError(code: .usage, message: message)
    }

    /// The name with the fewest single-character edits from `name`, if any is within half its length.
    static func closest(to name: String, in names: [String]) -> String? {
        let scored = names.map { ($0, distance(Array(name.unicodeScalars), Array($0.unicodeScalars))) }
        guard let best = scored.min(by: { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }), best.1 <= max(2, name.count / 2)
        else { return nil }
        return best.0
    }

    /// Levenshtein distance, one row at a time.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var row = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                row[j + 1] = min(previous[j + 1] + 1, row[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = row
        }
        return previous[b.count]
    }
}
