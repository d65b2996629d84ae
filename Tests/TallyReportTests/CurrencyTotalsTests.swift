import TallyCore
import TallyTestFixtures
import Testing

@testable import TallyReport

/// The money per currency: signed gross, fees by kind, net from every line, payouts apart.
@Suite struct CurrencyTotalsTests {
    static func money(_ minor: Int64, _ code: String) -> Money { Money(minor: minor, currency: Currency(code: code)!) }

    /// A file in two currencies: a charge with a fee, a refund with its fee refunded, a chargeback
    /// with a dispute fee, a fee line, a payout, an adjustment, a PayPal withdrawal and fee reversal.
    static func result() -> ReconciliationResult {
        var reconciler = Reconciler(window: ReportFixture.window)
        func add(_ reference: String, _ kind: TransactionKind, _ minor: Int64, _ code: String, fee: Int64 = 0) {
            reconciler.addTransaction(
                SettlementTransaction(
                    reference: reference, kind: kind, amount: money(minor, code), location: SourceLocation(file: 0, line: 2)))
            if fee != 0 { reconciler.noteFee(money(fee, code), of: kind) }
        }
        add("ch_1", .charge, 10_000, "EUR", fee: 300)
        add("ch_2", .charge, 5_000, "EUR", fee: 150)
        add("re_1", .refund, 2_000, "EUR", fee: -60)
        add("dp_1", .chargeback, 1_000, "EUR", fee: 1_500)
        add("ch_3", .charge, 700, "JPY", fee: 25)
        reconciler.addNonTransaction(NonTransactionLine(category: "fee", currency: .eur, gross: -250, net: -250))
        reconciler.addNonTransaction(NonTransactionLine(category: "payout", currency: .eur, gross: -9_000, net: -9_000))
        reconciler.addNonTransaction(NonTransactionLine(category: "adjustment", currency: .eur, gross: 40, net: 40))
        let jpy = Currency(code: "JPY")!
        reconciler.addNonTransaction(NonTransactionLine(category: "T0400 bank withdrawal", currency: jpy, gross: -600, net: -600))
        reconciler.addNonTransaction(NonTransactionLine(category: "T1108 fee reversal", currency: jpy, gross: 5, net: 5))
        return reconciler.ledgerPhase().finish()
    }

    @Test func everyLineCountsInItsCurrency() throws {
        let totals = CurrencyTotals.of(Self.result())
        #expect(totals.map(\.currency.code) == ["EUR", "JPY"])
        let eur = try #require(totals.first)
        #expect(eur.transactions == 4)
        #expect(eur.grossMinor == 10_000 + 5_000 - 2_000 - 1_000)
        #expect(eur.transactionFeesMinor == 300 + 150 - 60)
        #expect(eur.disputeFeesMinor == 1_500)
        #expect(eur.feeLinesMinor == 250)
        #expect(eur.otherLinesMinor == 40)
        #expect(eur.payoutsMinor == -9_000)
        #expect(eur.feesMinor == 390 + 1_500 + 250)
        #expect(eur.netMinor == 12_000 - 2_140 + 40)
        let jpy = try #require(totals.last)
        #expect(jpy.payoutsMinor == -600)
        #expect(jpy.feeLinesMinor == -5)
        #expect(jpy.netMinor == 700 - 25 + 5)
    }

    @Test func theSplitPartsOfASpilledRunAddUpToTheWhole() {
        let whole = Self.result()
        // the spilled run: partitions count the lines, the side reconciler the fees
        var partition = Reconciler(window: ReportFixture.window)
        var side = Reconciler(window: ReportFixture.window)
        for (reference, kind, minor, code, fee) in [
            ("ch_1", TransactionKind.charge, Int64(10_000), "EUR", Int64(300)), ("ch_2", .charge, 5_000, "EUR", 150),
            ("re_1", .refund, 2_000, "EUR", -60), ("dp_1", .chargeback, 1_000, "EUR", 1_500), ("ch_3", .charge, 700, "JPY", 25),
        ] {
            partition.addTransaction(
                SettlementTransaction(
                    reference: reference, kind: kind, amount: Self.money(minor, code), location: SourceLocation(file: 0, line: 2))
            )
            side.noteFee(Self.money(fee, code), of: kind)
        }
        var merged = ReconciliationResult.merged([side.ledgerPhase().finish(), partition.ledgerPhase().finish()])
        merged.nonTransactions = whole.nonTransactions
        #expect(CurrencyTotals.of(merged) == CurrencyTotals.of(whole))
    }

    @Test func theFeesFigureIsEveryFeeLargestFirst() {
        let report = RunReport(
            runID: "r", provider: "p", format: "stripe", window: ReportFixture.window, timezone: "UTC", dryRun: true,
            startedAt: Timestamp(microseconds: 0), finishedAt: Timestamp(microseconds: 0),
            files: [RunReport.File(path: "f.csv", sha256: "", records: 1, rejected: 0)], lookbackDays: 3,
            lookaheadDays: 1, amountToleranceMinor: 0, result: Self.result())
        let figures = ReportFigures(report)
        #expect(figures.fees.map { "\($0.decimal) \($0.currency.code)" } == ["21.40 EUR", "20 JPY"])
        #expect(figures.payouts.map { "\($0.decimal) \($0.currency.code)" } == ["-90.00 EUR", "-600 JPY"])
    }
}
