import Testing

@testable import TallyCore

@Suite struct PIIMaskerTests {
    let masker = PIIMasker()

    @Test(arguments: [
        ("refund for jane.doe+shop@example.co.uk", "refund for [email]"),
        ("contact: J_Doe-99@mail.example.com.", "contact: [email]."),
        ("<ops@acme.io>, billing@acme.io", "<[email]>, [email]"),
        ("zoë@exämple.de", "[email]"),
        // not addresses: no domain, a one-letter top-level domain, a bare @
        ("user@localhost", "user@localhost"), ("a@b.c", "a@b.c"), ("@ 5 EUR", "@ 5 EUR"),
    ])
    func emailAddresses(_ text: String, _ expected: String) {
        #expect(masker.maskFreeText(text) == expected)
    }

    @Test(arguments: [
        ("card 4242424242424242 declined", "card [card] declined"),
        ("4242 4242 4242 4242", "[card]"),
        ("pan 4000-0566-5566-5556.", "pan [card]."),
        ("amex 378282246310005", "amex [card]"),
        ("diners 30569309025904", "diners [card]"),
        ("19 digits 6011000990139424000", "19 digits 6011000990139424000"),  // fails Luhn
        ("order 12 4242 4242 4242 4242 exp", "order 12 [card] exp"),
        ("4242424242424241", "4242424242424241"),  // fails Luhn
        ("424242424242", "424242424242"),  // 12 digits
        // references and amounts stay: glued to letters, an underscore or a decimal part
        ("ch_4242424242424242", "ch_4242424242424242"),
        ("txn4242424242424242", "txn4242424242424242"),
        ("gross '4242424242424.24'", "gross '4242424242424.24'"),
        ("net 1.4242424242424242", "net 1.4242424242424242"),
        ("2026-03-10 12:00:00", "2026-03-10 12:00:00"),
    ])
    func cardNumbers(_ text: String, _ expected: String) {
        #expect(masker.maskFreeText(text) == expected)
    }

    @Test(arguments: [
        ("Refund to Jane Doe", "Refund to [name]"),
        ("payout for J. Doe, thanks", "payout for [name], thanks"),
        ("Ludwig van Beethoven paid", "[name] paid"),
        ("from Jean-Luc O'Neil", "from [name]"),
        ("Zoë Müller-Lüdenscheidt", "[name]"),
        ("Mr SMITH JOHN", "[name]"),
        ("attn Frau Müller", "attn [name]"),
        ("Dr. J. Doe", "[name]"),
        // not names: one capitalised word, capitals without a title, lower case, snake case
        ("Radar: Standard", "Radar: Standard"), ("REFUND FOR PAYMENT", "REFUND FOR PAYMENT"),
        ("payout", "payout"), ("reserved_funds", "reserved_funds"), ("Smith", "Smith"),
        ("van de", "van de"),
    ])
    func names(_ text: String, _ expected: String) {
        #expect(masker.maskFreeText(text) == expected)
    }

    @Test func everythingAtOnce() {
        #expect(
            masker.maskFreeText("Jane Doe <jane@example.com> paid with 4242 4242 4242 4242 for ch_123 (12.50 EUR)")
                == "[name] <[email]> paid with [card] for ch_123 (12.50 EUR)")
    }

    @Test(arguments: [
        // a message's own words stay; quoted raw values are masked
        ("Gross Transaction Amount 'Jane Doe' is not a decimal", "Gross Transaction Amount '[name]' is not a decimal"),
        ("currency \"Mr Smith\" is not an ISO 4217 code", "currency \"[name]\" is not an ISO 4217 code"),
        (
            "Transaction Event Code 'T0006' is not T followed by four digits",
            "Transaction Event Code 'T0006' is not T followed by four digits"
        ),
        // e-mail addresses and card numbers anywhere
        ("expected 10 fields, found 9: jane@example.com", "expected 10 fields, found 9: [email]"),
        ("ledger row ch_1 has kind '4242424242424242'", "ledger row ch_1 has kind '[card]'"),
        // an apostrophe inside a word does not open a quote
        ("the file's row Jane Doe", "the file's row Jane Doe"),
    ])
    func messages(_ text: String, _ expected: String) {
        #expect(masker.maskMessage(text) == expected)
    }

    @Test func textWithoutCandidatesIsReturnedAsIs() {
        #expect(!PIIMasker.mayHoldPII("expected 10 fields as in the header, found 9"))
        #expect(masker.maskMessage("") == "")
    }

    @Test func luhn() {
        #expect(PIIMasker.luhn(Array("79927398713".unicodeScalars)))
        #expect(!PIIMasker.luhn(Array("79927398710".unicodeScalars)))
    }

    @Test func resultMaskingKeepsReferencesAndAmounts() {
        let window = ReconciliationWindow(
            from: CivilDate(iso: "2026-03-10")!, to: CivilDate(iso: "2026-03-10")!,
            start: Timestamp(microseconds: 0), end: Timestamp(microseconds: 1), streamStart: Timestamp(microseconds: 0),
            streamEnd: Timestamp(microseconds: 1))
        var reconciler = Reconciler(window: window)
        let eur = Currency(code: "EUR")!
        reconciler.addTransaction(
            SettlementTransaction(
                reference: "ch_Jane Doe", kind: .charge, amount: Money(minor: 100, currency: eur),
                location: SourceLocation(file: 0, line: 2)))
        reconciler.addReject(
            Reject(location: SourceLocation(file: 0, line: 3), reason: "gross 'jane@example.com': not a decimal"))
        reconciler.addNonTransaction(NonTransactionLine(category: "payout to Jane Doe", currency: eur, gross: -5))
        reconciler.addNonTransaction(NonTransactionLine(category: "payout to John Roe", currency: eur, gross: -7))
        reconciler.addControl(ControlResult(name: "owner 'Jane Doe'", ok: false, expected: "1", actual: "2", file: 0))
        let masked = reconciler.ledgerPhase().finish().maskingPII()
        #expect(masked.rejects.map(\.reason) == ["gross '[email]': not a decimal"])
        #expect(masked.nonTransactions.sorted.map(\.key.category) == ["payout to [name]"])
        #expect(masked.nonTransactions.sorted.first?.total.count == 2)
        #expect(masked.nonTransactions.sorted.first?.total.gross == -12)
        #expect(masked.controls.map(\.name) == ["owner '[name]'"])
        let control = masked.breaks.first { $0.breakClass == .controlMismatch }
        #expect(control?.reference == "owner '[name]'")
        // a transaction's reference is never masked
        #expect(masked.breaks.contains { $0.reference == "ch_Jane Doe" && $0.provider?.amount.minor == 100 })
    }
}
