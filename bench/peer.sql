-- The "SQL by hand" peer of issue 8: how reconciliation is done without Tally. Load the settlement
-- file into a staging table with \copy, then one FULL OUTER JOIN against the ledger window,
-- classified with DESIGN.md's matching rules. Run it through bench/peer.sh, which passes:
--
--   provider     the reconciled provider (payments.provider)
--   from, to     the window, inclusive dates (UTC), as `tally run --from/--to`
--   stream_from  from - lookback days         (Tally's streamed ledger range, as a date)
--   stream_to    to + 1 day + lookahead days  (exclusive)
--   breaks_out   a file that receives every break as CSV: class,reference,kind
--
--   loader       bench/peer-<format>.sql: the loader of the file's format (stripe, adyen, camt053)
--
-- and the settlement file (bench/gen.py's column order) on standard input; for camt053, peer.sh turns
-- the XML into rows with Python's lxml.etree.iterparse first (bench/camt_rows.py).
-- It prints the number of breaks per class.
--
-- The classification, first rule that applies (as Tally's, amount tolerance 0):
--   a key (reference, kind) seen again later in the file        duplicate_in_provider
--   no ledger row with the key, in the window or outside         missing_internally
--   currencies differ                                            currency_mismatch
--   the ledger row should not settle                             status_mismatch
--   amounts differ                                               amount_mismatch
--   the ledger row was created outside [from, to]                timing_difference
--   a ledger row inside [from, to] that should settle, unmatched missing_in_provider
-- duplicate_internal needs two ledger rows with one key, which the canonical unique index
-- payments_provider_ref forbids, so it is not looked for here.
--
-- Tried and not kept (1M rows, same machine): ANALYZE stage with work_mem 256MB (7.3-7.6 s against
-- 6.8-7.0 s as written: the planner turns to merge joins), jit off (no change), one line per key by
-- GROUP BY and a join back on a line number instead of row_number() (8.6-8.9 s). Most of the time
-- goes into sorting the text keys (window function and join) under the cluster's C.UTF-8 collation.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET TimeZone = 'UTC';

-- The file, as the transactions of its format (reference, kind, currency, amount_minor, ord): the
-- loader of the format (bench/peer-<format>.sql, which peer.sh names) reads standard input.
\i :loader

CREATE TEMP TABLE breaks AS
WITH settlement AS (
  SELECT reference, kind, currency, amount_minor,
         row_number() OVER (PARTITION BY reference, kind ORDER BY ord) AS nth
  FROM transactions
),
ledger AS (
  -- the window Tally streams ...
  SELECT provider_ref, kind, amount_minor, currency::text AS currency, status, created_at
  FROM payments
  WHERE provider = :'provider' AND created_at >= :'stream_from'::date AND created_at < :'stream_to'::date
  UNION ALL
  -- ... and the file's keys looked up outside it
  SELECT p.provider_ref, p.kind, p.amount_minor, p.currency::text, p.status, p.created_at
  FROM payments p JOIN settlement s ON s.nth = 1 AND p.provider_ref = s.reference AND p.kind = s.kind
  WHERE p.provider = :'provider' AND (p.created_at < :'stream_from'::date OR p.created_at >= :'stream_to'::date)
),
joined AS (
  SELECT s.reference, s.kind, s.currency AS s_currency, s.amount_minor AS s_amount,
         l.provider_ref, l.kind AS l_kind, l.currency AS l_currency, abs(l.amount_minor) AS l_amount, l.created_at,
         (l.kind = 'charge' AND l.status IN ('succeeded', 'refunded')
          OR l.kind IN ('refund', 'chargeback') AND l.status = 'succeeded') AS should_settle,
         (l.created_at >= :'from'::date AND l.created_at < :'to'::date + 1) AS in_window
  FROM (SELECT * FROM settlement WHERE nth = 1) s
  FULL OUTER JOIN ledger l ON l.provider_ref = s.reference AND l.kind = s.kind
)
SELECT class, reference, kind FROM (
  SELECT CASE
           WHEN provider_ref IS NULL THEN 'missing_internally'
           WHEN reference IS NULL THEN CASE WHEN in_window AND should_settle THEN 'missing_in_provider' END
           WHEN s_currency <> l_currency THEN 'currency_mismatch'
           WHEN NOT should_settle THEN 'status_mismatch'
           WHEN s_amount <> l_amount THEN 'amount_mismatch'
           WHEN NOT in_window THEN 'timing_difference'
         END AS class,
         coalesce(reference, provider_ref) AS reference, coalesce(kind, l_kind) AS kind
  FROM joined) AS outcomes
WHERE class IS NOT NULL
UNION ALL
SELECT 'duplicate_in_provider', reference, kind FROM settlement WHERE nth > 1;

\o :breaks_out
COPY breaks TO STDOUT WITH (FORMAT csv);
\o
SELECT class, count(*) FROM breaks GROUP BY class ORDER BY class;
