extension Migrations {
    /// The payouts providers announce and the bank credits that looked like payouts but matched
    /// none yet (docs/payouts.md): a separate step, appended after the others.
    static let payouts = Migration(
        version: 4, description: "expected payouts and unexpected payout credits",
        statements: [
            """
            CREATE TABLE tally.payouts (
              provider text NOT NULL,
              reference text NOT NULL,
              batch integer,
              account text,
              currency text NOT NULL,
              amount_minor bigint NOT NULL,
              payout_date date NOT NULL,
              due_date date NOT NULL,
              bank_provider text NOT NULL,
              announced_run uuid NOT NULL,
              reported_missing boolean NOT NULL DEFAULT false,
              missing_run uuid,
              arrived_run uuid,
              arrived_reference text,
              arrived_file text,
              arrived_line integer,
              arrived_date date,
              arrived_amount_minor bigint,
              arrived_currency text,
              reversed_run uuid,
              PRIMARY KEY (provider, reference))
            """,
            "CREATE INDEX payouts_bank_open ON tally.payouts (bank_provider) WHERE arrived_run IS NULL",
            """
            CREATE TABLE tally.payout_credits (
              bank_provider text NOT NULL,
              reference text NOT NULL,
              run_id uuid NOT NULL,
              provider text NOT NULL,
              currency text NOT NULL,
              amount_minor bigint NOT NULL,
              booked date,
              file text NOT NULL,
              line integer NOT NULL,
              remittance text NOT NULL,
              counterparty text NOT NULL,
              ambiguous boolean NOT NULL DEFAULT false,
              resolved_run uuid,
              PRIMARY KEY (bank_provider, reference))
            """,
        ])

    /// The Adyen batches provider runs saw settled, paid out or not, so that a batch that paid
    /// nothing is not read as a gap by a later run (docs/payouts.md).
    static let settledBatches = Migration(
        version: 6, description: "the Adyen batches provider runs saw settled",
        statements: [
            """
            CREATE TABLE tally.settled_batches (
              provider text NOT NULL,
              account text NOT NULL,
              batch integer NOT NULL,
              run_id uuid NOT NULL,
              PRIMARY KEY (provider, account, batch))
            """
        ])
}
