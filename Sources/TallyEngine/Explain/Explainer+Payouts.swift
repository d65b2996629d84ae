import TallyCore
import TallyPostgres

extension Explainer {
    /// What the store knows of a payout this reference names, or of the payout a bank line with
    /// this reference arrived for (docs/payouts.md): one note each, in words.
    func payoutNotes(_ connection: PostgresConnection) throws -> [String] {
        let store = PayoutStore(connection: connection)
        return try store.payouts().filter { $0.reference == reference || $0.arrival?.reference == reference }.map {
            Self.payoutNote($0)
        }
    }

    static func payoutNote(_ payout: ExpectedPayout) -> String {
        var text =
            "payout \(payout.reference) of \(payout.provider): \(payout.amount) paid out \(payout.payoutDate), due \(payout.dueDate)"
            + " (announced by run \(payout.announcedRun.prefix(8)))"
        switch payout.state {
        case .arrived:
            let arrival = payout.arrival!
            text +=
                "; arrived \(arrival.date?.description ?? "") on \(arrival.bankProvider)'s line \(arrival.file):\(arrival.line)"
            text += " (\(arrival.reference), \(arrival.amount)) in run \(arrival.run.prefix(8))"
            if arrival.amount != payout.amount { text += ", which differs from the payout: payout_amount_mismatch" }
        case .outstanding:
            text += "; outstanding: no credit on the bank statement yet"
        case .missing:
            text += "; missing: reported payout_missing, no credit since"
        }
        if let reversed = payout.reversedRun { text += "; reversed by run \(reversed.prefix(8)), so its bank match reopened" }
        return text
    }
}
