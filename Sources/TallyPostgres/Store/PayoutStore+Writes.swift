import TallyCore

extension PayoutStore {
    /// Writes payouts as ``TallyCore/PayoutBook`` left them (inside the run's transaction).
    public func write(_ payouts: [ExpectedPayout], bank: String, runID: String) throws {
        for payout in payouts {
            let arrival = payout.arrival
            try connection.execute(
                """
                INSERT INTO tally.payouts (provider, reference, batch, account, currency, amount_minor, payout_date,
                  due_date, bank_provider, announced_run, reported_missing, missing_run, arrived_run, arrived_reference,
                  arrived_file, arrived_line, arrived_date, arrived_amount_minor, arrived_currency, reversed_run)
                VALUES ($1, $2, $3::int, $4, $5, $6::bigint, $7::date, $8::date, $9, $10::uuid, $11::boolean,
                  CASE WHEN $11::boolean THEN $12::uuid END, $13::uuid, $14, $15, $16::int, $17::date, $18::bigint, $19,
                  $20::uuid)
                ON CONFLICT (provider, reference) DO UPDATE SET batch = EXCLUDED.batch, account = EXCLUDED.account,
                  currency = EXCLUDED.currency, amount_minor = EXCLUDED.amount_minor, payout_date = EXCLUDED.payout_date,
                  due_date = EXCLUDED.due_date, bank_provider = EXCLUDED.bank_provider, announced_run = EXCLUDED.announced_run,
                  reported_missing = EXCLUDED.reported_missing,
                  missing_run = CASE WHEN EXCLUDED.reported_missing THEN coalesce(tally.payouts.missing_run, EXCLUDED.missing_run) END,
                  arrived_run = EXCLUDED.arrived_run, arrived_reference = EXCLUDED.arrived_reference,
                  arrived_file = EXCLUDED.arrived_file, arrived_line = EXCLUDED.arrived_line,
                  arrived_date = EXCLUDED.arrived_date, arrived_amount_minor = EXCLUDED.arrived_amount_minor,
                  arrived_currency = EXCLUDED.arrived_currency, reversed_run = EXCLUDED.reversed_run
                """,
                [
                    payout.provider, payout.reference, payout.batch.map(String.init), payout.account,
                    payout.amount.currency.code, String(payout.amount.minor), payout.payoutDate.description,
                    payout.dueDate.description, bank, payout.announcedRun, payout.reportedMissing ? "true" : "false", runID,
                    arrival?.run, arrival?.reference, arrival?.file, arrival.map { String($0.line) },
                    arrival?.date?.description, arrival.map { String($0.amount.minor) }, arrival?.amount.currency.code,
                    payout.reversedRun,
                ])
        }
    }

    /// Records the batches a provider run's files settled (inside the run's transaction); a batch
    /// seen before keeps the run that saw it first.
    public func record(settled batches: Set<SettledBatch>, provider: String, runID: String) throws {
        for batch in batches.sorted(by: { ($0.account ?? "", $0.batch) < ($1.account ?? "", $1.batch) }) {
            try connection.execute(
                """
                INSERT INTO tally.settled_batches (provider, account, batch, run_id) VALUES ($1, $2, $3::int, $4::uuid)
                ON CONFLICT (provider, account, batch) DO NOTHING
                """, [provider, batch.account ?? "", String(batch.batch), runID])
        }
    }

    /// Stored credits a provider run's payouts explain: resolved, and their `unexpected_payout`
    /// items of the bank move to the resolutions as `matched`, by this run.
    public func resolve(_ credits: [PayoutMatcher.Credit], bank: String, runID: String) throws {
        for credit in credits {
            try connection.execute(
                "UPDATE tally.payout_credits SET resolved_run = $3::uuid WHERE bank_provider = $1 AND reference = $2",
                [bank, credit.reference, runID])
            try connection.execute(
                """
                INSERT INTO tally.resolutions (run_id, provider, reference, kind, class, first_seen, resolved_as, last_seen,
                  first_run, provider_amount_minor, provider_currency, ledger_amount_minor, ledger_currency, ledger_status)
                SELECT $1::uuid, provider, reference, kind, class, first_seen, 'matched', last_seen, first_run,
                  provider_amount_minor, provider_currency, ledger_amount_minor, ledger_currency, ledger_status
                FROM tally.open_items WHERE provider = $2 AND reference = $3 AND class = 'unexpected_payout'
                ON CONFLICT DO NOTHING
                """, [runID, bank, credit.reference])
            try connection.execute(
                "DELETE FROM tally.open_items WHERE provider = $1 AND reference = $2 AND class = 'unexpected_payout'",
                [bank, credit.reference])
        }
    }

    /// A bank rerun takes back what the run it replaces wrote: its arrivals, its missing reports,
    /// its unexpected credits that nothing resolved.
    public func takeBack(bankRun supersedes: String) throws {
        try connection.execute(
            "DELETE FROM tally.payout_credits WHERE run_id = $1::uuid AND resolved_run IS NULL", [supersedes])
        try connection.execute(
            """
            UPDATE tally.payouts SET arrived_run = NULL, arrived_reference = NULL, arrived_file = NULL,
              arrived_line = NULL, arrived_date = NULL, arrived_amount_minor = NULL, arrived_currency = NULL
            WHERE arrived_run = $1::uuid
            """, [supersedes])
        try connection.execute(
            "UPDATE tally.payouts SET reported_missing = false, missing_run = NULL WHERE missing_run = $1::uuid", [supersedes])
    }

    /// The credits of a bank run that nothing announced, kept for a later provider run to explain;
    /// and, against a provider run that resolved an item while this run worked, that item stays resolved.
    public func recordUnexpected(
        _ credits: [PayoutMatcher.Credit], ambiguous: [PayoutMatcher.Credit] = [], bank: String, runID: String,
        filePaths: [String]
    ) throws {
        for (credit, isAmbiguous) in credits.map({ ($0, false) }) + ambiguous.map({ ($0, true) }) {
            let file = filePaths.indices.contains(credit.location.file) ? filePaths[credit.location.file] : ""
            try connection.execute(
                """
                INSERT INTO tally.payout_credits (bank_provider, reference, run_id, provider, currency, amount_minor, booked,
                  file, line, remittance, counterparty, ambiguous)
                VALUES ($1, $2, $3::uuid, $4, $5, $6::bigint, $7::date, $8, $9::int, $10, $11, $12::boolean)
                ON CONFLICT (bank_provider, reference) DO NOTHING
                """,
                [
                    bank, credit.reference, runID, credit.provider, credit.amount.currency.code, String(credit.amount.minor),
                    credit.details.date?.description, file, String(credit.location.line), credit.details.remittance,
                    credit.details.counterparty, isAmbiguous ? "true" : "false",
                ])
        }
        try connection.execute(
            """
            DELETE FROM tally.open_items o USING tally.payout_credits c
            WHERE o.provider = $1 AND o.class = 'unexpected_payout' AND c.bank_provider = o.provider
              AND c.reference = o.reference AND c.resolved_run IS NOT NULL
            """, [bank])
    }
}
