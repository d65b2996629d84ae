import Testing

@testable import TallyCore

/// The rule passes over the residue: unique both ways or nothing, never on empty evidence, a
/// claimed side gone for the next pass, the same answer whatever order the rows came in.
@Suite struct RulePassTests {
    static let from = CivilDate(year: 2026, month: 3, day: 10)
    static let to = CivilDate(year: 2026, month: 3, day: 11)
    static let window = ReconciliationWindow(
        from: from, to: to, start: Timestamp(date: from), end: Timestamp(date: to.adding(days: 1)),
        streamStart: Timestamp(date: from.adding(days: -3)), streamEnd: Timestamp(date: to.adding(days: 2)))
    static func eur(_ minor: Int64) -> Money { Money(minor: minor, currency: .eur) }

    struct Line {
        var reference: String?
        var minor: Int64
        var day: Int = 11
        var remittance = ""
        var counterparty = ""
    }

    struct Row {
        var reference: String
        var minor: Int64
        var day: Int = 10
        var merchantRef: String?
        var status: LedgerStatus = .succeeded
    }

    static let orderInText = RulePass(
        name: "order-in-text", method: .reference(from: .remittance, pattern: "ORD-[0-9]{6}", ledgerField: .merchantRef))
    static let sameAmount = RulePass(
        name: "same-amount-near-date", method: .amountDate(window: .init(before: 3, after: 0), tolerance: .minor(0)))
    static let group = RulePass(
        name: "one-transfer-several-orders", method: .group(maxItems: 4, window: .init(before: 3, after: 0)))

    func run(_ lines: [Line], _ rows: [Row], passes: [RulePass]) -> ReconciliationResult {
        var settlement = Reconciler(window: Self.window, keepsLineDetails: true)
        for (number, line) in lines.enumerated() {
            let location = SourceLocation(file: 0, line: number + 2)
            let details = LineDetails(
                date: CivilDate(year: 2026, month: 3, day: line.day), remittance: line.remittance, counterparty: line.counterparty
            )
            if let reference = line.reference {
                settlement.addTransaction(
                    SettlementTransaction(reference: reference, kind: .charge, amount: Self.eur(line.minor), location: location))
                settlement.noteDetails(details)
            } else {
                settlement.addUnreferencedTransaction(
                    kind: .charge, amount: Self.eur(line.minor), location: location, details: details)
            }
        }
        var ledger = settlement.ledgerPhase()
        for row in rows {
            ledger.addLedgerRow(
                LedgerRecord(
                    reference: row.reference, kind: .charge, amount: Self.eur(row.minor), status: row.status,
                    createdAt: Timestamp(date: CivilDate(year: 2026, month: 3, day: row.day), hour: 12),
                    merchantReference: row.merchantRef))
        }
        return ledger.finish().applying(passes, classifier: Classifier(window: Self.window, tolerance: Tolerance(minor: 0)))
    }

    func summary(_ result: ReconciliationResult) -> [String] {
        result.breaks.map { "\($0.breakClass.rawValue) \($0.reference) \($0.matchedBy ?? "-") \($0.candidates.map(\.reference))" }
    }

    @Test func aReferenceInTheRemittanceTextMatchesTheMerchantReference() {
        let result = run(
            [Line(reference: "NOTPROVIDED-1", minor: 4_500, remittance: "Payment ord-204519 thanks")],
            [Row(reference: "pay_1", minor: 4_500, merchantRef: "ORD-204519")], passes: [Self.orderInText])
        #expect(result.breaks.isEmpty, "\(summary(result))")
        #expect(result.matched == 1)
        #expect(result.pairsByPass == ["order-in-text": 1])
        #expect(result.matchedAmountMinorByCurrency[.eur] == 4_500)
    }

    @Test func aPairFoundByAPassIsStillClassified() {
        let result = run(
            [Line(reference: nil, minor: 4_400, remittance: "ORD-204519")],
            [Row(reference: "pay_1", minor: 4_500, merchantRef: "ORD-204519")], passes: [Self.orderInText])
        #expect(summary(result) == ["amount_mismatch pay_1 order-in-text []"])
        #expect(result.matched == 0)
    }

    @Test(arguments: ["", "   ", "NOTPROVIDED", "nonref", " NotProvided "])
    func emptyEvidenceNeverPairs(_ text: String) {
        let pass = RulePass(name: "whole-text", method: .reference(from: .remittance, pattern: nil, ledgerField: .merchantRef))
        let result = run(
            [Line(reference: nil, minor: 100, remittance: text)], [Row(reference: "pay_1", minor: 100, merchantRef: text)],
            passes: [pass])
        #expect(result.matched == 0)
        #expect(result.breaks.map(\.breakClass) == [.missingInProvider, .missingInternally])
    }

    @Test func twoEqualAmountsOnOneDayAreAmbiguousAndClaimNothing() {
        let result = run(
            [Line(reference: "bank-1", minor: 2_000)],
            [Row(reference: "pay_a", minor: 2_000), Row(reference: "pay_b", minor: 2_000)], passes: [Self.sameAmount])
        #expect(
            summary(result) == [
                "ambiguous_match bank-1 same-amount-near-date [\"pay_a\", \"pay_b\"]", "missing_in_provider pay_a - []",
                "missing_in_provider pay_b - []",
            ])
        #expect(result.breaks[0].severity == .high)
    }

    @Test func oneRowWantedByTwoLinesIsAmbiguousForBoth() {
        let result = run(
            [Line(reference: "bank-1", minor: 2_000), Line(reference: "bank-2", minor: 2_000)],
            [Row(reference: "pay_a", minor: 2_000)], passes: [Self.sameAmount])
        #expect(result.breaks.filter { $0.breakClass == .ambiguousMatch }.count == 2)
        #expect(result.breaks.contains { $0.breakClass == .missingInProvider && $0.reference == "pay_a" })
    }

    @Test func aUniqueAmountAndDateIsAProbableMatchForReview() {
        let sameDay = RulePass(name: "same-day", method: .amountDate(window: .init(before: 0, after: 0), tolerance: .minor(0)))
        let result = run(
            [Line(reference: nil, minor: 1_999, day: 11)],
            [Row(reference: "pay_a", minor: 1_999, day: 11), Row(reference: "pay_far", minor: 1_999, day: 10)], passes: [sameDay])
        // pay_far was created the day before the line: outside days_before 0
        #expect(summary(result) == ["missing_in_provider pay_far - []", "probable_match pay_a same-day []"])
        #expect(result.breaks.last?.severity == .info)
        #expect(result.matched == 0, "a proposal does not count as matched until it is confirmed")
    }

    @Test func aNearAmountOutsideTheToleranceIsNoCandidate() {
        let result = run(
            [Line(reference: "bank-1", minor: 2_000)], [Row(reference: "pay_a", minor: 2_001)], passes: [Self.sameAmount])
        #expect(result.breaks.map(\.breakClass) == [.missingInProvider, .missingInternally])
        let tolerant = RulePass(
            name: "half-percent", method: .amountDate(window: .init(before: 3, after: 0), tolerance: .basisPoints(50)),
            outcome: .match)
        let within = run([Line(reference: "bank-1", minor: 2_000)], [Row(reference: "pay_a", minor: 2_001)], passes: [tolerant])
        // paired within 0.5%, then classified: the amounts still differ by one cent
        #expect(summary(within) == ["amount_mismatch pay_a half-percent []"])
    }

    @Test func oneTransferForTwoOrdersIsAGroup() {
        let result = run(
            [Line(reference: "bank-1", minor: 7_500)],
            [
                Row(reference: "pay_a", minor: 5_000), Row(reference: "pay_b", minor: 2_500),
                Row(reference: "pay_c", minor: 9_000),
            ],
            passes: [Self.group])
        #expect(
            summary(result) == [
                "missing_in_provider pay_c - []", "probable_match pay_a one-transfer-several-orders [\"pay_a\", \"pay_b\"]",
            ])
    }

    @Test func twoSetsThatFitMakeTheGroupAmbiguous() {
        let result = run(
            [Line(reference: "bank-1", minor: 7_500)],
            [
                Row(reference: "pay_a", minor: 5_000), Row(reference: "pay_b", minor: 2_500),
                Row(reference: "pay_c", minor: 4_000),
                Row(reference: "pay_d", minor: 3_500),
            ], passes: [Self.group])
        #expect(result.breaks.filter { $0.breakClass == .ambiguousMatch }.map(\.candidates.count) == [4])
        #expect(result.breaks.filter { $0.breakClass == .missingInProvider }.count == 4)
    }

    @Test func aPassNeverClaimsWhatAnEarlierPassClaimed() {
        // the reference pass takes pay_a for line 1; the amount pass then sees only pay_b for line 2
        let result = run(
            [Line(reference: nil, minor: 2_000, remittance: "ORD-000001"), Line(reference: nil, minor: 2_000)],
            [Row(reference: "pay_a", minor: 2_000, merchantRef: "ORD-000001"), Row(reference: "pay_b", minor: 2_000)],
            passes: [Self.orderInText, Self.sameAmount])
        #expect(summary(result) == ["probable_match pay_b same-amount-near-date []"])
        #expect(result.pairsByPass == ["order-in-text": 1, "same-amount-near-date": 1])
    }

    @Test func theOrderOfEitherSideDoesNotMatter() {
        let lines = [
            Line(reference: nil, minor: 2_000, remittance: "ORD-000001"), Line(reference: "b2", minor: 3_000),
            Line(reference: "b3", minor: 7_500), Line(reference: "b4", minor: 1_000), Line(reference: "b5", minor: 1_000),
        ]
        let rows = [
            Row(reference: "pay_a", minor: 2_000, merchantRef: "ORD-000001"), Row(reference: "pay_b", minor: 3_000),
            Row(reference: "pay_c", minor: 5_000), Row(reference: "pay_d", minor: 2_500), Row(reference: "pay_e", minor: 1_000),
        ]
        let passes = [Self.orderInText, Self.sameAmount, Self.group]
        let expected = summary(run(lines, rows, passes: passes))
        #expect(expected.contains("ambiguous_match b4 same-amount-near-date [\"pay_e\"]"), "\(expected)")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            // the lines keep their positions (a line's place is its identity); their contents shuffle
            #expect(summary(run(lines, rows.shuffled(using: &generator), passes: passes)) == expected)
        }
    }

    @Test func withoutPassesTheResultIsUnchanged() {
        let result = run([Line(reference: "bank-1", minor: 2_000)], [Row(reference: "pay_a", minor: 2_000)], passes: [])
        #expect(result.breaks.map(\.breakClass) == [.missingInProvider, .missingInternally])
        #expect(result.pairsByPass.isEmpty)
    }

    @Test func aLineWithNoReferenceIsNamedByItsPlace() {
        let result = run([Line(reference: nil, minor: 2_000)], [], passes: [])
        #expect(result.breaks.map(\.reference) == ["(no reference) line 2"])
        #expect(result.settlementTransactions == 1)
    }
}
