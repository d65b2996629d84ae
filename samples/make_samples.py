#!/usr/bin/env python3
"""Writes the sample ledger and Stripe report of `make run` (deterministic: seed 20260310).

    python3 samples/make_samples.py

Outputs, next to this script: payments.csv (the `payments` table, for \\copy … csv header),
stripe/acmepay_2026-03-10_2026-03-11.csv (a Stripe itemized balance-change report for the window,
with a UTF-8 BOM and CRLF line ends, every value quoted) and expected-breaks.json (every break Tally
must report, sorted as report.json sorts them). The story of each injected break is in samples/README.md.
"""
import csv
import io
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20260310)
EXP = {"EUR": 2, "USD": 2, "GBP": 2, "JPY": 0, "KWD": 3, "CHF": 2}
CURRENCIES = ["EUR", "EUR", "EUR", "USD", "USD", "GBP", "JPY", "KWD", "CHF"]
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

ledger = []      # dicts of the payments columns
report = []      # rows of the Stripe report
expected = []    # (class, reference, kind)
next_id = [1000]


def ident(prefix):
    return prefix + "".join(rng.choice(ALPHABET) for _ in range(14))


def major(minor, cur):
    e = EXP[cur]
    sign = "-" if minor < 0 else ""
    a = abs(minor)
    if e == 0:
        return f"{sign}{a}"
    return f"{sign}{a // 10 ** e}.{a % 10 ** e:0{e}d}"


def ts(day, sec):
    h, r = divmod(sec, 3600)
    m, s = divmod(r, 60)
    return f"2026-03-{day:02d} {h:02d}:{m:02d}:{s:02d}"


def add_ledger(ref, kind, minor, cur, status, day, sec, provider="acmepay", mref=None):
    next_id[0] += 1
    created = ts(day, sec) + f".{rng.randrange(1000000):06d}+00"
    ledger.append({"id": next_id[0], "provider": provider, "provider_ref": ref,
                   "merchant_ref": mref if mref is not None else f"order-{rng.randrange(10**6):06d}",
                   "kind": kind, "amount_minor": minor, "currency": cur, "status": status,
                   "created_at": created, "updated_at": created})


def add_line(ref, category, gross_minor, cur, day, sec, fee_minor=None, description="", charge=None):
    if fee_minor is None:
        fee_minor = (abs(gross_minor) * 29 // 1000 + (25 if EXP[cur] == 2 else 30 if EXP[cur] == 0 else 100)) \
            if category == "charge" else 0
    net = gross_minor - fee_minor
    report.append([ident("txn_"), ts(day, sec), f"2026-03-{day + 2:02d} 00:00:00", cur.lower(),
                   major(gross_minor, cur), major(fee_minor, cur), major(net, cur), category, ref,
                   ref if category == "charge" else (charge or ""), description,
                   major(gross_minor, cur), "po_" + ("EUR" if cur == "EUR" else cur) + "20260312"])


def amount(cur):
    e = EXP[cur]
    base = rng.randrange(500, 25000)  # 5.00 .. 250.00 in a 2-decimal currency
    return base * 10 ** e // 100 if e != 2 else base


# ---- clean traffic: charges in every currency over both days, refunds and disputes that match ----
for n in range(240):
    day = 10 + n % 2
    sec = rng.randrange(86400)
    cur = rng.choice(CURRENCIES)
    ref = ident("ch_")
    minor = amount(cur)
    status = "succeeded"
    if n % 17 == 0:
        # refunded later: the charge settles (status refunded), the refund too
        status = "refunded"
        rref = ident("re_")
        add_ledger(rref, "refund", minor, cur, "succeeded", day, min(sec + 3600, 86399))
        add_line(rref, "refund", -minor, cur, day, min(sec + 3600, 86399), description="REFUND FOR PAYMENT",
                 charge=ref)
    if n % 41 == 0:
        dref = ident("du_")
        add_ledger(dref, "chargeback", minor, cur, "succeeded", day, min(sec + 7200, 86399))
        add_line(dref, "dispute", -minor, cur, day, min(sec + 7200, 86399),
                 fee_minor=1500 if EXP[cur] == 2 else 2000 if EXP[cur] == 0 else 5000,
                 description="Chargeback withdrawal", charge=ref)
    add_ledger(ref, "charge", minor, cur, status, day, sec)
    add_line(ref, "charge", minor, cur, day, sec, description=f"Order {ledger[-1]['merchant_ref']}")

# unusual but clean: an amount above 2^31 minor units, a reference with a comma, quotes and
# non-ASCII letters, a description with a quoted line break, yen and dinar
add_ledger("ch_big_2500000000", "charge", 2_500_000_000, "USD", "succeeded", 10, 43200)
add_line("ch_big_2500000000", "charge", 2_500_000_000, "USD", 10, 43200, description="Wholesale order 9001")
add_ledger('ch_Zoë,"Åsa"_Müller', "charge", 12_345, "KWD", "succeeded", 11, 3600)
add_line('ch_Zoë,"Åsa"_Müller', "charge", 12_345, "KWD", 11, 3600, description='Gift "wrap"\r\nsecond line')
add_ledger("ch_yen_5000", "charge", 5000, "JPY", "succeeded", 10, 50000)
add_line("ch_yen_5000", "charge", 5000, "JPY", 10, 50000, description="Order in yen")

# ---- not breaks: failed and pending payments that did not settle, rows outside the window,
#      another provider's rows ----
for status in ["failed", "failed", "pending"]:
    add_ledger(ident("ch_"), "charge", amount("EUR"), "EUR", status, 10, rng.randrange(86400))
night_two_charges = []  # the ledger's charges of 2026-03-12, settled in the second night's report
for day in [6, 7, 8, 9, 12, 13, 14]:
    for _ in range(8):
        cur = rng.choice(CURRENCIES)
        add_ledger(ident("ch_"), "charge", amount(cur), cur, "succeeded", day, rng.randrange(86400))
        if day == 12:
            night_two_charges.append(ledger[-1])
for _ in range(40):
    cur = rng.choice(CURRENCIES)
    add_ledger("OP" + ident(""), "charge", amount(cur), cur, "succeeded", rng.choice([9, 10, 11, 12]),
               rng.randrange(86400), provider="otherpay")

# ---- the injected breaks ----
# missing_in_provider: settled in our books inside the window, absent from the report
unsettled = {}
for kind, prefix, day, sec in [("charge", "ch_", 11, 86399), ("refund", "re_", 10, 40000)]:
    ref = ident(prefix) + "_unsettled"
    add_ledger(ref, kind, amount("GBP"), "GBP", "succeeded", day, sec)
    unsettled[kind] = ledger[-1]
    expected.append(("missing_in_provider", ref, kind))
# missing_internally: in the report, nowhere in the ledger (one exists only for another provider)
ref = ident("ch_") + "_ghost"
ghost = ref
add_line(ref, "charge", 1999, "EUR", 10, 30000)
expected.append(("missing_internally", ref, "charge"))
ref = ident("ch_") + "_otherpay_only"
add_ledger(ref, "charge", 700, "EUR", "succeeded", 10, 31000, provider="otherpay")
add_line(ref, "charge", 700, "EUR", 10, 31000)
expected.append(("missing_internally", ref, "charge"))
ref = ident("du_") + "_unrecorded"
add_line(ref, "dispute", -4500, "EUR", 11, 20000, fee_minor=1500, description="Chargeback withdrawal")
expected.append(("missing_internally", ref, "chargeback"))
# amount_mismatch: one cent in euro, one yen
amount_refs = {}
for cur, ledger_minor, file_minor in [("EUR", 10000, 10001), ("JPY", 1000, 1001)]:
    ref = ident("ch_") + "_amount"
    amount_refs[cur] = ref
    add_ledger(ref, "charge", ledger_minor, cur, "succeeded", 10, 40000)
    add_line(ref, "charge", file_minor, cur, 10, 40000)
    expected.append(("amount_mismatch", ref, "charge"))
# currency_mismatch: only the currency differs; currency and amount both differ
for file_cur, file_minor in [("USD", 10000), ("GBP", 9000)]:
    ref = ident("ch_") + "_currency"
    add_ledger(ref, "charge", 10000, "EUR", "succeeded", 11, 40000)
    add_line(ref, "charge", file_minor, file_cur, 11, 40000)
    expected.append(("currency_mismatch", ref, "charge"))
# status_mismatch: the provider settled a charge we marked failed, a refund we hold as pending
for kind, prefix, status in [("charge", "ch_", "failed"), ("refund", "re_", "pending")]:
    ref = ident(prefix) + "_status"
    add_ledger(ref, kind, 3000, "EUR", status, 10, 45000)
    add_line(ref, kind, 3000 if kind == "charge" else -3000, "EUR", 10, 45000)
    expected.append(("status_mismatch", ref, kind))
# duplicate_in_provider: the same charge twice in the report; the first line matches
ref = ident("ch_") + "_twice"
add_ledger(ref, "charge", 1234, "EUR", "succeeded", 11, 50000)
add_line(ref, "charge", 1234, "EUR", 11, 50000)
add_line(ref, "charge", 1234, "EUR", 11, 50060)
expected.append(("duplicate_in_provider", ref, "charge"))
# timing_difference: created inside the lookback (March 8, streamed), before the streamed window
# [March 7, March 13) (March 5, found by the out-of-window lookup) and in the lookahead (March 12)
for day in [8, 5, 12]:
    ref = ident("ch_") + f"_timing_03{day:02d}"
    add_ledger(ref, "charge", 800, "EUR", "succeeded", day, 3600)
    if day == 12:
        settled_ahead = ref
    add_line(ref, "charge", 800, "EUR", 10, 3600)
    expected.append(("timing_difference", ref, "charge"))

# ---- payouts and fees: summed per category and currency, never matched ----
add_line("po_EUR20260312", "payout", -250000, "EUR", 11, 80000, description="STRIPE PAYOUT")
add_line("po_USD20260312", "payout", -180000, "USD", 11, 80000, description="STRIPE PAYOUT")
add_line("", "fee", -250, "EUR", 11, 80500, description="Radar (2026-03-11): Standard")
add_line("", "fee", -120, "USD", 11, 80500, description="Card payments: network costs")

# ---- write ----
rng.shuffle(report)
with open(os.path.join(HERE, "payments.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    cols = ["id", "provider", "provider_ref", "merchant_ref", "kind", "amount_minor", "currency", "status",
            "created_at", "updated_at"]
    w.writerow(cols)
    for row in sorted(ledger, key=lambda r: r["id"]):
        w.writerow([row[c] for c in cols])

buf = io.StringIO()
w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
w.writerow(["balance_transaction_id", "created_utc", "available_on_utc", "currency", "gross", "fee", "net",
            "reporting_category", "source_id", "charge_id", "description", "customer_facing_amount",
            "automatic_payout_id"])
for row in report:
    w.writerow(row)
os.makedirs(os.path.join(HERE, "stripe"), exist_ok=True)
with open(os.path.join(HERE, "stripe", "acmepay_2026-03-10_2026-03-11.csv"), "wb") as f:
    f.write(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))

expected.sort(key=lambda e: (e[0], e[1].encode("utf-8"), e[2]))
with open(os.path.join(HERE, "expected-breaks.json"), "w") as f:
    json.dump([{"class": c, "reference": r, "kind": k} for c, r, k in expected], f, indent=1, ensure_ascii=False)
    f.write("\n")
print(f"{len(ledger)} ledger rows, {len(report)} report lines, {len(expected)} expected breaks")

# ---- the second night, 2026-03-12 (its own random stream, so night one never changes) ----
# Overnight, finance fixed two things in the ledger (night2.sql): the EUR amount mismatch and the
# ghost charge, which was recorded late. Stripe's report of March 12 settles that day's charges
# and the charge left unsettled on the 11th; the charge settled ahead on the 10th does not come
# again, and the refund still does not arrive.
rng = random.Random(20260312)
report = []
for row in night_two_charges:
    sec = int(row["created_at"][11:13]) * 3600 + int(row["created_at"][14:16]) * 60 + int(row["created_at"][17:19])
    add_line(row["provider_ref"], "charge", row["amount_minor"], row["currency"], 12, sec,
             description=f"Order {row['merchant_ref']}")
late = unsettled["charge"]
add_line(late["provider_ref"], "charge", late["amount_minor"], late["currency"], 12, 300, description="Late capture")
add_line("po_EUR20260314", "payout", -120000, "EUR", 12, 80000, description="STRIPE PAYOUT")
rng.shuffle(report)
buf = io.StringIO()
w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
w.writerow(["balance_transaction_id", "created_utc", "available_on_utc", "currency", "gross", "fee", "net",
            "reporting_category", "source_id", "charge_id", "description", "customer_facing_amount",
            "automatic_payout_id"])
for row in report:
    w.writerow(row)
with open(os.path.join(HERE, "stripe", "acmepay_2026-03-12.csv"), "wb") as f:
    f.write(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))

def sql_text(value):
    return "'" + value.replace("'", "''") + "'"

with open(os.path.join(HERE, "night2.sql"), "w") as f:
    f.write("-- The ledger corrections made between the first and the second sample night (idempotent).\n")
    f.write(f"UPDATE payments SET amount_minor = 10001, updated_at = '2026-03-12 07:00:00+00' "
            f"WHERE provider = 'acmepay' AND provider_ref = {sql_text(amount_refs['EUR'])} AND kind = 'charge';\n")
    f.write("INSERT INTO payments (id, provider, provider_ref, merchant_ref, kind, amount_minor, currency, status, "
            "created_at, updated_at)\n"
            f"VALUES (9001, 'acmepay', {sql_text(ghost)}, 'order-late', 'charge', 1999, 'EUR', 'succeeded', "
            "'2026-03-12 07:05:00+00', '2026-03-12 07:05:00+00')\nON CONFLICT DO NOTHING;\n")

night_two = {
    "breaks": sorted([{"class": "timing_difference", "reference": late["provider_ref"], "kind": "charge"},
                      {"class": "timing_difference", "reference": ghost, "kind": "charge"}],
                     key=lambda e: e["reference"].encode("utf-8")),
    "resolved": sorted([{"reference": late["provider_ref"], "kind": "charge", "class": "missing_in_provider",
                         "resolved_as": "timing_difference"},
                        {"reference": ghost, "kind": "charge", "class": "missing_internally",
                         "resolved_as": "timing_difference"},
                        {"reference": amount_refs["EUR"], "kind": "charge", "class": "amount_mismatch",
                         "resolved_as": "corrected"}],
                       key=lambda e: (e["reference"].encode("utf-8"), e["kind"])),
    "delta": {"new": 0, "persisting": 9, "resolved": 3},
}
with open(os.path.join(HERE, "expected-night2.json"), "w") as f:
    json.dump(night_two, f, indent=1, ensure_ascii=False)
    f.write("\n")
print(f"night two: {len(report)} report lines; settled ahead on night one: {settled_ahead}")
