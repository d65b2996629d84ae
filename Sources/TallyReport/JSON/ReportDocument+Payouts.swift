import TallyCore

extension ReportDocument {
    /// report.json's `payouts`: the role, the figures per currency and every payout with its state.
    struct PayoutsEntry: Encodable {
        var role: String
        var asOf: String
        var figures: [FiguresEntry]
        var payouts: [PayoutEntry]

        enum CodingKeys: String, CodingKey {
            case role, figures, payouts
            case asOf = "as_of"
        }

        init(_ report: PayoutReport) {
            role = report.role.rawValue
            asOf = report.asOf.description
            figures = report.figures.map {
                FiguresEntry(
                    currency: $0.currency.code, count: $0.count, announcedMinor: $0.announced, arrivedMinor: $0.arrived,
                    outstandingMinor: $0.outstanding, missingMinor: $0.missing)
            }
            payouts = report.payouts.map { PayoutEntry($0, asOf: report.asOf) }
        }
    }

    struct FiguresEntry: Encodable {
        var currency: String
        var count: Int
        var announcedMinor: Int64
        var arrivedMinor: Int64
        var outstandingMinor: Int64
        var missingMinor: Int64

        enum CodingKeys: String, CodingKey {
            case currency, count
            case announcedMinor = "announced_minor"
            case arrivedMinor = "arrived_minor"
            case outstandingMinor = "outstanding_minor"
            case missingMinor = "missing_minor"
        }
    }

    struct PayoutEntry: Encodable {
        var provider: String
        var reference: String
        var batch: Int?
        var amountMinor: Int64
        var currency: String
        var payoutDate: String
        var dueDate: String
        var state: String
        var ageDays: Int
        var arrival: ArrivalEntry?
        var reversed: Bool

        enum CodingKeys: String, CodingKey {
            case provider, reference, batch, currency, state, arrival, reversed
            case amountMinor = "amount_minor"
            case payoutDate = "payout_date"
            case dueDate = "due_date"
            case ageDays = "age_days"
        }

        init(_ payout: ExpectedPayout, asOf: CivilDate) {
            provider = payout.provider
            reference = payout.reference
            batch = payout.batch
            amountMinor = payout.amount.minor
            currency = payout.amount.currency.code
            payoutDate = payout.payoutDate.description
            dueDate = payout.dueDate.description
            state = payout.state.rawValue
            ageDays = payout.age(on: asOf)
            arrival = payout.arrival.map {
                ArrivalEntry(
                    bank: $0.bankProvider, reference: $0.reference, file: $0.file, line: $0.line,
                    date: $0.date?.description, amountMinor: $0.amount.minor, currency: $0.amount.currency.code)
            }
            reversed = payout.reversedRun != nil
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(provider, forKey: .provider)
            try container.encode(reference, forKey: .reference)
            try container.encode(batch, forKey: .batch)
            try container.encode(amountMinor, forKey: .amountMinor)
            try container.encode(currency, forKey: .currency)
            try container.encode(payoutDate, forKey: .payoutDate)
            try container.encode(dueDate, forKey: .dueDate)
            try container.encode(state, forKey: .state)
            try container.encode(ageDays, forKey: .ageDays)
            try container.encode(arrival, forKey: .arrival)
            try container.encode(reversed, forKey: .reversed)
        }
    }

    /// The bank line a payout arrived on.
    struct ArrivalEntry: Encodable {
        var bank: String
        var reference: String
        var file: String
        var line: Int
        var date: String?
        var amountMinor: Int64
        var currency: String

        enum CodingKeys: String, CodingKey {
            case bank, reference, file, line, date, currency
            case amountMinor = "amount_minor"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(bank, forKey: .bank)
            try container.encode(reference, forKey: .reference)
            try container.encode(file, forKey: .file)
            try container.encode(line, forKey: .line)
            try container.encode(date, forKey: .date)
            try container.encode(amountMinor, forKey: .amountMinor)
            try container.encode(currency, forKey: .currency)
        }
    }
}
