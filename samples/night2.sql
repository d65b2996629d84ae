-- The ledger corrections made between the first and the second sample night (idempotent).
UPDATE payments SET amount_minor = 10001, updated_at = '2026-03-12 07:00:00+00' WHERE provider = 'acmepay' AND provider_ref = 'ch_mOwneeOTHIjSry_amount' AND kind = 'charge';
INSERT INTO payments (id, provider, provider_ref, merchant_ref, kind, amount_minor, currency, status, created_at, updated_at)
VALUES (9001, 'acmepay', 'ch_6V0yB5RELxEr57_ghost', 'order-late', 'charge', 1999, 'EUR', 'succeeded', '2026-03-12 07:05:00+00', '2026-03-12 07:05:00+00')
ON CONFLICT DO NOTHING;
