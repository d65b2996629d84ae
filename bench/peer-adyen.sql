-- The peer's loader of an Adyen settlement details report (bench/gen.py's 21 columns): \copy into a
-- staging table of text columns, then the transactions (reference, kind, currency, amount_minor,
-- ord) as a view over it: Settled by Psp Reference, Refunded and (Second)Chargeback by their
-- Modification Reference, the gross of the row's direction. Included by bench/peer.sql.
CREATE TEMP TABLE stage (
  company_account text, merchant_account text, psp_reference text, merchant_reference text, payment_method text,
  creation_date text, timezone text, type text, modification_reference text, gross_currency text,
  gross_debit text, gross_credit text, exchange_rate text, net_currency text, net_debit text, net_credit text,
  commission text, markup text, scheme_fees text, interchange text, batch_number text);
\copy stage FROM pstdin WITH (FORMAT csv, HEADER)

CREATE TEMP VIEW transactions AS
SELECT CASE kind WHEN 'charge' THEN psp_reference ELSE modification_reference END AS reference, kind,
       upper(gross_currency) AS currency,
       (abs(coalesce(nullif(CASE kind WHEN 'charge' THEN gross_credit ELSE gross_debit END, ''),
                     nullif(CASE kind WHEN 'charge' THEN gross_debit ELSE gross_credit END, ''))::numeric)
        * CASE WHEN upper(gross_currency) IN ('JPY', 'KRW', 'VND', 'CLP', 'ISK', 'XOF', 'XAF') THEN 1
               WHEN upper(gross_currency) IN ('KWD', 'BHD', 'JOD', 'OMR', 'TND') THEN 1000
               ELSE 100 END)::bigint AS amount_minor,
       creation_date AS ord
FROM (SELECT *, CASE lower(type) WHEN 'settled' THEN 'charge' WHEN 'refunded' THEN 'refund'
                                 WHEN 'chargeback' THEN 'chargeback' WHEN 'secondchargeback' THEN 'chargeback' END AS kind
      FROM stage) AS typed
WHERE kind IS NOT NULL;
