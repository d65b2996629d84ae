import TallyCore

/// Stops a run whose breaks cover most of either side before anything is stored: a header-only
/// file, the file of another day or another provider's file would otherwise store (and alert on) a
/// break per line or per ledger row, and leave that many open items for the next night to resolve.
/// `--allow-mass-breaks` runs it anyway.
///
/// The two sides, each judged only from ``minimumSide`` rows on (a night of a dozen payments with
/// eight missing is a report, not a mistake):
/// - the ledger: `missing_in_provider` against the window's ledger rows that should settle
///   (matched, paired with a difference, or missing);
/// - the file: `missing_internally` against the files' transactions.
public enum MassBreakGuard {
    /// `max_break_ratio` when the config says nothing: half of either side.
    public static let defaultRatio = 0.5
    /// Sides with fewer rows than this are not judged.
    public static let minimumSide = 100

    /// What one side looks like after classification.
    struct Side: Equatable {
        var total: Int
        var broken: Int

        /// Whether more than `ratio` of the side is broken, with the side large enough to judge.
        func exceeds(_ ratio: Double) -> Bool {
            total >= MassBreakGuard.minimumSide && Double(broken) > ratio * Double(total)
        }

        /// The share not broken, in whole percent rounded down ("0 %" until a full percent is covered).
        var coveredPercent: Int { total == 0 ? 0 : (total - broken) * 100 / total }
        /// The share broken, in whole percent rounded down.
        var brokenPercent: Int { total == 0 ? 0 : broken * 100 / total }
    }

    /// The ledger side: rows of the window that should settle, and how many have no line.
    static func ledgerSide(_ result: ReconciliationResult) -> Side {
        var missing = 0
        var paired = 0
        for item in result.breaks {
            switch item.breakClass {
            case .missingInProvider: missing += 1
            case .amountMismatch, .currencyMismatch: paired += 1
            default: break
            }
        }
        return Side(total: result.matched + paired + missing, broken: missing)
    }

    /// The file side: transactions, and how many no ledger row has.
    static func fileSide(_ result: ReconciliationResult) -> Side {
        Side(total: result.settlementTransactions, broken: result.breaks.count { $0.breakClass == .missingInternally })
    }

    /// - Throws: ``RunError/Code/massBreaks`` (exit 65) naming the side and what it looks like.
    static func check(_ result: ReconciliationResult, ratio: Double, window: ReconciliationWindow) throws(RunError) {
        let ledger = ledgerSide(result)
        let file = fileSide(result)
        var findings: [String] = []
        if ledger.exceeds(ratio) {
            findings.append(
                "the file covers \(ledger.coveredPercent) % of the ledger window (\(ledger.broken) of the \(ledger.total) ledger rows that should settle from \(window.from) to \(window.to) have no line): a file of another day, or an empty file?"
            )
        }
        if file.exceeds(ratio) {
            findings.append(
                "\(file.brokenPercent) % of the file's \(file.total) transactions have no ledger row (\(file.broken) missing_internally): the file of another provider or account, or a ledger not loaded yet?"
            )
        }
        guard !findings.isEmpty else { return }
        let limit = Int((ratio * 100).rounded())
        throw RunError(
            code: .massBreaks,
            message: findings.joined(separator: " Also: ")
                + " More than max_break_ratio (\(limit) %) of a side broke, so nothing was stored; pass --allow-mass-breaks to run it anyway."
        )
    }
}
