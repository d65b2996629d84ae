-- Least privilege for Tally: a `tally` role that can read the payments table and own the `tally`
-- schema, and nothing else (no INSERT, UPDATE, DELETE or TRUNCATE on payments, no new schemas).
--
-- Apply once, as a superuser or the database owner, in the payments database:
--
--     psql -v ON_ERROR_STOP=1 -d payments -f deploy/grants.sql
--
-- It is idempotent: applying it again changes nothing. Plain SQL (no psql meta-commands).
--
-- The choice: the schema is created here, owned by `tally`, instead of granting CREATE on the
-- database. `tally run` and `tally db migrate` then create and migrate the tables inside the schema
-- the role owns (the migrations skip CREATE SCHEMA when the schema exists), and the role cannot
-- create any other schema. With a separate results database (TALLY_RESULTS_URL), apply the
-- "ledger" part in the payments database and the "results" part in the results database.
--
-- A deployment whose ledger is not public.payments grants SELECT on its own table or view instead
-- (the one its ledger query reads).
--
-- Logging in: this file sets no password. Give one with `ALTER ROLE tally PASSWORD '…'` (psql's
-- \password tally keeps it out of the server log) and hand it to Tally through a pgpass file or
-- PGPASSWORD, never in argv; or use a client certificate. docs/operations.md "Scheduling" shows each recipe.

SET client_min_messages = warning;

-- The role: may log in, nothing more.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'tally') THEN
    CREATE ROLE tally LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 8;
  END IF;
END
$$;

-- Connect to this database (hardened databases revoke CONNECT from PUBLIC).
DO $$
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO tally', current_database());
END
$$;

-- Ledger: read the payments table, and only read it.
GRANT USAGE ON SCHEMA public TO tally;
REVOKE ALL ON TABLE public.payments FROM tally;
GRANT SELECT ON TABLE public.payments TO tally;

-- Results: the tally schema belongs to the role, and so does whatever is already in it (a schema
-- first created by a run under another role).
CREATE SCHEMA IF NOT EXISTS tally AUTHORIZATION tally;
ALTER SCHEMA tally OWNER TO tally;
DO $$
DECLARE
  object record;
BEGIN
  FOR object IN
    SELECT c.relname, c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'tally' AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
      -- a sequence owned by a column moves with its table (and cannot be moved alone)
      AND NOT (c.relkind = 'S' AND EXISTS (
        SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
    ORDER BY c.relkind = 'S', c.relname  -- tables first
  LOOP
    EXECUTE format(
      'ALTER %s tally.%I OWNER TO tally',
      CASE object.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
      object.relname);
  END LOOP;
END
$$;

-- People who work the items (`tally items`, `tally report period`) without reconciling:
-- `tally_items` reads the tally schema and appends item events, nothing else (it cannot read
-- payments, so it cannot run `tally run`); `tally_reader` only reads the tally schema (reports,
-- `tally items list/show/verify`, `tally report period`). Neither sets a password here (see above).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'tally_items') THEN
    CREATE ROLE tally_items LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 8;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'tally_reader') THEN
    CREATE ROLE tally_reader LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 8;
  END IF;
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO tally_items, tally_reader', current_database());
END
$$;
GRANT USAGE ON SCHEMA tally TO tally_items, tally_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA tally TO tally_items, tally_reader;
-- tables the migrations create later (as the tally role) are readable too
ALTER DEFAULT PRIVILEGES FOR ROLE tally IN SCHEMA tally GRANT SELECT ON TABLES TO tally_items, tally_reader;
-- the event log, when it exists already (migration 4 grants the same when it creates it)
DO $$
BEGIN
  IF to_regclass('tally.item_events') IS NOT NULL THEN
    GRANT SELECT, INSERT ON tally.item_events TO tally_items;
    GRANT USAGE ON SEQUENCE tally.item_events_id_seq TO tally_items;
  END IF;
END
$$;
