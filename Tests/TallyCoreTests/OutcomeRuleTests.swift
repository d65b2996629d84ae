import Testing

@testable import TallyCore

@Suite struct OutcomeRuleTests {
    private func eur(_ minor: Int64) -> Money { Money(minor: minor, currency: Currency(code: "EUR")!) }
    private func at(_ text: String) -> Timestamp { Timestamp.parse(text)! }

    /// 2026-03-10..11 in UTC, lookback 3, lookahead 1: streamed [03-07, 03-13), that is 03-07..03-12.
    let rule = OutcomeRule(
        window: ReconciliationWindow(
            from: CivilDate(iso: "2026-03-10")!, to: CivilDate(iso: "2026-03-11")!,
            start: Timestamp.parse("2026-03-10 00:00:00Z")!, end: Timestamp.parse("2026-03-12 00:00:00Z")!,
            streamStart: Timestamp.parse("2026-03-07 00:00:00Z")!, streamEnd: Timestamp.parse("2026-03-13 00:00:00Z")!),
        tolerance: 0, lookbackDays: 3, lookaheadDays: 1, time: { String($0.iso8601.prefix(16)) })

    private func row(
        _ minor: Int64, _ status: LedgerStatus = .succeeded, created: String = "2026-03-10 12:00:00Z",
        kind: TransactionKind = .charge
    )
        -> LedgerRecord
    {
        LedgerRecord(reference: "ch_1", kind: kind, amount: eur(minor), status: status, createdAt: at(created))
    }

    @Test func everyClassNamesItsRuleAndValues() {
        func explain(_ breakClass: BreakClass?, _ provider: Money?, _ ledger: LedgerRecord?, kind: TransactionKind = .charge)
            -> String
        {
            rule.explain(breakClass, reference: "ch_1", kind: kind, provider: provider, ledger: ledger, providerPlace: "f.csv:7")
        }
        #expect(
            explain(.amountMismatch, eur(10_001), row(10_000))
                == "amount_mismatch: provider 100.01 EUR ≠ ledger 100.00 EUR, difference 0.01 EUR, tolerance 0.00 EUR")
        #expect(
            explain(.currencyMismatch, Money(minor: 10_000, currency: Currency(code: "USD")!), row(10_000))
                == "currency_mismatch: provider USD ≠ ledger EUR (provider 100.00 USD, ledger 100.00 EUR)")
        #expect(
            explain(.statusMismatch, eur(3_000), row(3_000, .failed))
                == "status_mismatch: ledger status failed; a charge settles only when succeeded or refunded")
        #expect(
            explain(.statusMismatch, eur(3_000), row(3_000, .pending, kind: .refund), kind: .refund)
                == "status_mismatch: ledger status pending; a refund settles only when succeeded")
        #expect(
            explain(.timingDifference, eur(800), row(800, created: "2026-03-08 23:00:00Z"))
                == "timing_difference: ledger row created 2026-03-08T23:00, before the window 2026-03-10..2026-03-11 but within the 3-day lookback"
        )
        #expect(
            explain(.timingDifference, eur(800), row(800, created: "2026-02-20 10:00:00Z"))
                == "timing_difference: ledger row created 2026-02-20T10:00, before the streamed range 2026-03-07..2026-03-12; found by the lookup outside it"
        )
        #expect(
            explain(.timingDifference, eur(800), row(800, created: "2026-03-12 00:00:00Z"))
                == "timing_difference: ledger row created 2026-03-12T00:00, after the window 2026-03-10..2026-03-11 but within the 1-day lookahead"
        )
        #expect(
            explain(.timingDifference, nil, row(800))
                == "timing_difference: ledger row created 2026-03-10T12:00, inside the window 2026-03-10..2026-03-11; its settlement line came in an earlier window"
        )
        #expect(
            explain(.missingInternally, eur(1_999), nil)
                == "missing_internally: no ledger row with (ch_1, charge), neither in the streamed range 2026-03-07..2026-03-12 nor by the lookup outside it"
        )
        #expect(
            explain(.missingInProvider, nil, row(4_200))
                == "missing_in_provider: the ledger row created 2026-03-10T12:00 with status succeeded, 42.00 EUR, lies inside the window 2026-03-10..2026-03-11 and should settle, but no line of the run's files has (ch_1, charge)"
        )
        #expect(
            explain(.duplicateInProvider, eur(1_234), row(1_234))
                == "duplicate_in_provider: (ch_1, charge) already appeared earlier in the run's files; this line (f.csv:7) repeats it"
        )
        #expect(
            explain(.duplicateInternal, nil, row(100)).hasPrefix(
                "duplicate_internal: more than one ledger row has (ch_1, charge)"))
        #expect(
            explain(nil, eur(1_234), row(1_234))
                == "matched: provider 12.34 EUR = ledger 12.34 EUR within tolerance 0.00 EUR, status succeeded settles a charge, ledger row created 2026-03-10T12:00 inside the window 2026-03-10..2026-03-11"
        )
    }

    @Test func namesEveryDifferingField() {
        let text = rule.explain(
            .currencyMismatch, reference: "ch_1", kind: .charge, provider: Money(minor: 9_000, currency: Currency(code: "GBP")!),
            ledger: row(10_000), differences: [.currency, .amount])
        #expect(text.hasSuffix("; fields that differ: currency, amount"))
    }

    /// The sentence agrees with the classifier on which rule fires.
    @Test(arguments: [
        (Int64(10_001), LedgerStatus.succeeded, "2026-03-10 12:00:00Z", "amount_mismatch"),
        (10_000, .failed, "2026-03-10 12:00:00Z", "status_mismatch"),
        (10_000, .succeeded, "2026-03-09 12:00:00Z", "timing_difference"),
        (10_000, .succeeded, "2026-03-10 12:00:00Z", "matched"),
    ])
    func agreesWithTheClassifier(_ provider: Int64, _ status: LedgerStatus, _ created: String, _ expected: String) {
        let ledger = row(10_000, status, created: created)
        let breakClass = rule.classifier.decide(provider: eur(provider), ledger: ledger).breakClass
        let text = rule.explain(breakClass, reference: "ch_1", kind: .charge, provider: eur(provider), ledger: ledger)
        #expect(text.hasPrefix(expected + ":"))
    }
}
