#!/usr/bin/env python3
"""Write a six-night payout story and its truth (issue 14; docs/payouts.md).

Two providers pay out into one bank account: `acmepay` (a Stripe itemized balance report whose
lines name their payout in `automatic_payout_id`; the bank text says only STRIPE) and `adyenpay`
(an Adyen settlement details batch a night, one MerchantPayout row per currency; the bank text says
`AcmeCOM batch N`). The bank's camt.053 statements of the following days show the payouts arriving
on time, late, short by a cent, twice the same amount on one day, not at all, one on the day it was
paid, and one STRIPE credit nothing announced; a Stripe payout that arrived is reversed later, and
one Adyen batch number is skipped; a later Adyen batch pays nothing out (it carries its balance to
the next batch), which is no gap.

Writes to --out: payments.csv (the ledger of all three providers), acmepay_<date>.csv,
adyenpay_<date>.csv (nights 1-5), bank_<date>.xml, tally.yml, and truth.json: for each order of
the nightly runs (`provider_first`: acmepay, adyenpay, then bank; `bank_first`: bank, then the
providers) and each night, every provider's breaks, the bank's resolutions, the bank's open items
and every payout's state after the night. ResidueScenarioTests' sibling PayoutScenarioTests runs it.
"""
import argparse
import datetime as dt
import json
import os

NIGHTS = [dt.date(2026, 4, 1) + dt.timedelta(days=n) for n in range(6)]
D1, D2, D3, D4, D5, D6 = NIGHTS
ACCOUNT = "AcmeCOM"


def major(minor):
    sign = "-" if minor < 0 else ""
    minor = abs(minor)
    return f"{sign}{minor // 100}.{minor % 100:02d}"


class Story:
    def __init__(self):
        self.ledger = []  # (provider, reference, amount, currency, day)
        self.stripe = {day: [] for day in NIGHTS}  # rows of the Stripe report
        self.adyen = {}  # day -> (batch, rows)
        self.bank = {day: [] for day in NIGHTS}  # bank entries
        self.counter = 0

    def next(self, prefix):
        self.counter += 1
        return f"{prefix}{self.counter:04d}"

    # Stripe: charges with a fee, tied to a payout; the payout line itself.
    def stripe_payout(self, day, name, charges, announced_delta=0):
        """charges: [(gross, fee)]; returns the payout's reference and amount."""
        payout = f"po_{name}"
        total = 0
        for gross, fee in charges:
            charge = self.next("ch_pay")
            self.stripe[day].append(dict(category="charge", source=charge, gross=gross, fee=fee, payout=payout))
            self.ledger.append(("acmepay", charge, gross, "EUR", day))
            total += gross - fee
        amount = total + announced_delta
        self.stripe[day].append(dict(category="payout", source=payout, gross=-amount, fee=0, payout=payout))
        return payout, amount

    def stripe_charge(self, day):
        charge = self.next("ch_pay")
        self.stripe[day].append(dict(category="charge", source=charge, gross=1000, fee=30, payout=""))
        self.ledger.append(("acmepay", charge, 1000, "EUR", day))

    def stripe_reversal(self, day, payout, amount):
        self.stripe[day].append(dict(category="payout_reversal", source=payout, gross=amount, fee=0, payout=""))

    # Adyen: one batch a night, a charge per currency and its MerchantPayout.
    def adyen_batch(self, day, batch, charges):
        """charges: {currency: (gross, fee)}; returns {currency: (reference, amount)}."""
        rows = []
        payouts = {}
        for currency, (gross, fee) in sorted(charges.items()):
            psp = self.next("88150000")
            rows.append(dict(type="Settled", psp=psp, currency=currency, gross=gross, net=gross - fee))
            self.ledger.append(("adyenpay", psp, gross, currency, day))
            payouts[currency] = (f"{ACCOUNT} batch {batch} {currency}", gross - fee)
        for currency, (_, amount) in sorted(payouts.items()):
            rows.append(dict(type="MerchantPayout", psp="", currency=currency, gross=None, net=-amount))
        self.adyen[day] = (batch, rows)
        return payouts

    def adyen_unpaid_batch(self, day, batch, gross, fee):
        """A batch that pays nothing: its one charge's net goes to the next batch (Balancetransfer)."""
        psp = self.next("88150000")
        self.ledger.append(("adyenpay", psp, gross, "EUR", day))
        self.adyen[day] = (batch, [dict(type="Settled", psp=psp, currency="EUR", gross=gross, net=gross - fee),
                                   dict(type="Balancetransfer", psp="", currency="EUR", gross=None, net=-(gross - fee))])
        return gross - fee

    def adyen_carried_batch(self, day, batch, carried, gross, fee):
        """A batch that receives `carried` from the batch before and pays it out with its own charge."""
        payouts = self.adyen_batch(day, batch, {"EUR": (gross, fee)})
        reference, amount = payouts["EUR"]
        _, rows = self.adyen[day]
        rows.insert(0, dict(type="Balancetransfer", psp="", currency="EUR", gross=None, net=carried))
        rows[-1]["net"] = -(amount + carried)
        return {"EUR": (reference, amount + carried)}

    # The bank: customer transfers (matched by key) and payout credits.
    def transfer(self, day):
        reference = self.next("E2E-")
        self.bank[day].append(dict(e2e=reference, amount=2500, currency="EUR", counterparty="Jane Customer",
                                   ustrd="Invoice 2026"))
        self.ledger.append(("bank", reference, 2500, "EUR", day))

    def credit(self, day, amount, counterparty, ustrd, currency="EUR", tag=None):
        entry = dict(e2e=None, amount=amount, currency=currency, counterparty=counterparty, ustrd=ustrd, tag=tag)
        self.bank[day].append(entry)
        return entry


def write_stripe(rows, day, path):
    header = ["balance_transaction_id", "created_utc", "available_on_utc", "currency", "gross", "fee", "net",
              "reporting_category", "source_id", "description", "automatic_payout_id"]
    lines = [",".join(header)]
    for number, row in enumerate(rows):
        net = row["gross"] - row["fee"]
        lines.append(",".join([
            f"txn_{day:%m%d}{number:03d}", f"{day} 09:{number:02d}:00", f"{day + dt.timedelta(days=2)} 00:00:00", "eur",
            major(row["gross"]), major(row["fee"]), major(net), row["category"], row["source"],
            f"{row['category']} {row['source']}", row["payout"]]))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def write_adyen(batch, rows, day, path):
    header = ["Company Account", "Merchant Account", "Psp Reference", "Merchant Reference", "Payment Method",
              "Creation Date", "TimeZone", "Type", "Modification Reference", "Gross Currency", "Gross Debit (GC)",
              "Gross Credit (GC)", "Exchange Rate", "Net Currency", "Net Debit (NC)", "Net Credit (NC)",
              "Commission (NC)", "Markup (NC)", "Scheme Fees (NC)", "Interchange (NC)", "Payment Method Variant",
              "Modification Merchant Reference", "Batch Number"]
    lines = [",".join(header)]
    for number, row in enumerate(rows):
        created = f"{day} 10:{number:02d}:00"
        if row["type"] == "Settled":
            fee = row["gross"] - row["net"]
            fields = ["Acme", ACCOUNT, row["psp"], f"order-{row['psp']}", "visa", created, "UTC", "Settled", "",
                      row["currency"], "", major(row["gross"]), "1", row["currency"], "", major(row["net"]),
                      major(fee), "", "", "", "visa", "", str(batch)]
        elif row["type"] == "Balancetransfer":
            debit, credit = (major(-row["net"]), "") if row["net"] < 0 else ("", major(row["net"]))
            fields = ["Acme", ACCOUNT, "", "", "", created, "UTC", "Balancetransfer", "", row["currency"], "", "", "",
                      row["currency"], debit, credit, "", "", "", "", "", "", str(batch)]
        else:
            text = f"{ACCOUNT} batch {batch}"
            fields = ["Acme", ACCOUNT, "", "", "", created, "UTC", "MerchantPayout", text, row["currency"], "", "", "",
                      row["currency"], major(-row["net"]), "", "", "", "", "", "", "", str(batch)]
        lines.append(",".join(fields))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def write_camt(entries, day, opening, path):
    """One entry with one detail per line; returns the closing balance and, per payout credit
    without a reference, its reference as the run names it (the line of its <TxDtls>)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">', "<BkToCstmrStmt>",
           f"<GrpHdr><MsgId>PAYOUTS-{day}</MsgId><CreDtTm>{day}T23:00:00Z</CreDtTm></GrpHdr>", "<Stmt>",
           f"<Id>PAYOUTS-{day}</Id>", "<Acct><Id><IBAN>DE00PAYOUTS</IBAN></Id><Ccy>EUR</Ccy></Acct>"]
    net = sum(entry["amount"] for entry in entries if entry["currency"] == "EUR")
    closing = opening + net
    for code, minor in (("OPBD", opening), ("CLBD", closing)):
        out.append(f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{major(minor)}</Amt>'
                   f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>")
    names = {}
    for entry in entries:
        amount = f'<Amt Ccy="{entry["currency"]}">{major(entry["amount"])}</Amt>'
        out += ["<Ntry>", amount, "<CdtDbtInd>CRDT</CdtDbtInd>", "<Sts><Cd>BOOK</Cd></Sts>",
                f"<BookgDt><Dt>{day}</Dt></BookgDt>", f"<ValDt><Dt>{day}</Dt></ValDt>", "<NtryDtls>"]
        line = len(out) + 1
        out.append("<TxDtls>")
        out.append(f"<Refs><EndToEndId>{entry['e2e'] or 'NOTPROVIDED'}</EndToEndId></Refs>")
        out.append(amount)
        out.append(f"<RltdPties><Dbtr><Pty><Nm>{entry['counterparty']}</Nm></Pty></Dbtr></RltdPties>")
        out.append(f"<RmtInf><Ustrd>{entry['ustrd']}</Ustrd></RmtInf>")
        out += ["</TxDtls>", "</NtryDtls>", "</Ntry>"]
        if entry.get("tag"):
            names[entry["tag"]] = f"(no reference) {day} line {line}"
    out += ["</Stmt>", "</BkToCstmrStmt>", "</Document>"]
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return closing, names


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    s = Story()

    # Night 1: two Stripe payouts (on time, late), Adyen batch 1 in EUR and USD.
    p1, p1_amount = s.stripe_payout(D1, "ontime", [(6000, 120), (4500, 90)])
    p2, p2_amount = s.stripe_payout(D1, "late", [(3000, 60), (2000, 40)])
    batch1 = s.adyen_batch(D1, 1, {"EUR": (10000, 300), "USD": (5000, 150)})
    s.transfer(D1)
    # Night 2: the same amount twice (ambiguous), one whose lines do not add up, one that never arrives.
    p3a, p3_amount = s.stripe_payout(D2, "same_a", [(8000, 160)])
    p3b, _ = s.stripe_payout(D2, "same_b", [(8000, 160)])
    p4, p4_amount = s.stripe_payout(D2, "offbyone", [(2500, 50)], announced_delta=1)
    p5, p5_amount = s.stripe_payout(D2, "never", [(4000, 80)])
    batch2 = s.adyen_batch(D2, 2, {"EUR": (20000, 600)})
    s.transfer(D2)
    s.credit(D2, p1_amount, "STRIPE", "STRIPE PAYOUT")
    for currency, (_, amount) in sorted(batch1.items()):
        s.credit(D2, amount, "ADYEN N.V.", f"{ACCOUNT} batch 1 payout", currency=currency)
    # Night 3: a payout that arrives the day it is paid, Adyen skips batch 3.
    p6, p6_amount = s.stripe_payout(D3, "sameday", [(1500, 30)])
    batch4 = s.adyen_batch(D3, 4, {"EUR": (3000, 90)})
    s.transfer(D3)
    s.credit(D3, p3_amount, "STRIPE", "STRIPE PAYOUT", tag="same_1")
    s.credit(D3, p3_amount, "STRIPE", "STRIPE PAYOUT", tag="same_2")
    s.credit(D3, p4_amount, "STRIPE", "STRIPE PAYOUT")
    s.credit(D3, p6_amount, "STRIPE", "STRIPE PAYOUT", tag="sameday")
    s.credit(D3, 6666, "STRIPE", "STRIPE TRANSFER", tag="stranger")
    s.credit(D3, batch2["EUR"][1] - 1, "ADYEN N.V.", f"{ACCOUNT} batch 2 payout")
    # Night 4: the on-time payout is reversed; Adyen batch 4 arrives.
    s.stripe_reversal(D4, p1, p1_amount)
    s.stripe_charge(D4)
    s.transfer(D4)
    s.credit(D4, batch4["EUR"][1], "ADYEN N.V.", f"{ACCOUNT} batch 4 payout")
    # ... and Adyen's batch 5 pays nothing out: no MerchantPayout row, its net carried to batch 6.
    carried = s.adyen_unpaid_batch(D4, 5, 1000, 30)
    # Night 5: the late payout arrives two days after its due date; batch 6 follows batch 5, no gap.
    s.stripe_charge(D5)
    s.transfer(D5)
    s.credit(D5, p2_amount, "STRIPE", "STRIPE PAYOUT")
    batch6 = s.adyen_carried_batch(D5, 6, carried, 2000, 60)
    # Night 6: nothing new but batch 6's payout.
    s.stripe_charge(D6)
    s.transfer(D6)
    s.credit(D6, batch6["EUR"][1], "ADYEN N.V.", f"{ACCOUNT} batch 6 payout")

    for day in NIGHTS:
        write_stripe(s.stripe[day], day, os.path.join(args.out, f"acmepay_{day}.csv"))
        if day in s.adyen:
            batch, rows = s.adyen[day]
            write_adyen(batch, rows, day, os.path.join(args.out, f"adyenpay_{day}.csv"))
    balance = 0
    names = {}
    for day in NIGHTS:
        balance, more = write_camt(s.bank[day], day, balance, os.path.join(args.out, f"bank_{day}.xml"))
        names.update(more)
    with open(os.path.join(args.out, "payments.csv"), "w") as f:
        f.write("id,provider,provider_ref,kind,amount_minor,currency,created_at\n")
        for number, (provider, reference, amount, currency, day) in enumerate(s.ledger, 1):
            f.write(f"{number},{provider},{reference},charge,{amount},{currency},{day} 09:00:00+00\n")
    with open(os.path.join(args.out, "tally.yml"), "w") as f:
        f.write("# The payout story (scripts/gen_payouts.py): three-way reconciliation, docs/payouts.md.\n"
                "timezone: UTC\nreports_dir: reports\nstate_dir: state\nproviders:\n"
                "  acmepay:\n    format: stripe\n    file_pattern: acmepay_{date}.csv\n"
                "    lookback_days: 0\n    lookahead_days: 0\n"
                "    payouts:\n      to: bank\n      arrival_days: 2\n      bank_text: 'STRIPE'\n"
                "  adyenpay:\n    format: adyen\n    file_pattern: adyenpay_{date}.csv\n"
                "    lookback_days: 0\n    lookahead_days: 0\n"
                "    payouts:\n      to: bank\n      arrival_days: 1\n      bank_text: 'ADYEN'\n"
                "  bank:\n    format: camt053\n    file_pattern: bank_{date}.xml\n"
                "    lookback_days: 0\n    lookahead_days: 0\n")

    # The truth, night by night: what provider_first sees, and where bank_first differs.
    b2 = batch2["EUR"][0]
    control_p4 = f"payout {p4} = Σ net of its lines"
    gap = f"adyen payouts {ACCOUNT}: batch numbers go up by one"
    same = sorted([names["same_1"], names["same_2"]])
    ambiguous = [["ambiguous_match", ref] for ref in same]
    persisting = ambiguous + [["payout_amount_mismatch", b2], ["unexpected_payout", names["stranger"]]]

    def state(**changes):
        base = {p1: "arrived", p2: "outstanding", p3a: "outstanding", p3b: "outstanding", p4: "arrived",
                p5: "outstanding", p6: "arrived", batch1["EUR"][0]: "arrived", batch1["USD"][0]: "arrived",
                b2: "arrived", batch4["EUR"][0]: "arrived", batch6["EUR"][0]: "arrived"}
        base.update(changes)
        return base

    b6 = batch6["EUR"][0]
    night_states = [
        state(**{p1: "outstanding", p4: None, p3a: None, p3b: None, p5: None, p6: None,
                 batch1["EUR"][0]: "outstanding", batch1["USD"][0]: "outstanding", b2: None,
                 batch4["EUR"][0]: None, b6: None}),
        state(**{p4: "outstanding", p6: None, b2: "outstanding", batch4["EUR"][0]: None, b6: None}),
        state(**{batch4["EUR"][0]: "outstanding", b6: None}),
        state(**{p1: "missing", p2: "missing", b6: None}),
        state(**{p1: "missing", p2: "arrived", p5: "missing", b6: "outstanding"}),
        state(**{p1: "missing", p2: "arrived", p5: "missing"}),
    ]
    provider_first = []
    for number, day in enumerate(NIGHTS):
        night = {"date": str(day), "acmepay": [], "adyenpay": [], "bank": [], "bank_resolved": [],
                 "bank_open": [], "provider_resolved": [],
                 "payouts": {k: v for k, v in night_states[number].items() if v}}
        provider_first.append(night)
    # a break is what the night's run found; an item found on an earlier night persists in bank_open
    provider_first[1]["acmepay"] = [["control_mismatch", control_p4]]
    provider_first[2]["adyenpay"] = [["control_mismatch", gap]]
    provider_first[2]["bank"] = sorted(persisting)
    provider_first[2]["bank_open"] = sorted(persisting)
    provider_first[3]["bank"] = [["payout_missing", p2], ["payout_missing", p1]]
    provider_first[4]["bank"] = [["payout_missing", p5], ["payout_missing", p1]]
    provider_first[4]["bank_resolved"] = [["payout_missing", p2, "timing_difference"]]
    provider_first[5]["bank"] = provider_first[4]["bank"]

    bank_first = json.loads(json.dumps(provider_first))
    # night 3: the same-day credit comes before its announcement, which then resolves it
    bank_first[2]["bank"] = sorted(persisting + [["unexpected_payout", names["sameday"]]])
    for night in bank_first[2:]:
        night["provider_resolved"] = [["unexpected_payout", names["sameday"], "matched"]]
    # night 4: the bank matched the on-time payout before the provider reversed it
    bank_first[3]["bank"] = [["payout_missing", p2]]
    bank_first[3]["payouts"][p1] = "outstanding"
    for order in (provider_first, bank_first):
        for night in order[3:]:
            night["bank"] = sorted(night["bank"])
            night["bank_open"] = sorted(persisting + night["bank"])
    truth = {
        "nights": [str(day) for day in NIGHTS],
        "adyen_nights": [str(day) for day in sorted(s.adyen)],
        "orders": {"provider_first": provider_first, "bank_first": bank_first},
        "reversed": [p1],
    }
    with open(os.path.join(args.out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
