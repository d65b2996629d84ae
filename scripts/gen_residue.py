#!/usr/bin/env python3
"""The residue scenario of the rule passes (issue 13, docs/matching.md "Rule passes"): a bank
statement against the ledger where most lines share a reference with their payment and the rest
(the residue) must be matched, proposed or declined by the passes. Deterministic for a given
--seed, standard library only. Writes into --out:

  payments.csv     the ledger (samples/schema.sql's columns), provider `bank`
  statement.xml    --format camt053: a camt.053.001.08 statement, one entry and detail per line
  statement.csv    --format csv: the same lines as a bank export read through bank.mapping.yml
  tally.yml        the provider `bank` with its five rule passes (the matching: contract)
  truth.json       every break the run must report ({class, reference, kind, matched_by,
                   candidates}), summary.matched_by, the transaction count and the window

Every case of the residue, and what the passes must make of it:

  whole-text        remittance is exactly an order number     -> matched by remittance-is-order
  order-in-text     'Payment ORD-1234567 thanks' (any case),   -> matched by order-in-text
                    in Ustrd or AddtlTxInf; refunds too
  amount-differs    as order-in-text, 5 cents more            -> amount_mismatch by order-in-text
  creditor-ref      Strd/CdtrRefInf/Ref = the payment's RF    -> matched by creditor-reference
                    reference (the line's key is the bank's AcctSvcrRef, which the ledger lacks)
  card              no reference, 'CARD PAYMENT …', the same  -> probable_match by same-amount-near-date
                    amount 0-2 days after the payment
  tie               two payments and two lines of one amount  -> two ambiguous_match lines (two
                    on one day                                   candidates each), the payments stay
                                                                 missing_in_provider
  group             one transfer for two orders               -> probable_match by one-transfer-several-
                                                                 orders, the two rows as candidates
  near-amount       2 cents less than a payment (tolerance 1) -> missing_internally + missing_in_provider
  outside-days      the same amount, 5 days late or 1 early   -> missing_internally + missing_in_provider
  unknown-order     an order number the ledger does not have  -> missing_internally
  kind-differs      'REFUND ORD-…' for an order that is a     -> missing_internally + missing_in_provider
                    charge
  empty-evidence    lines whose remittance is '', NOTPROVIDED -> missing_internally, and the payments
                    or NONREF; payments whose merchant_ref is    (merchant_ref '', NOTPROVIDED, NULL)
                    the same                                     missing_in_provider: never a pair
  claimed-earlier   a second line naming an order a pass      -> missing_internally (the row is gone)
                    claimed, with its amount
  missing           a payment the bank never shows            -> missing_in_provider

No two cases can pair by accident: every residue amount is unique and sits in a band and residue
class (modulo 100) that the other passes cannot reach: single lines and payments are = 1 (mod
100) above 100,000.00, near-amount payments = 30 with their line = 28, group payments = 10 below
it, their amounts a Sidon set (every pair sum distinct), so a group of up to four rows adds up to
one line's amount only where the generator put it. The key-matched lines are claimed by the key
pass before any rule pass runs.

  gen_residue.py --out DIR [--orders 400] [--residue-rate 0.25] [--groups 6] [--format camt053|csv]
                 [--seed 13]
"""
import argparse
import datetime as dt
import json
import os
import random

WINDOW_START = dt.date(2026, 3, 2)
WINDOW_DAYS = 7
PROVIDER = "bank"
PASSES = [
    {"name": "remittance-is-order", "pass": "reference", "from": "remittance", "ledger_field": "merchant_ref",
     "outcome": "match"},
    {"name": "order-in-text", "pass": "reference", "from": "remittance", "pattern": "ORD-[0-9]{7}",
     "ledger_field": "merchant_ref", "outcome": "match"},
    {"name": "creditor-reference", "pass": "reference", "from": "remittance", "pattern": "RF[0-9]{2}[0-9A-Z]{4,21}",
     "ledger_field": "provider_ref", "outcome": "match"},
    {"name": "same-amount-near-date", "pass": "amount_date", "days_before": 3, "days_after": 0, "tolerance": 1,
     "outcome": "review"},
    {"name": "one-transfer-several-orders", "pass": "group", "max_items": 4, "days_before": 3, "days_after": 0,
     "outcome": "review"},
]
# residue cases and their share of the residue (group counts come from --groups)
WEIGHTS = [("whole-text", 10), ("order-in-text", 30), ("amount-differs", 3), ("creditor-ref", 10), ("card", 20),
           ("tie", 3), ("near-amount", 3), ("outside-days", 4), ("unknown-order", 3), ("kind-differs", 2),
           ("empty-evidence", 3), ("claimed-earlier", 2), ("missing", 7)]


class Story:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.rows = []       # (id, provider_ref, merchant_ref or None, kind, amount, created datetime)
        self.lines = []      # dict: kind, amount, date, e2e, acct_ref, ustrd, addtl, cdtr_ref, counterparty
        self.expected = []   # (class, reference or ('line', index), kind, matched_by, candidates)
        self.matched_by = {p["name"]: 0 for p in PASSES}
        self.matched_by["key"] = 0
        self.next_id = 0
        self.next_amount = 0
        self.next_order = 1_000_000

    # unique amounts in their band and class
    def amount(self, residue=1):
        self.next_amount += 1
        return (100_000 + self.next_amount * 7) * 100 + residue

    def order(self):
        self.next_order += 1
        return self.next_order

    def created(self, day=None):
        day = self.rng.randrange(WINDOW_DAYS) if day is None else day
        return dt.datetime.combine(WINDOW_START + dt.timedelta(days=day), dt.time(8)) + dt.timedelta(
            seconds=self.rng.randrange(12 * 3600))

    def row(self, amount, kind="charge", merchant_ref=None, provider_ref=None, created=None):
        """A payment; merchant_ref None is SQL NULL, '' the empty text."""
        self.next_id += 1
        reference = provider_ref or f"PAY-{self.next_id:07d}"
        self.rows.append((self.next_id, reference, merchant_ref, kind, amount, created or self.created()))
        return reference

    def line(self, amount, date, kind="charge", **fields):
        self.lines.append(dict(kind=kind, amount=amount, date=date, **fields))
        return len(self.lines) - 1

    def lag(self, created, most=2):
        return created.date() + dt.timedelta(days=self.rng.randrange(most + 1))

    def expect(self, klass, reference, kind="charge", matched_by=None, candidates=()):
        self.expected.append((klass, reference, kind, matched_by, tuple(candidates)))

    # the cases

    def key(self):
        amount = self.rng.randrange(100, 5_000_00)
        kind = "refund" if self.rng.random() < 0.1 else "charge"
        created = self.created()
        reference = self.row(amount, kind, merchant_ref=f"ORD-{self.order():07d}", created=created)
        self.line(amount, self.lag(created, 1), kind, e2e=reference, counterparty="ACME CUSTOMER")
        self.matched_by["key"] += 1

    def case(self, name):
        rng = self.rng
        if name == "whole-text":
            order = f"ORD-{self.order():07d}"
            created = self.created()
            amount = self.amount()
            self.row(amount, merchant_ref=order, created=created)
            self.line(amount, self.lag(created), e2e="NOTPROVIDED", ustrd=[f"  {order.lower()} "])
            self.matched_by["remittance-is-order"] += 1
        elif name in ("order-in-text", "amount-differs"):
            order = f"ORD-{self.order():07d}"
            created = self.created()
            amount = self.amount()
            kind = "refund" if name == "order-in-text" and rng.random() < 0.2 else "charge"
            reference = self.row(amount, kind, merchant_ref=order, created=created)
            text = rng.choice(["Payment {} thanks", "INV 2026/{n} {} ", "{} / customer 77", "ord {n} ref {}"])
            text = text.format(order if rng.random() < 0.5 else order.lower(), n=rng.randrange(1000))
            fields = {"addtl": text} if rng.random() < 0.3 else {"ustrd": ["SEPA CREDIT", text]}
            paid = amount + 5 if name == "amount-differs" else amount
            self.line(paid, self.lag(created), kind, e2e="NOTPROVIDED", counterparty="JANE DOE", **fields)
            self.matched_by["order-in-text"] += 1
            if name == "amount-differs":
                self.expect("amount_mismatch", reference, kind, "order-in-text")
        elif name == "creditor-ref":
            number = self.order()
            rf = f"RF{(number * 37) % 90 + 10:02d}{number:010d}"
            created = self.created()
            amount = self.amount()
            self.row(amount, provider_ref=rf, merchant_ref=None, created=created)
            self.line(amount, self.lag(created), acct_ref=f"BNK{number}", cdtr_ref=rf, counterparty="MUELLER GMBH")
            self.matched_by["creditor-reference"] += 1
        elif name == "card":
            created = self.created()
            amount = self.amount()
            reference = self.row(amount, created=created)
            self.line(amount, self.lag(created), ustrd=[f"CARD PAYMENT CITY COFFEE {rng.randrange(10_000):04d}"])
            self.matched_by["same-amount-near-date"] += 1
            self.expect("probable_match", reference, "charge", "same-amount-near-date")
        elif name == "tie":
            day = self.rng.randrange(WINDOW_DAYS - 2)
            amount = self.amount()
            first = self.row(amount, created=self.created(day))
            second = self.row(amount, created=self.created(day))
            date = WINDOW_START + dt.timedelta(days=day + 1)
            for _ in range(2):
                index = self.line(amount, date, ustrd=["CARD PAYMENT"], counterparty="SAME SHOP")
                self.expect("ambiguous_match", ("line", index), "charge", "same-amount-near-date",
                            sorted([first, second]))
            self.expect("missing_in_provider", first)
            self.expect("missing_in_provider", second)
        elif name == "near-amount":
            created = self.created()
            amount = self.amount(residue=30)
            reference = self.row(amount, created=created)
            index = self.line(amount - 2, self.lag(created), ustrd=["CARD PAYMENT"])
            self.expect("missing_internally", ("line", index))
            self.expect("missing_in_provider", reference)
        elif name == "outside-days":
            amount = self.amount()
            if rng.random() < 0.5:
                created = self.created(rng.randrange(WINDOW_DAYS - 5))
                date = created.date() + dt.timedelta(days=5)
            else:
                created = self.created(1 + rng.randrange(WINDOW_DAYS - 1))
                date = created.date() - dt.timedelta(days=1)
            reference = self.row(amount, created=created)
            index = self.line(amount, date, ustrd=["TRANSFER"])
            self.expect("missing_internally", ("line", index))
            self.expect("missing_in_provider", reference)
        elif name == "unknown-order":
            index = self.line(self.amount(), self.lag(self.created()), e2e="NOTPROVIDED",
                              ustrd=[f"Payment ORD-0{self.order() % 1_000_000:06d}"])
            self.expect("missing_internally", ("line", index))
        elif name == "kind-differs":
            order = f"ORD-{self.order():07d}"
            created = self.created()
            reference = self.row(self.amount(), "charge", merchant_ref=order, created=created)
            index = self.line(self.amount(), self.lag(created), "refund", ustrd=[f"REFUND {order}"])
            self.expect("missing_internally", ("line", index), "refund")
            self.expect("missing_in_provider", reference)
        elif name == "empty-evidence":
            for merchant, text in (("NOTPROVIDED", "NOTPROVIDED"), ("", None), ("nonref", " NONREF ")):
                created = self.created()
                reference = self.row(self.amount(), merchant_ref=merchant, created=created)
                fields = {"ustrd": [text]} if text is not None else {}
                index = self.line(self.amount(), self.lag(created), e2e="NOTPROVIDED", **fields)
                self.expect("missing_internally", ("line", index))
                self.expect("missing_in_provider", reference)
        elif name == "claimed-earlier":
            order = f"ORD-{self.order():07d}"
            created = self.created()
            amount = self.amount()
            self.row(amount, merchant_ref=order, created=created)
            date = self.lag(created)
            self.line(amount, date, e2e="NOTPROVIDED", ustrd=[order])
            index = self.line(amount, date, e2e="NOTPROVIDED", ustrd=[f"again {order}"])
            self.matched_by["remittance-is-order"] += 1
            self.expect("missing_internally", ("line", index))
        elif name == "missing":
            self.expect("missing_in_provider", self.row(self.amount()))
        else:
            raise ValueError(name)

    def groups(self, count):
        """Two payments each, their amounts from a Sidon set (2pk + k^2 mod p), below the band of
        single amounts, so only the two rows of a group add up to its line."""
        p = 101
        sidon = [2 * p * k + (k * k) % p for k in range(1, 2 * count + 1)]
        self.rng.shuffle(sidon)
        for number in range(count):
            day = self.rng.randrange(WINDOW_DAYS)
            parts = [(sidon[2 * number + i] + 10) * 100 + 10 for i in range(2)]
            references = [self.row(amount, merchant_ref=f"ORD-{self.order():07d}", created=self.created(day))
                          for amount in parts]
            date = WINDOW_START + dt.timedelta(days=min(day + self.rng.randrange(2), WINDOW_DAYS - 1))
            self.line(sum(parts), date, e2e="NOTPROVIDED", ustrd=["INVOICES MARCH"], counterparty="BIG CUSTOMER LTD")
            self.matched_by["one-transfer-several-orders"] += 1
            self.expect("probable_match", min(references), "charge", "one-transfer-several-orders", sorted(references))


def major(minor):
    return f"{minor // 100}.{minor % 100:02d}"


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_camt(story, order, path):
    """One entry with one detail per line; returns each line's number (its <TxDtls>)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">', "<BkToCstmrStmt>",
           "<GrpHdr><MsgId>RESIDUE-1</MsgId><CreDtTm>2026-03-09T06:00:00Z</CreDtTm></GrpHdr>", "<Stmt>",
           "<Id>RESIDUE-STMT</Id>", "<Acct><Id><IBAN>DE00RESIDUE</IBAN></Id><Ccy>EUR</Ccy></Acct>"]
    net = sum(line["amount"] * (1 if line["kind"] == "charge" else -1) for line in story.lines)
    for code, minor in (("OPBD", 0), ("CLBD", net)):
        out.append(f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{major(abs(minor))}</Amt>'
                   f"<CdtDbtInd>{'DBIT' if minor < 0 else 'CRDT'}</CdtDbtInd><Dt><Dt>2026-03-08</Dt></Dt></Bal>")
    numbers = {}
    for index in order:
        line = story.lines[index]
        amount = f'<Amt Ccy="EUR">{major(line["amount"])}</Amt>'
        direction = "CRDT" if line["kind"] == "charge" else "DBIT"
        out += ["<Ntry>", amount, f"<CdtDbtInd>{direction}</CdtDbtInd>", "<Sts><Cd>BOOK</Cd></Sts>",
                f"<BookgDt><Dt>{line['date']}</Dt></BookgDt>", f"<ValDt><Dt>{line['date']}</Dt></ValDt>"]
        if line.get("acct_ref"):
            out.append(f"<AcctSvcrRef>{line['acct_ref']}</AcctSvcrRef>")
        out.append("<NtryDtls>")
        numbers[index] = len(out) + 1
        out.append("<TxDtls>")
        if line.get("e2e"):
            out.append(f"<Refs><EndToEndId>{escape(line['e2e'])}</EndToEndId></Refs>")
        out.append(amount)
        if line.get("counterparty"):
            party = "Dbtr" if direction == "CRDT" else "Cdtr"
            out.append(f"<RltdPties><{party}><Pty><Nm>{escape(line['counterparty'])}</Nm></Pty></{party}></RltdPties>")
        remittance = [f"<Ustrd>{escape(text)}</Ustrd>" for text in line.get("ustrd", [])]
        if line.get("cdtr_ref"):
            remittance.append(f"<Strd><CdtrRefInf><Ref>{line['cdtr_ref']}</Ref></CdtrRefInf></Strd>")
        if remittance:
            out.append("<RmtInf>" + "".join(remittance) + "</RmtInf>")
        if line.get("addtl"):
            out.append(f"<AddtlTxInf>{escape(line['addtl'])}</AddtlTxInf>")
        out += ["</TxDtls>", "</NtryDtls>", "</Ntry>"]
    out += ["</Stmt>", "</BkToCstmrStmt>", "</Document>"]
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return numbers


MAPPING = """# The residue scenario's bank export (scripts/gen_residue.py --format csv).
reference: reference
kind:
  column: direction
  values:
    credit: charge
    debit: refund
amount:
  column: amount
currency:
  column: currency
timestamp:
  column: booked
  format: yyyy-MM-dd
remittance: remittance
counterparty: counterparty
"""


def csv_field(text):
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


def write_csv(story, order, path):
    numbers = {}
    with open(path, "w") as f:
        f.write("reference,direction,amount,currency,booked,remittance,counterparty\n")
        for number, index in enumerate(order, 2):
            line = story.lines[index]
            reference = line.get("e2e") if line.get("e2e") not in (None, "NOTPROVIDED") else line.get("acct_ref") or ""
            texts = [t for t in line.get("ustrd", []) + [line.get("cdtr_ref") or "", line.get("addtl") or ""] if t]
            fields = [reference, "credit" if line["kind"] == "charge" else "debit", major(line["amount"]), "EUR",
                      str(line["date"]), " ".join(texts), line.get("counterparty") or ""]
            f.write(",".join(csv_field(x) for x in fields) + "\n")
            numbers[index] = number
    return numbers


def yaml_passes():
    out = []
    for p in PASSES:
        items = list(p.items())
        out.append("      - " + f"{items[0][0]}: {items[0][1]}")
        for key, value in items[1:]:
            out.append(f"        {key}: " + (f"'{value}'" if isinstance(value, str) and not value.isalpha() else str(value)))
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--orders", type=int, default=400, help="lines of the statement, about")
    parser.add_argument("--residue-rate", type=float, default=0.25, help="share of the orders in the residue")
    parser.add_argument("--groups", type=int, default=6, help="one-transfer-several-orders cases")
    parser.add_argument("--format", choices=["camt053", "csv"], default="camt053")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--shuffle", type=int, default=None, help="another order of the same lines and rows")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    story = Story(args.seed)
    residue = round(args.orders * args.residue_rate)
    total = sum(w for _, w in WEIGHTS)
    plan = []
    for name, weight in WEIGHTS:
        plan += [name] * max(2, round(residue * weight / total))
    plan += ["key"] * max(0, args.orders - len(plan))
    story.rng.shuffle(plan)
    for name in plan:
        story.key() if name == "key" else story.case(name)
    story.groups(args.groups)

    line_order = list(range(len(story.lines)))
    row_order = list(range(len(story.rows)))
    if args.shuffle is not None:
        random.Random(args.shuffle).shuffle(line_order)
        random.Random(args.shuffle + 1).shuffle(row_order)
    else:
        line_order.sort(key=lambda i: story.lines[i]["date"])

    with open(os.path.join(args.out, "payments.csv"), "w") as f:
        f.write("id,provider,provider_ref,merchant_ref,kind,amount_minor,currency,status,created_at,updated_at\n")
        for i in row_order:
            id_, reference, merchant, kind, amount, created = story.rows[i]
            stamp = created.strftime("%Y-%m-%d %H:%M:%S+00")
            merchant = "" if merchant is None else csv_field(merchant) if merchant else '""'
            f.write(f"{id_},{PROVIDER},{reference},{merchant},{kind},{amount},EUR,succeeded,{stamp},{stamp}\n")

    if args.format == "camt053":
        name = "statement.xml"
        numbers = write_camt(story, line_order, os.path.join(args.out, name))
        provider = "    format: camt053\n"
    else:
        name = "statement.csv"
        numbers = write_csv(story, line_order, os.path.join(args.out, name))
        with open(os.path.join(args.out, "bank.mapping.yml"), "w") as f:
            f.write(MAPPING)
        provider = "    format: csv\n    mapping: bank.mapping.yml\n"
    last = WINDOW_START + dt.timedelta(days=WINDOW_DAYS - 1)
    with open(os.path.join(args.out, "tally.yml"), "w") as f:
        f.write("# The residue scenario (scripts/gen_residue.py): the rule passes of docs/matching.md.\n"
                "timezone: UTC\nreports_dir: reports\nstate_dir: state\nproviders:\n  bank:\n" + provider
                + "    file_pattern: statement_{date}" + os.path.splitext(name)[1] + "\n    lookback_days: 0\n    lookahead_days: 0\n    matching:\n"
                + yaml_passes() + "\n")

    breaks = []
    for klass, reference, kind, matched_by, candidates in story.expected:
        if isinstance(reference, tuple):
            reference = f"(no reference) line {numbers[reference[1]]}"
        item = {"class": klass, "reference": reference, "kind": kind, "matched_by": matched_by}
        if candidates:
            item["candidates"] = list(candidates)
        breaks.append(item)
    breaks.sort(key=lambda b: (b["class"], b["reference"].encode(), b["kind"]))
    truth = {
        "window": {"from": str(WINDOW_START), "to": str(last)},
        "file": name,
        "settlement_transactions": len(story.lines),
        "ledger_rows": len(story.rows),
        "matched_by": story.matched_by,
        "breaks": breaks,
    }
    with open(os.path.join(args.out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, sort_keys=True)
        f.write("\n")
    counts = {}
    for b in breaks:
        counts[b["class"]] = counts.get(b["class"], 0) + 1
    print(json.dumps({"lines": len(story.lines), "rows": len(story.rows), "breaks": counts}))


if __name__ == "__main__":
    main()
