-- The peer's loader of a camt.053 statement: standard input is already one row per booked
-- transaction (reference, kind, currency, amount_minor, ord), written by bench/camt_rows.py with
-- Python's lxml.etree.iterparse (peer.sh pipes it). Included by bench/peer.sql.
CREATE TEMP TABLE transactions (reference text, kind text, currency text, amount_minor bigint, ord bigint);
\copy transactions FROM pstdin WITH (FORMAT csv)
