import TallyCore
import TallyReport

/// Run reports built in memory (through the real ``Reconciler`` and ``History``), for tests of the
/// reports that need no database: every shape report.json can take, hostile provider text, and
/// many breaks.
public enum ReportFixture {
    public static let from = CivilDate(iso: "2026-03-10")!
    public static let to = CivilDate(iso: "2026-03-11")!

    public static var window: ReconciliationWindow {
        ReconciliationWindow(
            from: from, to: to, start: Timestamp(date: from), end: Timestamp(date: to.adding(days: 1)),
            streamStart: Timestamp(date: from.adding(days: -3)), streamEnd: Timestamp(date: to.adding(days: 2)))
    }

    static func money(_ minor: Int64, _ code: String) -> Money { Money(minor: minor, currency: Currency(code: code)!) }

    static func at(_ line: Int) -> SourceLocation { SourceLocation(file: 0, line: line) }

    static func settled(_ reference: String, _ amount: Money, kind: TransactionKind = .charge, line: Int)
        -> SettlementTransaction
    {
        SettlementTransaction(reference: reference, kind: kind, amount: amount, location: at(line))
    }

    static func ledger(
        _ reference: String, _ amount: Money, kind: TransactionKind = .charge, status: LedgerStatus = .succeeded,
        day: CivilDate = from, merchant: String? = nil
    ) -> LedgerRecord {
        LedgerRecord(
            reference: reference, kind: kind, amount: amount, status: status, createdAt: Timestamp(date: day, hour: 12),
            merchantReference: merchant)
    }

    /// A run with a break of every class, a failed and a passed control, rejects, payout and fee
    /// lines, a resolved item, a persisting item, a supersede link and three earlier windows.
    ///
    /// - Parameter hostile: a reference (and reject reason, file name, status, category) to plant
    ///   in every provider-supplied string the reports show.
    public static func everyShape(hostile: String = "ch_plain", dryRun: Bool = false) -> RunReport {
        var reconciler = Reconciler(window: window)
        let eur = { money($0, "EUR") }
        reconciler.addTransaction(settled("ch_matched", eur(1_000), line: 2))
        reconciler.addTransaction(settled(hostile, eur(2_500), line: 3))  // missing internally
        reconciler.addTransaction(settled("ch_amount", eur(1_001), line: 4))
        reconciler.addTransaction(settled("ch_currency", money(9_000, "GBP"), line: 5))
        reconciler.addTransaction(settled("ch_status", eur(3_000), line: 6))
        reconciler.addTransaction(settled("ch_twice", eur(1_234), line: 7))
        reconciler.addTransaction(settled("ch_twice", eur(1_234), line: 8))
        reconciler.addTransaction(settled("ch_early", eur(800), line: 9))
        reconciler.addTransaction(settled("re_refund", eur(500), kind: .refund, line: 10))
        reconciler.addTransaction(settled("ch_old_amount", eur(4_000), line: 11))
        reconciler.addTransaction(settled("ch_was_missing", eur(700), line: 12))
        reconciler.addTransaction(settled("ch_yen", money(1_500, "JPY"), line: 13))
        reconciler.addNonTransaction(NonTransactionLine(category: "payout", currency: .eur, gross: -2_500_00, net: -2_500_00))
        reconciler.addNonTransaction(NonTransactionLine(category: "fee", currency: .eur, gross: -250, net: -250))
        reconciler.addNonTransaction(NonTransactionLine(category: hostile, currency: .usd, gross: 100, fee: 0, net: 100))
        reconciler.addReject(Reject(location: at(14), reason: "amount \(hostile) is not a decimal"))
        reconciler.addControl(
            ControlResult(
                name: "stripe: gross - fee = net on every line", ok: true, expected: "0 lines off", actual: "0 lines off", file: 0
            ))
        reconciler.addControl(ControlResult(name: "balance", ok: false, expected: "10.00 EUR", actual: hostile, file: 0))
        var ledgerPhase = reconciler.ledgerPhase()
        for row in [
            ledger("ch_matched", eur(1_000), merchant: "order-1"),
            ledger("ch_amount", eur(1_000)),
            ledger("ch_currency", money(10_000, "USD")),
            ledger("ch_status", eur(3_000), status: .other(hostile)),
            ledger("ch_twice", eur(1_234)),
            ledger("ch_early", eur(800), day: from.adding(days: -2)),
            ledger("re_refund", eur(500), kind: .refund),
            ledger("ch_old_amount", eur(3_999)),
            ledger("ch_was_missing", eur(700)),
            ledger("ch_yen", money(1_500, "JPY")),
            ledger("ch_unsettled", eur(600), day: to),
            ledger("ch_dup", eur(100)),
            ledger("ch_dup", eur(100), day: to),
        ] {
            ledgerPhase.addLedgerRow(row)
        }
        let result = ledgerPhase.finish()
        let earlier = [
            OpenItem(
                reference: "ch_old_amount", kind: .charge, breakClass: .amountMismatch, firstSeen: from.adding(days: -5),
                lastSeen: from.adding(days: -1), firstRun: "run-0", lastRun: "run-1", providerAmount: eur(4_000),
                ledgerAmount: eur(3_999), ledgerStatus: "succeeded"),
            OpenItem(
                reference: "ch_was_missing", kind: .charge, breakClass: .missingInProvider, firstSeen: from.adding(days: -40),
                lastSeen: from.adding(days: -1), firstRun: "run-0", lastRun: "run-1", providerAmount: nil,
                ledgerAmount: eur(700), ledgerStatus: "succeeded"),
            OpenItem(
                reference: "ch_still_open", kind: .charge, breakClass: .missingInternally, firstSeen: from.adding(days: -9),
                lastSeen: from.adding(days: -1), firstRun: "run-0", lastRun: "run-1", providerAmount: eur(50),
                ledgerAmount: nil, ledgerStatus: nil),
        ]
        let settledKeys = Set(["ch_was_missing", "ch_old_amount"])
        let history = History(runID: "run-2", window: window, supersedes: "run-1a").advance(
            breaks: result.breaks, previous: earlier, settledKeys: { settledKeys.contains($0.reference) }, ledger: [:])
        return RunReport(
            runID: "3f2a9c1e-0000-4000-8000-000000000002", provider: "acmepay", format: "stripe", window: window,
            timezone: "UTC", dryRun: dryRun, startedAt: Timestamp(date: to.adding(days: 1), hour: 2),
            finishedAt: Timestamp(date: to.adding(days: 1), hour: 2, second: 3),
            files: [
                RunReport.File(
                    path: "inbox/\(hostile).csv", sha256: String(repeating: "ab", count: 32), records: 17, rejected: 1)
            ], lookbackDays: 3, lookaheadDays: 1, amountToleranceMinor: 0, result: result,
            supersedes: "3f2a9c1e-0000-4000-8000-000000000001", history: history,
            earlierWindows: (1...3).map { days in
                RunReport.WindowBreaks(
                    from: from.adding(days: -days), to: from.adding(days: -days), high: days, medium: 1, info: 0)
            }.reversed())
    }

    /// `count` breaks: settlement lines with no ledger row (missing internally), every seventh a
    /// ledger row one cent off (amount mismatch), over two currencies; no store, no history.
    public static func many(_ count: Int) -> RunReport {
        var reconciler = Reconciler(window: window, expectedTransactions: count)
        for number in 0..<count {
            let reference = "ch_\(number)"
            let currency = number % 3 == 0 ? "USD" : "EUR"
            reconciler.addTransaction(settled(reference, money(Int64(100 + number), currency), line: number + 2))
        }
        var ledgerPhase = reconciler.ledgerPhase()
        for number in stride(from: 0, to: count, by: 7) {
            let currency = number % 3 == 0 ? "USD" : "EUR"
            ledgerPhase.addLedgerRow(ledger("ch_\(number)", money(Int64(99 + number), currency)))
        }
        return RunReport(
            runID: "3f2a9c1e-0000-4000-8000-0000000000ff", provider: "bigpay", format: "stripe", window: window,
            timezone: "UTC", dryRun: true, startedAt: Timestamp(date: to.adding(days: 1)),
            finishedAt: Timestamp(date: to.adding(days: 1), second: 9),
            files: [RunReport.File(path: "big.csv", sha256: String(repeating: "0", count: 64), records: count, rejected: 0)],
            lookbackDays: 3, lookaheadDays: 1, amountToleranceMinor: 0, result: ledgerPhase.finish())
    }
}
