import TallyCore

/// The payouts of the `tally` schema (docs/payouts.md): what provider runs announced, what bank
/// runs found, and the bank credits that looked like payouts before anything announced them.
///
/// Reads happen before a run matches; every write happens inside the run's own transaction
/// (``ResultStore/commit(runID:provider:finishedAt:summaryJSON:filesJSON:supersedes:breaks:filePaths:outcome:reports:alerts:payouts:)``).
public struct PayoutStore {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) { self.connection = connection }

    static let columns = """
        provider, reference, batch, account, currency, amount_minor, payout_date::text, due_date::text, announced_run::text,
        reported_missing, arrived_run::text, arrived_reference, arrived_file, arrived_line, arrived_date::text,
        arrived_amount_minor, arrived_currency, bank_provider, reversed_run::text
        """

    /// Every payout expected in `bank`'s statements, newest first within a provider (`tally payouts list`).
    public func payouts(bank: String? = nil, provider: String? = nil) throws -> [ExpectedPayout] {
        guard try isAvailable() else { return [] }
        return try connection.query(
            """
            SELECT \(Self.columns) FROM tally.payouts
            WHERE ($1::text IS NULL OR bank_provider = $1) AND ($2::text IS NULL OR provider = $2)
            ORDER BY provider, payout_date, reference
            """, [bank, provider]
        ).compactMap(Self.payout)
    }

    /// Whether the schema has the payout tables (migration 4 applied).
    public func isAvailable() throws -> Bool {
        try Migrations.currentVersion(connection).map { $0 >= Migrations.payouts.version } ?? false
    }

    /// The batches `provider`'s earlier runs saw settled (none before migration 6).
    public func settledBatches(provider: String) throws -> Set<SettledBatch> {
        guard try Migrations.currentVersion(connection).map({ $0 >= Migrations.settledBatches.version }) ?? false else {
            return []
        }
        let rows = try connection.query(
            "SELECT account, batch::text FROM tally.settled_batches WHERE provider = $1", [provider])
        return Set(
            rows.compactMap { row in
                row[1].flatMap { Int($0) }.map { SettledBatch(account: row[0].flatMap { $0.isEmpty ? nil : $0 }, batch: $0) }
            })
    }

    /// The payouts of `providers` into `bank` that no credit has matched (those matched by the run
    /// `supersedes` replaces count as open again).
    public func openPayouts(bank: String, providers: [String], supersedes: String?) throws -> [ExpectedPayout] {
        guard try isAvailable() else { return [] }
        return try connection.query(
            """
            SELECT \(Self.columns) FROM tally.payouts
            WHERE bank_provider = $1 AND provider = ANY($2::text[])
              AND (arrived_run IS NULL OR arrived_run = $3::uuid)
            ORDER BY provider, reference
            """, [bank, PostgresArray.textLiteral(providers), supersedes]
        ).compactMap(Self.payout).map {
            var payout = $0
            if payout.arrival?.run == supersedes { payout.arrival = nil }
            return payout
        }
    }

    static func payout(_ row: [String?]) -> ExpectedPayout? {
        guard let provider = row[0], let reference = row[1], let currency = row[4].flatMap(Currency.init(code:)),
            let amount = row[5].flatMap({ Int64($0) }), let payoutDate = row[6].flatMap(CivilDate.init(iso:)),
            let dueDate = row[7].flatMap(CivilDate.init(iso:)), let run = row[8]
        else { return nil }
        var arrival: ExpectedPayout.Arrival?
        if let arrivedRun = row[10], let arrivedCurrency = row[16].flatMap(Currency.init(code:)),
            let arrivedAmount = row[15].flatMap({ Int64($0) })
        {
            arrival = ExpectedPayout.Arrival(
                bankProvider: row[17] ?? "", run: arrivedRun, reference: row[11] ?? "", file: row[12] ?? "",
                line: row[13].flatMap { Int($0) } ?? 0, date: row[14].flatMap(CivilDate.init(iso:)),
                amount: Money(minor: arrivedAmount, currency: arrivedCurrency))
        }
        return ExpectedPayout(
            provider: provider, reference: reference, batch: row[2].flatMap { Int($0) }, account: row[3],
            amount: Money(minor: amount, currency: currency), payoutDate: payoutDate, dueDate: dueDate, announcedRun: run,
            reportedMissing: row[9] == "t", arrival: arrival, reversedRun: row[18])
    }

    /// The bank credits of `bank` that looked like `provider`'s payouts and matched none, not resolved yet.
    public func unexpectedCredits(bank: String, provider: String) throws -> [PayoutMatcher.Credit] {
        try connection.query(
            """
            SELECT reference, currency, amount_minor, booked::text, line, remittance, counterparty, run_id::text, file
            FROM tally.payout_credits
            WHERE bank_provider = $1 AND provider = $2 AND resolved_run IS NULL AND NOT ambiguous ORDER BY booked, reference
            """, [bank, provider]
        ).compactMap { row in
            guard let reference = row[0], let currency = row[1].flatMap(Currency.init(code:)),
                let amount = row[2].flatMap({ Int64($0) })
            else { return nil }
            return PayoutMatcher.Credit(
                reference: reference, amount: Money(minor: amount, currency: currency),
                location: SourceLocation(file: 0, line: row[4].flatMap { Int($0) } ?? 0),
                details: LineDetails(
                    date: row[3].flatMap(CivilDate.init(iso:)), remittance: row[5] ?? "", counterparty: row[6] ?? ""),
                provider: provider, storedRun: row[7], storedFile: row[8])
        }
    }

    /// The (provider, amount) of `bank`'s stored ambiguous credits nobody resolved: the payouts
    /// they might be are held, not reported missing (``TallyCore/PayoutMatcher``).
    public func heldAmounts(bank: String) throws -> Set<HeldAmount> {
        Set(
            try connection.query(
                """
                SELECT provider, currency, amount_minor FROM tally.payout_credits
                WHERE bank_provider = $1 AND ambiguous AND resolved_run IS NULL
                """, [bank]
            ).compactMap { row in
                guard let provider = row[0], let currency = row[1].flatMap(Currency.init(code:)),
                    let amount = row[2].flatMap({ Int64($0) })
                else { return nil }
                return HeldAmount(provider: provider, amount: Money(minor: amount, currency: currency))
            })
    }
}

/// A provider and an amount an ambiguous bank credit might be.
public struct HeldAmount: Sendable, Hashable {
    public var provider: String
    public var amount: Money

    public init(provider: String, amount: Money) {
        self.provider = provider
        self.amount = amount
    }
}
