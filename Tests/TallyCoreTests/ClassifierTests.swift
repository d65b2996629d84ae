import Testing

@testable import TallyCore

/// The rules are written once in ``Classifier``; these tests hold its fast path (raw index fields)
/// and its slow path (values) to the same answer over every combination of the four checks, and
/// pin the order in which a failing check names the break.
@Suite struct ClassifierTests {
    static let day = CivilDate(iso: "2026-03-10")!
    static let window = ReconciliationWindow(
        from: day, to: day, start: Timestamp(date: day), end: Timestamp(date: day.adding(days: 1)),
        streamStart: Timestamp(date: day.adding(days: -3)), streamEnd: Timestamp(date: day.adding(days: 2)))
    static let statuses: [LedgerStatus] = [.succeeded, .refunded, .failed, .pending, .other("disputed")]
    static let inside = Timestamp(date: day, hour: 12)
    static let outside = Timestamp(date: day.adding(days: -1), hour: 12)

    @Test(arguments: [Int64(0), 5])
    func theFastPathAgreesWithTheRules(_ tolerance: Int64) {
        let classifier = Classifier(window: Self.window, tolerance: Tolerance(minor: tolerance))
        var cases = 0
        var matched = 0
        for kind in TransactionKind.allCases {
            for status in Self.statuses {
                for currency in [Currency.eur, .usd] {
                    for ledgerMinor in [Int64(1_000), 1_005, 1_006, 994, .min, .max] {
                        for created in [Self.inside, Self.outside] {
                            let provider = Money(minor: 1_000, currency: .eur)
                            let row = LedgerRecord(
                                reference: "ch_1", kind: kind, amount: Money(minor: ledgerMinor, currency: currency),
                                status: status, createdAt: created)
                            let fast = classifier.matches(
                                kind: kind, providerMinor: 1_000, providerCurrency: Currency.eur.packed,
                                ledgerMinor: ledgerMinor, ledgerCurrency: currency.packed,
                                status: LedgerStatusCode(status), createdAt: created.microseconds)
                            let decision = classifier.decide(provider: provider, ledger: row)
                            #expect(
                                fast == (decision.breakClass == nil), "\(kind) \(status) \(currency) \(ledgerMinor) \(created)")
                            #expect(fast == decision.differences.isEmpty)
                            cases += 1
                            if fast { matched += 1 }
                        }
                    }
                }
            }
        }
        #expect(cases == 3 * 5 * 2 * 6 * 2)
        // charge: succeeded, refunded; refund and chargeback: succeeded — in EUR, inside, within tolerance
        #expect(matched == 4 * (tolerance == 0 ? 1 : 2))
    }

    @Test func theFirstFailingCheckNamesTheBreakAndEveryFailingOneIsADifference() {
        let classifier = Classifier(window: Self.window, tolerance: .exact)
        let row = LedgerRecord(
            reference: "ch_1", kind: .charge, amount: Money(minor: 900, currency: .gbp), status: .failed,
            createdAt: Self.outside)
        let decision = classifier.decide(provider: Money(minor: 1_000, currency: .eur), ledger: row)
        #expect(decision.breakClass == .currencyMismatch)
        #expect(decision.differences == [.currency, .status, .amount, .createdAt])
        #expect(!classifier.agreesApartFromTiming(provider: Money(minor: 1_000, currency: .eur), ledger: row))
        var late = row
        late.amount = Money(minor: 1_000, currency: .eur)
        late.status = .refunded
        #expect(classifier.decide(provider: Money(minor: 1_000, currency: .eur), ledger: late).breakClass == .timingDifference)
        #expect(classifier.agreesApartFromTiming(provider: Money(minor: 1_000, currency: .eur), ledger: late))
    }

    @Test func theSettlingStatusesComeFromTheOneTable() {
        #expect(Classifier.settlingStatuses(.charge) == [.succeeded, .refunded])
        #expect(Classifier.settlingStatuses(.refund) == [.succeeded])
        #expect(Classifier.settlingStatuses(.chargeback) == [.succeeded])
        for kind in TransactionKind.allCases {
            for status in Self.statuses {
                #expect(status.shouldSettle(kind: kind) == Classifier.settlingStatuses(kind).contains(status))
            }
        }
    }

    @Test func anUnclaimedRowExpectsALineOnlyInsideTheWindowWithASettlingStatus() {
        let classifier = Classifier(window: Self.window, tolerance: .exact)
        var expected = 0
        for kind in TransactionKind.allCases {
            for status in Self.statuses {
                for created in [Self.inside, Self.outside] {
                    let expects = classifier.expectsSettlementLine(kind: kind, status: status, createdAt: created)
                    #expect(expects == (created == Self.inside && status.shouldSettle(kind: kind)))
                    if expects { expected += 1 }
                }
            }
        }
        #expect(expected == 4)
    }

    @Test func aDifferenceThatOverflowsIsNeverWithinTolerance() {
        #expect(!Tolerance(minor: .max).accepts(.max, -2))
        #expect(Tolerance(minor: .max).accepts(.max, 0))
        #expect(Tolerance(minor: 0).accepts(7, 7))
        #expect(!Tolerance(minor: 0).accepts(7, 8))
    }

    @Test(arguments: BreakClass.allCases)
    func eachCheckNamesOneClass(_ breakClass: BreakClass) {
        let check = Classifier.Check(naming: breakClass)
        let named: Set<BreakClass> = [.currencyMismatch, .statusMismatch, .amountMismatch, .timingDifference]
        #expect((check != nil) == named.contains(breakClass))
        #expect(check.map(\.breakClass) ?? breakClass == breakClass)
    }
}
