-- The canonical ledger table (docs/configuration.md, "The canonical ledger").
CREATE TABLE payments (
  id bigint PRIMARY KEY, provider text NOT NULL, provider_ref text NOT NULL, merchant_ref text,
  kind text NOT NULL,            -- charge | refund | chargeback
  amount_minor bigint NOT NULL,  -- positive, in the currency's minor units
  currency char(3) NOT NULL, status text NOT NULL,   -- succeeded | refunded | failed | pending
  created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
CREATE INDEX payments_provider_created ON payments (provider, created_at);
CREATE UNIQUE INDEX payments_provider_ref ON payments (provider, provider_ref, kind);
