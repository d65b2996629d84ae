import Testing

@testable import TallyCore

private func eur(_ minor: Int64) -> Money { Money(minor: minor, currency: .eur) }
private let day = CivilDate(iso: "2026-03-10")!

/// A UTC window over 2026-03-10 .. 2026-03-11 streamed with 3 days back and 1 ahead.
private func utcWindow(from: CivilDate = day, to: CivilDate = day.adding(days: 1)) -> ReconciliationWindow {
    ReconciliationWindow(
        from: from, to: to, start: Timestamp(date: from), end: Timestamp(date: to.adding(days: 1)),
        streamStart: Timestamp(date: from.adding(days: -3)), streamEnd: Timestamp(date: to.adding(days: 2)))
}

private func at(_ text: String) -> Timestamp { Timestamp.parse(text)! }

private func settlement(
    _ reference: String = "ch_1", _ kind: TransactionKind = .charge, _ amount: Money = eur(1_000), line: Int = 2
)
    -> SettlementTransaction
{
    SettlementTransaction(reference: reference, kind: kind, amount: amount, location: SourceLocation(file: 0, line: line))
}

private func ledger(
    _ reference: String = "ch_1", _ kind: TransactionKind = .charge, _ amount: Money = eur(1_000),
    status: LedgerStatus = .succeeded, created: String = "2026-03-10 12:00:00+00"
) -> LedgerRecord {
    LedgerRecord(reference: reference, kind: kind, amount: amount, status: status, createdAt: at(created))
}

private func ledger(_ amount: Money, status: LedgerStatus = .succeeded, created: String = "2026-03-10 12:00:00+00")
    -> LedgerRecord
{
    ledger("ch_1", .charge, amount, status: status, created: created)
}

private func reconcile(
    _ transactions: [SettlementTransaction], _ streamed: [LedgerRecord], lookedUp: [LedgerRecord] = [],
    window: ReconciliationWindow = utcWindow(), tolerance: Int64 = 0
) -> ReconciliationResult {
    var reconciler = Reconciler(window: window, amountTolerance: tolerance)
    for transaction in transactions { reconciler.addTransaction(transaction) }
    var ledger = reconciler.ledgerPhase()
    for row in streamed where window.streams(row.createdAt) { ledger.addLedgerRow(row) }
    for row in lookedUp { ledger.addLookedUpRow(row) }
    return ledger.finish()
}

@Suite struct ReconcilerTests {
    @Test(
        arguments: [
            (ledger(), nil, [Difference]()),
            (ledger(eur(999)), BreakClass.amountMismatch, [.amount]),
            (ledger(Money(minor: 1_000, currency: .usd)), .currencyMismatch, [.currency]),
            (ledger(status: .failed), .statusMismatch, [.status]),
            (ledger(status: .pending), .statusMismatch, [.status]),
            (ledger(status: .refunded), nil, []),
            (ledger(status: .other("disputed")), .statusMismatch, [.status]),
            (ledger(created: "2026-03-08 12:00:00+00"), .timingDifference, [.createdAt]),
            (ledger(created: "2026-03-12 00:00:00+00"), .timingDifference, [.createdAt]),
            // precedence: the first rule names the class, every differing field is listed
            (ledger(Money(minor: 5, currency: .usd)), .currencyMismatch, [.currency, .amount]),
            (ledger(Money(minor: 5, currency: .usd), status: .failed), .currencyMismatch, [.currency, .status, .amount]),
            (ledger(eur(5), status: .failed), .statusMismatch, [.status, .amount]),
            (ledger(eur(5), created: "2026-03-08 00:00:00+00"), .amountMismatch, [.amount, .createdAt]),
            (ledger(status: .pending, created: "2026-03-07 00:00:00+00"), .statusMismatch, [.status, .createdAt]),
        ] as [(LedgerRecord, BreakClass?, [Difference])])
    func classifiesOneCharge(_ row: LedgerRecord, _ expected: BreakClass?, _ differences: [Difference]) {
        let result = reconcile([settlement()], [row])
        if let expected {
            #expect(result.breaks.map(\.breakClass) == [expected])
            #expect(result.breaks.first?.differences == differences)
            #expect(result.matched == 0)
        } else {
            #expect(result.breaks.isEmpty)
            #expect(result.matched == 1)
        }
    }

    @Test func refundAndChargebackSettleOnlyWhenSucceeded() {
        let refund = reconcile([settlement("re_1", .refund)], [ledger("re_1", .refund, status: .refunded)])
        #expect(refund.breaks.map(\.breakClass) == [.statusMismatch])
        let chargeback = reconcile([settlement("du_1", .chargeback)], [ledger("du_1", .chargeback)])
        #expect(chargeback.matched == 1)
    }

    @Test func settledAndMatchedAmountsPerCurrency() {
        let usd = Money(minor: 700, currency: .usd)
        let result = reconcile(
            [
                settlement("a", .charge, eur(1_000)), settlement("b", .charge, eur(250)),
                settlement("b", .charge, eur(250), line: 3),
                settlement("c", .refund, usd),
            ],
            [ledger("a"), ledger("b", .charge, eur(249)), ledger("c", .refund, usd)])
        // Duplicates count as settled; only exact matches count as matched.
        #expect(result.settlementAmountMinorByCurrency == [.eur: 1_500, .usd: 700])
        #expect(result.matchedAmountMinorByCurrency == [.eur: 1_000, .usd: 700])
    }

    @Test func keyIncludesKind() {
        let result = reconcile([settlement("x", .refund)], [ledger("x", .charge)])
        #expect(result.breaks.map(\.breakClass).sorted() == [.missingInProvider, .missingInternally])
    }

    @Test func toleranceAllowsSmallDifferences() {
        #expect(reconcile([settlement()], [ledger(eur(998))], tolerance: 2).matched == 1)
        #expect(reconcile([settlement()], [ledger(eur(997))], tolerance: 2).breaks.map(\.breakClass) == [.amountMismatch])
    }

    @Test func missingInternallyWhenNowhere() {
        let result = reconcile([settlement("ch_nowhere")], [])
        #expect(result.breaks.map(\.breakClass) == [.missingInternally])
        #expect(result.breaks[0].ledger == nil)
        #expect(result.breaks[0].provider?.location.line == 2)
    }

    @Test func outOfWindowLookupGivesTiming() {
        let old = ledger(created: "2026-03-01 10:00:00+00")
        var reconciler = Reconciler(window: utcWindow())
        reconciler.addTransaction(settlement())
        var ledger = reconciler.ledgerPhase()
        #expect(ledger.unclaimedReferences() == ["ch_1"])
        ledger.addLookedUpRow(old)
        let result = ledger.finish()
        #expect(result.breaks.map(\.breakClass) == [.timingDifference])
        #expect(result.ledgerRowsLookedUp == 1)
    }

    @Test func lookupRowsInsideTheStreamAreIgnored() {
        var reconciler = Reconciler(window: utcWindow())
        reconciler.addTransaction(settlement())
        var phase = reconciler.ledgerPhase()
        phase.addLookedUpRow(ledger(created: "2026-03-10 10:00:00+00"))
        #expect(phase.finish().breaks.map(\.breakClass) == [.missingInternally])
    }

    @Test func missingInProviderOnlyForSettlingRowsInsideTheWindow() {
        let rows = [
            ledger("a", created: "2026-03-10 00:00:00+00"),
            ledger("b", status: .failed),
            ledger("c", status: .pending),
            ledger("d", created: "2026-03-08 00:00:00+00"),  // lookback only
            ledger("e", created: "2026-03-12 00:00:00+00"),  // lookahead only
            ledger("f", .refund, status: .succeeded, created: "2026-03-11 23:59:59.999999+00"),
            ledger("g", status: .refunded),
        ]
        let result = reconcile([], rows)
        #expect(result.breaks.map(\.reference) == ["a", "f", "g"])
        #expect(!result.breaks.isEmpty, "nothing to check: the assertion below would hold vacuously")
        #expect(result.breaks.allSatisfy { $0.breakClass == .missingInProvider && $0.severity == .medium })
        #expect(result.ledgerRowsInWindow == 5)
    }

    @Test func windowEdgesAreInclusiveDates() {
        let first = ledger("first", created: "2026-03-10 00:00:00+00")
        let last = ledger("last", created: "2026-03-11 23:59:59.999999+00")
        let before = ledger("before", created: "2026-03-09 23:59:59.999999+00")
        let after = ledger("after", created: "2026-03-12 00:00:00+00")
        let result = reconcile(
            [settlement("first"), settlement("last"), settlement("before"), settlement("after")], [first, last, before, after])
        #expect(result.matched == 2)
        #expect(result.breaks.map(\.reference) == ["after", "before"])
        #expect(!result.breaks.isEmpty, "nothing to check: the assertion below would hold vacuously")
        #expect(result.breaks.allSatisfy { $0.breakClass == .timingDifference })
    }

    @Test func windowInAnotherTimeZone() {
        // 2026-03-10 .. 2026-03-10 in Asia/Tokyo (UTC+9): [2026-03-09T15:00Z, 2026-03-10T15:00Z)
        let window = ReconciliationWindow(
            from: day, to: day, start: at("2026-03-09 15:00:00+00"), end: at("2026-03-10 15:00:00+00"),
            streamStart: at("2026-03-06 15:00:00+00"), streamEnd: at("2026-03-11 15:00:00+00"))
        let result = reconcile(
            [settlement("early"), settlement("late")],
            [ledger("early", created: "2026-03-09 15:00:00+00"), ledger("late", created: "2026-03-10 15:00:00+00")],
            window: window)
        #expect(result.matched == 1)
        #expect(result.breaks.map(\.reference) == ["late"])
        #expect(result.breaks.map(\.breakClass) == [.timingDifference])
    }

    @Test func duplicateInProviderKeepsTheFirstLine() {
        let result = reconcile(
            [settlement(line: 2), settlement(line: 9), settlement("ch_1", .refund, line: 10)],
            [ledger(), ledger("ch_1", .refund)])
        #expect(result.matched == 2)
        #expect(result.breaks.map(\.breakClass) == [.duplicateInProvider])
        #expect(result.breaks[0].provider?.location.line == 9)
        #expect(result.settlementTransactions == 3)
    }

    /// Keys go into the table one call late (the slot's cache miss overlaps the next line); a
    /// duplicate on the very last line, or on two lines in a row, is still caught, with or without
    /// once the ledger phase begins (which puts the last one in).
    @Test func deferredInsertsCatchEveryDuplicate() {
        var reconciler = Reconciler(window: utcWindow())
        for (line, reference) in [(2, "a"), (3, "b"), (4, "a"), (5, "c"), (6, "c"), (7, "c")] {
            reconciler.addTransaction(settlement(reference, line: line))
        }
        let ledger = reconciler.ledgerPhase()
        #expect(ledger.index.count == 3)
        let result = ledger.finish()
        #expect(result.settlementTransactions == 6)
        let duplicates = result.breaks.filter { $0.breakClass == .duplicateInProvider }
        #expect(duplicates.map(\.reference).sorted() == ["a", "c", "c"])
        #expect(duplicates.compactMap(\.provider?.location.line).sorted() == [4, 6, 7])
        #expect(result.breaks.filter { $0.breakClass == .missingInternally }.map(\.reference).sorted() == ["a", "b", "c"])
    }

    @Test func deferredAndImmediateInsertsBuildTheSameIndex() {
        var immediate = SettlementIndex()
        var deferred = SettlementIndex()
        var state: UInt64 = 7
        var duplicates = (immediate: [Int](), deferred: [Int]())
        for line in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var reference = "ref_\(state >> 50)"  // about 16k distinct keys: many duplicates
            let kind: TransactionKind = state & 1 == 0 ? .charge : .refund
            let location = SourceLocation(file: 0, line: line)
            reference.withUTF8 { bytes in
                if immediate.insert(bytes, kind: kind, amount: eur(Int64(line)), location: location) == nil {
                    duplicates.immediate.append(line)
                }
                if let duplicate = deferred.insertDeferred(bytes, kind: kind, amount: eur(Int64(line)), location: location) {
                    duplicates.deferred.append(duplicate.location.line)
                }
            }
        }
        if let duplicate = deferred.settle() { duplicates.deferred.append(duplicate.location.line) }
        #expect(duplicates.immediate == duplicates.deferred)
        #expect(immediate.count == deferred.count)
        #expect(immediate.entries.indices.allSatisfy { immediate.reference(of: $0) == deferred.reference(of: $0) })
        #expect(immediate.entries.map(\.line) == deferred.entries.map(\.line))
        #expect(immediate.footprintBytes == deferred.footprintBytes)
    }

    @Test func duplicateInternalIsDeterministic() {
        let early = ledger(eur(1_000), created: "2026-03-10 08:00:00+00")
        let late = ledger(eur(1_500), created: "2026-03-10 09:00:00+00")
        for order in [[early, late], [late, early]] {
            let result = reconcile([settlement()], order)
            #expect(result.matched == 1)
            #expect(result.breaks.map(\.breakClass) == [.duplicateInternal])
            #expect(result.breaks[0].ledger?.amount == eur(1_500))
        }
    }

    @Test func duplicateInternalAmongUnmatchedRows() {
        let result = reconcile(
            [], [ledger("x", created: "2026-03-10 08:00:00+00"), ledger("x", created: "2026-03-10 09:00:00+00")])
        #expect(result.breaks.map(\.breakClass).sorted() == [.duplicateInternal, .missingInProvider])
    }

    @Test func breaksComeInReportOrder() {
        let result = reconcile(
            [settlement("b"), settlement("a"), settlement("c", .refund), settlement("c")],
            [ledger("z")])
        #expect(
            result.breaks.map(\.breakClass) == [
                .missingInProvider, .missingInternally, .missingInternally, .missingInternally, .missingInternally,
            ])
        #expect(
            result.breaks.dropFirst().map { "\($0.reference)/\($0.kind.name)" } == [
                "a/charge", "b/charge", "c/charge", "c/refund",
            ])
    }

    @Test func summaryCountsAndAmountsPerCurrency() {
        let result = reconcile(
            [settlement("a", .charge, eur(1_000)), settlement("b", .charge, Money(minor: 700, currency: .jpy))],
            [ledger("a", .charge, eur(400))])
        let summary = result.summaryByClass
        #expect(summary[.amountMismatch]?.count == 1)
        #expect(summary[.amountMismatch]?.amountMinorByCurrency == [.eur: 600])
        #expect(summary[.missingInternally]?.amountMinorByCurrency == [.jpy: 700])
        #expect(result.highestSeverity == .high)
    }

    @Test func indexGrowsAndFindsEveryKey() {
        var index = SettlementIndex(expectedCount: 1)
        for number in 0..<50_000 {
            var reference = "ref_\(number)"
            let inserted = reference.withUTF8 {
                index.insert($0, kind: .charge, amount: eur(Int64(number)), location: SourceLocation(file: 0, line: number))
            }
            #expect(inserted == number)
        }
        for number in stride(from: 0, to: 50_000, by: 7) {
            var reference = "ref_\(number)"
            #expect(reference.withUTF8 { index.find($0, .charge) } == number)
            #expect(reference.withUTF8 { index.find($0, .refund) } == nil)
        }
        var duplicate = "ref_42"
        #expect(duplicate.withUTF8 { index.insert($0, kind: .charge, amount: eur(1), location: .init(file: 0, line: 1)) } == nil)
        #expect(index.reference(of: 123) == "ref_123")
    }
}

@Suite struct InterleavedMatchingTests {
}

@Suite struct ControlBreakTests {
    @Test func aFailedControlIsAHighBreakWithoutAKind() {
        var reconciler = Reconciler(window: utcWindow())
        reconciler.addControl(
            ControlResult(name: "batch 7 EUR: net = payout", ok: false, expected: "10.00 EUR", actual: "9.99 EUR", file: 0))
        reconciler.addControl(ControlResult(name: "balance", ok: true, expected: "1", actual: "1", file: 0))
        let result = reconciler.ledgerPhase().finish()
        #expect(result.breaks.map(\.breakClass) == [.controlMismatch])
        #expect(result.breaks[0].severity == .high)
        #expect(result.breaks[0].kindName == nil)
        #expect(result.breaks[0].control?.expected == "10.00 EUR")
        #expect(result.summaryByClass[.controlMismatch]?.amountMinorByCurrency.isEmpty == true)
        let history = History(runID: "r", window: utcWindow(), supersedes: nil).advance(
            breaks: result.breaks, previous: [], settledKeys: { _ in false }, ledger: [:])
        #expect(history.open.isEmpty)
        #expect(history.breaks.count == 1)
    }
}
