-- The peer's loader of a Stripe itemized balance change CSV (bench/gen.py's columns): \copy into a
-- staging table of text columns, then the transactions (reference, kind, currency, amount_minor,
-- ord) as a view over it. Included by bench/peer.sql.
CREATE TEMP TABLE stage (
  balance_transaction_id text, created_utc text, available_on_utc text, currency text, gross text, fee text,
  net text, reporting_category text, source_id text, description text, customer_facing_amount text,
  automatic_payout_id text);
\copy stage FROM pstdin WITH (FORMAT csv, HEADER)

CREATE TEMP VIEW transactions AS
SELECT coalesce(nullif(source_id, ''), balance_transaction_id) AS reference,
       CASE reporting_category WHEN 'dispute' THEN 'chargeback' ELSE reporting_category END AS kind,
       upper(currency) AS currency,
       (abs(gross::numeric) * CASE WHEN upper(currency) IN ('JPY', 'KRW', 'VND', 'CLP', 'ISK', 'XOF', 'XAF') THEN 1
                                   WHEN upper(currency) IN ('KWD', 'BHD', 'JOD', 'OMR', 'TND') THEN 1000
                                   ELSE 100 END)::bigint AS amount_minor,
       created_utc AS ord
FROM stage
WHERE reporting_category IN ('charge', 'refund', 'dispute');
