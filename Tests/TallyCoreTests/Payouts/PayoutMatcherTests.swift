import Testing

@testable import TallyCore

/// The bank leg: a credit matched by a reference in its text, else by amount and date, unique both
/// ways; what is left is missing, unexpected or ambiguous; the per-payout and batch controls.
@Suite struct PayoutMatcherTests {
    static let day = CivilDate(year: 2026, month: 4, day: 5)
    static let window = ReconciliationWindow(
        from: day, to: day, start: Timestamp(date: day), end: Timestamp(date: day.adding(days: 1)),
        streamStart: Timestamp(date: day), streamEnd: Timestamp(date: day.adding(days: 1)))
    static func eur(_ minor: Int64) -> Money { Money(minor: minor, currency: .eur) }

    static func payout(
        _ reference: String, _ minor: Int64, paid: Int, due: Int, batch: Int? = nil, missing: Bool = false,
        provider: String = "acmepay"
    ) -> ExpectedPayout {
        ExpectedPayout(
            provider: provider, reference: reference, batch: batch, amount: eur(minor),
            payoutDate: CivilDate(year: 2026, month: 4, day: paid), dueDate: CivilDate(year: 2026, month: 4, day: due),
            announcedRun: "run", reportedMissing: missing)
    }

    static func credit(_ minor: Int64, line: Int, text: String = "STRIPE PAYOUT", day: Int = 5, provider: String = "acmepay")
        -> PayoutMatcher.Credit
    {
        PayoutMatcher.Credit(
            reference: "(no reference) line \(line)", amount: eur(minor), location: SourceLocation(file: 0, line: line),
            details: LineDetails(date: CivilDate(year: 2026, month: 4, day: day), remittance: text, counterparty: "STRIPE"),
            provider: provider)
    }

    func classes(_ outcome: PayoutMatcher.Outcome) -> [String] {
        outcome.breaks.map { "\($0.breakClass.rawValue) \($0.reference)" }
    }

    @Test func anExactAmountWithinItsDaysArrives() {
        let payouts = [Self.payout("po_a", 10290, paid: 4, due: 6)]
        let outcome = PayoutMatcher(window: Self.window).run(credits: [Self.credit(10290, line: 3)], payouts: payouts)
        #expect(outcome.arrivals.map(\.payout) == [0])
        #expect(outcome.breaks.isEmpty)
    }

    @Test func aBatchInTheTextFindsThePayoutAndAShortAmountIsAMismatch() {
        let payouts = [
            Self.payout("AcmeCOM batch 2 EUR", 19400, paid: 4, due: 5, batch: 2, provider: "adyenpay"),
            Self.payout("AcmeCOM batch 3 EUR", 19399, paid: 4, due: 5, batch: 3, provider: "adyenpay"),
        ]
        let credit = Self.credit(19399, line: 9, text: "AcmeCOM Batch 2 payout", provider: "adyenpay")
        let outcome = PayoutMatcher(window: Self.window).run(credits: [credit], payouts: payouts)
        #expect(outcome.arrivals.map(\.payout) == [0])
        #expect(classes(outcome) == ["payout_amount_mismatch AcmeCOM batch 2 EUR"])
        #expect(outcome.breaks[0].amountAtRisk == Self.eur(1))
    }

    @Test func twoCreditsForTwoEqualPayoutsAreAmbiguousAndHoldThem() {
        let payouts = [Self.payout("po_a", 7840, paid: 2, due: 4), Self.payout("po_b", 7840, paid: 2, due: 4)]
        let credits = [Self.credit(7840, line: 3), Self.credit(7840, line: 4)]
        let outcome = PayoutMatcher(window: Self.window).run(credits: credits, payouts: payouts)
        #expect(outcome.arrivals.isEmpty)
        #expect(classes(outcome) == ["ambiguous_match (no reference) line 3", "ambiguous_match (no reference) line 4"])
        #expect(outcome.breaks[0].candidates.map(\.reference) == ["po_a", "po_b"])
        #expect(outcome.missing.isEmpty, "a payout an ambiguous credit might be is not missing")
        #expect(outcome.ambiguous == [0, 1])
    }

    @Test func nothingAnnouncedIsUnexpectedAndAPassedDueDateIsMissing() {
        let payouts = [Self.payout("po_never", 3920, paid: 2, due: 4)]
        let outcome = PayoutMatcher(window: Self.window).run(credits: [Self.credit(6666, line: 5)], payouts: payouts)
        #expect(classes(outcome) == ["payout_missing po_never", "unexpected_payout (no reference) line 5"])
        #expect(outcome.unexpected == [0])
        #expect(outcome.missing == [0])
        let held = PayoutMatcher(window: Self.window).run(credits: [], payouts: payouts, held: { $0.amount == Self.eur(3920) })
        #expect(held.missing.isEmpty)
    }

    @Test func aLateCreditFitsAPayoutReportedMissingButNotOneStillDue() {
        let late = [Self.payout("po_late", 4900, paid: 1, due: 3, missing: true)]
        #expect(PayoutMatcher(window: Self.window).run(credits: [Self.credit(4900, line: 2)], payouts: late).arrivals.count == 1)
        let early = [Self.payout("po_early", 4900, paid: 6, due: 8)]
        let outcome = PayoutMatcher(window: Self.window).run(credits: [Self.credit(4900, line: 2)], payouts: early)
        #expect(classes(outcome) == ["unexpected_payout (no reference) line 2"], "a credit before the payout date fits nothing")
    }

    @Test func thePayoutControlNamesTheRemainder() {
        var collector = PayoutCollector()
        collector.notePayoutItem(payout: "po_x", net: Self.eur(2450))
        collector.addPayout(
            AnnouncedPayout(reference: "po_x", amount: Self.eur(2451), date: nil, location: SourceLocation(file: 0, line: 3)))
        collector.addPayout(
            AnnouncedPayout(reference: "po_free", amount: Self.eur(10), date: nil, location: SourceLocation(file: 0, line: 4)))
        let controls = collector.controls()
        #expect(controls.count == 1, "a payout without tied lines has no control")
        #expect(!controls[0].ok)
        #expect(controls[0].name == "payout po_x = Σ net of its lines")
        #expect(controls[0].actual == "Σ net of 1 line 24.50 EUR, unexplained 0.01 EUR")
    }

    @Test func aSkippedBatchNumberFailsTheBatchControl() {
        let announced = [
            AnnouncedPayout(
                reference: "AcmeCOM batch 4 EUR", batch: 4, account: "AcmeCOM", amount: Self.eur(1), date: nil,
                location: SourceLocation(file: 0, line: 2))
        ]
        let stored = [Self.payout("AcmeCOM batch 2 EUR", 1, paid: 2, due: 3, batch: 2)].map {
            var payout = $0
            payout.account = "AcmeCOM"
            return payout
        }
        let controls = PayoutBook.batchGaps(announced, stored: stored)
        #expect(controls.map(\.ok) == [false])
        #expect(controls[0].actual == "batch 4 follows batch 2 (batch 3 missing)")
        #expect(PayoutBook.batchGaps(announced, stored: []).map(\.ok) == [true])
    }

    /// A batch that paid nothing has no payout, but a file settled it: it is no gap, in the run
    /// that reads it or a later one; a gap before it is found by the run that reads it; a batch of
    /// another account is no evidence.
    @Test func aBatchThatPaidNothingIsNoGap() {
        func announced(_ batch: Int) -> [AnnouncedPayout] {
            [
                AnnouncedPayout(
                    reference: "AcmeCOM batch \(batch) EUR", batch: batch, account: "AcmeCOM", amount: Self.eur(1), date: nil,
                    location: SourceLocation(file: 0, line: 2))
            ]
        }
        var stored = Self.payout("AcmeCOM batch 2 EUR", 1, paid: 2, due: 3, batch: 2)
        stored.account = "AcmeCOM"
        let three = SettledBatch(account: "AcmeCOM", batch: 3)
        // a later run: batch 3 was settled by an earlier one
        #expect(PayoutBook.batchGaps(announced(4), stored: [stored], settledBefore: [three]).map(\.ok) == [true])
        // the same run: batch 3's file and batch 4's
        #expect(PayoutBook.batchGaps(announced(4), stored: [stored], settledNow: [three: 1]).map(\.ok) == [true])
        let elsewhere = SettledBatch(account: "OtherCOM", batch: 3)
        let controls = PayoutBook.batchGaps(announced(4), stored: [stored], settledBefore: [elsewhere])
        #expect(controls.map(\.actual) == ["batch 4 follows batch 2 (batch 3 missing)"])
        // the run that reads only batch 5, which paid nothing, finds batches 3 and 4 missing
        let five = PayoutBook.batchGaps([], stored: [stored], settledNow: [SettledBatch(account: "AcmeCOM", batch: 5): 0])
        #expect(five.map(\.actual) == ["batch 5 follows batch 2 (batches 3–4 missing)"])
        #expect(five.map(\.name) == ["adyen payouts AcmeCOM: batch numbers go up by one"])
    }

    @Test func aReversalReopensAMatchedPayout() {
        var arrived = Self.payout("po_a", 10290, paid: 1, due: 3)
        arrived.arrival = ExpectedPayout.Arrival(
            bankProvider: "bank", run: "b", reference: "x", file: "f", line: 1, date: nil, amount: Self.eur(10290))
        let terms = PayoutTerms(to: "bank", arrivalDays: 2, bankText: "STRIPE")
        let reversal = AnnouncedPayout(
            reference: "po_a", amount: Self.eur(10290), date: nil, location: SourceLocation(file: 0, line: 2), isReversal: true)
        let (written, _) = PayoutBook.announce(
            [reversal], stored: [arrived], credits: [], provider: "acmepay", runID: "r", terms: terms, window: Self.window)
        #expect(written.map(\.state) == [.outstanding])
        #expect(written[0].reversedRun == "r")
    }
}
