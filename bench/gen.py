#!/usr/bin/env python3
"""Tally's benchmark data: a ledger table and a provider settlement file with known breaks.

Deterministic for a given --seed (standard library only, no network). Writes into --out:

  payments.csv         the ledger, for `\\copy payments FROM 'payments.csv' WITH (FORMAT csv, HEADER)`
                       into the canonical table of samples/schema.sql
  stripe_balance.csv   the settlement file (--format stripe: Stripe's itemized balance change CSV)
  truth.json           every injected break as {reference, kind, class, variant}, classes named as in
                       report.json; window.from / window.to are the inclusive dates `tally run` takes
  manifest.json        parameters, generator version and counts

The shape (the same as ../shared/bench/gen.py, which produced the figures in issue 8):

* --rows N charges of the reconciled provider (`acmepay`) are created inside a --days window
  starting at --start, evenly spread with jitter; --other-frac of N more rows belong to another
  provider (`otherpay`), interleaved exactly; --pad-days either side of the window hold rows at the
  same density, so a run has to filter by provider and by time.
* Currencies by weight (EUR 40, USD 28, GBP 13, JPY 6, CHF 6, SEK 4, KWD 3), with their ISO 4217
  exponents; amounts skewed to small values (lo + (hi - lo) * u^3 minor units).
* Status of a charge: 95 % succeeded, 4 % failed, 1 % pending; failed and pending charges are not
  settled. Of the succeeded ones, --refund-rate get a refund (70 % full) 1 h to 11 days later and
  --chargeback-rate a chargeback 1 to 21 days later; those rows are in the ledger, and in the file
  when they happen inside the window.
* Exactly round(N * --break-rate) in-window charges become breaks, the classes taken in turn over a
  random sample: missing_in_provider, missing_internally, amount_mismatch (a third of them off by one
  minor unit), currency_mismatch, status_mismatch (in turn: failed internally but settled; a refund,
  or a chargeback, the ledger never recorded: reported as missing_internally of that kind),
  duplicate_in_provider (settled twice), timing (the ledger row dated 1-2 days outside the window:
  timing_difference).
* The settlement file covers the window only, sorted by time; 1 line in 53 has a quoted description
  with doubled quotes.

--format adyen writes the same settled lines as an Adyen settlement details report
(adyen_settlement_details.csv: a batch per day, Fee and MerchantPayout rows so that every batch
control holds), --format camt053 as an ISO 20022 camt.053.001.08 statement (camt053.xml: one <Stmt>
per currency, one booked entry with one TxDtls per line, EndToEndId the reference, balances and
TxsSummry holding). --format bai2 and mt940 write them as a bank statement (bank.bai2, bank.mt940, by
scripts/gen_bank.py's writers: one account per currency, one BAI2 group or MT940 statement per day)
and, for the SQL-by-hand peer, which cannot parse them, stripe_balance.csv as well. A bank statement
(camt053 too) has no chargeback kind, so for them --chargeback-rate is 0 and no status break is a
chargeback the ledger never recorded. --empty FILE writes a file of --format with nothing in it (the
bench's baseline). To add a format: write a function like `write_stripe` and register it in WRITERS.
Bump GENERATOR_VERSION whenever the output for the same arguments changes: bench/run.sh keys its
cache on it.
"""
import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import gen_bank  # noqa: E402  (the BAI2 and MT940 writers, shared with the tests)

GENERATOR_VERSION = 1

PROVIDER = "acmepay"
OTHER_PROVIDER = "otherpay"

# ISO code: (exponent, weight, lowest and highest amount in minor units)
CURRENCIES = {
    "EUR": (2, 40, 150, 250_000),
    "USD": (2, 28, 150, 300_000),
    "GBP": (2, 13, 150, 200_000),
    "JPY": (0, 6, 100, 300_000),
    "KWD": (3, 3, 500, 100_000),
    "CHF": (2, 6, 150, 250_000),
    "SEK": (2, 4, 1_000, 2_000_000),
}
CURRENCY_INDEX = {code: i for i, code in enumerate(CURRENCIES)}
# Card fees of the Stripe-like file: 2.9 % + a fixed part per charge, a flat fee per dispute.
FIXED_FEE = {0: 30, 2: 25, 3: 100}
DISPUTE_FEE = {0: 2000, 2: 1500, 3: 5000}

# Breaks are dealt out in this order over a random sample of the in-window charges.
BREAK_CYCLE = (
    "missing_in_provider",
    "missing_internally",
    "amount_mismatch",
    "currency_mismatch",
    "status_mismatch",
    "duplicate_in_provider",
    "timing_difference",
)
STATUS_CYCLE = ("failed_but_settled", "refund_not_recorded", "chargeback_not_recorded")

US = 1_000_000
DAY = 86_400
MASK64 = (1 << 64) - 1


def die(message, status=64):
    print(f"gen.py: {message}", file=sys.stderr)
    sys.exit(status)


def scramble(x, salt):
    """A bijection on 64-bit integers (the splitmix64 finaliser): distinct ids give distinct,
    random-looking references without a set to remember which were used."""
    x = (x + salt * 0x9E3779B97F4A7C15) & MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK64
    return x ^ (x >> 31)


class Clock:
    """Timestamps as text, with the date part cached per day (all UTC)."""

    def __init__(self):
        self._dates = {}

    def date(self, day):
        text = self._dates.get(day)
        if text is None:
            text = self._dates[day] = (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()
        return text

    def seconds(self, t):
        """'YYYY-MM-DD HH:MM:SS' of epoch seconds (the Stripe file's format)."""
        day, rest = divmod(t, DAY)
        return f"{self.date(day)} {rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}"

    def timestamptz(self, t_us):
        """'YYYY-MM-DD HH:MM:SS.ffffff+00' of epoch microseconds (PostgreSQL input)."""
        t, us = divmod(t_us, US)
        return f"{self.seconds(t)}.{us:06d}+00"


def major(minor, exponent):
    """Integer minor units as a decimal in major units: -1234 at exponent 2 is '-12.34'."""
    if exponent == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**exponent)
    return f"{sign}{whole}.{fraction:0{exponent}d}"


class Ledger:
    """Draws the payments, writes them to payments.csv as it goes and collects what the provider
    settles (`self.settled`: (second, sequence, kind, reference, amount, currency, merchant_ref))
    and the injected breaks (`self.truth`)."""

    def __init__(self, a, rng, out):
        self.a = a
        self.rng = rng
        self.clock = Clock()
        self.window_start = (dt.date.fromisoformat(a.start) - dt.date(1970, 1, 1)).days * DAY
        self.window_end = self.window_start + a.days * DAY
        self.settled = []
        self.truth = []
        self.later = []  # refunds and chargebacks, written after the charges with the next ids
        self.next_id = 1
        self.rows = 0
        self.rows_in_window = 0
        self.sequence = 0
        self.file = open(os.path.join(out, "payments.csv"), "w", buffering=1 << 20)
        self.file.write("id,provider,provider_ref,merchant_ref,kind,amount_minor,currency,status,created_at,updated_at\n")
        self.pending = []
        # a bank statement cannot say chargeback: bank formats leave that status break out
        self.status_cycle = STATUS_CYCLE if a.format not in NO_CHARGEBACKS else STATUS_CYCLE[:2]
        codes = list(CURRENCIES)
        weights = [CURRENCIES[c][1] for c in codes]
        total = sum(weights)
        # cumulative thresholds in [0, 1)
        self.currency_table = []
        acc = 0
        for code, weight in zip(codes, weights):
            acc += weight
            self.currency_table.append((acc / total, code))

    # -- drawing ------------------------------------------------------------------------------
    def currency(self):
        x = self.rng.random()
        for threshold, code in self.currency_table:
            if x < threshold:
                return code
        return self.currency_table[-1][1]

    def amount(self, currency):
        _, _, lo, hi = CURRENCIES[currency]
        u = self.rng.random()
        return lo + int((hi - lo) * u * u * u)

    def status(self):
        x = self.rng.random()
        return "succeeded" if x < 0.95 else ("failed" if x < 0.99 else "pending")

    # -- output -------------------------------------------------------------------------------
    def allocate(self):
        """The next payments.id. Every drawn payment takes one, written or not (a charge missing
        internally too), so the references derived from ids never repeat."""
        pid = self.next_id
        self.next_id += 1
        return pid

    def write(self, pid, provider, reference, merchant_ref, kind, amount, currency, status, created_us, updated_us):
        ts = self.clock.timestamptz
        self.pending.append(f"{pid},{provider},{reference},{merchant_ref},{kind},{amount},{currency},{status},"
                            f"{ts(created_us)},{ts(updated_us)}\n")
        self.rows += 1
        if provider == PROVIDER and self.window_start * US <= created_us < self.window_end * US:
            self.rows_in_window += 1
        if len(self.pending) >= 20_000:
            self.file.write("".join(self.pending))
            self.pending.clear()

    def settle(self, t, kind, reference, amount, currency, merchant_ref):
        self.settled.append((t, self.sequence, kind, reference, amount, currency, merchant_ref))
        self.sequence += 1

    def close(self):
        self.file.write("".join(self.pending))
        self.file.close()

    # -- the timeline -------------------------------------------------------------------------
    def generate(self):
        a, rng = self.a, self.rng
        n = a.rows
        others = round(n * a.other_frac)
        per_window = n + others
        per_pad = round(per_window * a.pad_days / a.days)
        breaks = self.choose_breaks(n)
        ordinal = 0  # of the in-window charges of the reconciled provider
        pad = a.pad_days * DAY
        for lo, hi, count, inside in (
            (self.window_start - pad, self.window_start, per_pad, False),
            (self.window_start, self.window_end, per_window, True),
            (self.window_end, self.window_end + pad, per_pad, False),
        ):
            step = (hi - lo) * US / count if count else 0
            for i in range(count):
                created = lo * US + int((i + rng.random()) * step)
                # the other provider's rows fall exactly `others` times in `per_window` (Bresenham)
                other = ((i + 1) * others) // per_window > (i * others) // per_window
                if other:
                    self.other_row(created)
                    continue
                brk = None
                if inside:
                    brk = breaks.get(ordinal)
                    ordinal += 1
                if brk is None:
                    self.normal_charge(created, inside)
                else:
                    self.broken_charge(created, *brk)
        for row in self.later:
            self.write(self.allocate(), *row)
        self.close()

    def choose_breaks(self, n):
        count = round(n * self.a.break_rate)
        chosen = self.rng.sample(range(n), count) if count else []
        breaks = {}
        for j, ordinal in enumerate(chosen):
            cls = BREAK_CYCLE[j % len(BREAK_CYCLE)]
            cycle = self.status_cycle
            variant = cycle[(j // len(BREAK_CYCLE)) % len(cycle)] if cls == "status_mismatch" else ""
            breaks[ordinal] = (cls, variant)
        return breaks

    def merchant_ref(self, pid):
        return f"ord_{scramble(pid, 2) & 0xFF_FFFF_FFFF:010x}" if self.rng.random() < 0.97 else ""

    def other_row(self, created):
        rng = self.rng
        currency = self.currency()
        amount = self.amount(currency)
        pid = self.allocate()
        reference = f"OP{scramble(pid, 3) & 0xFF_FFFF_FFFF_FFFF:014X}"
        mref = self.merchant_ref(pid)
        self.write(pid, OTHER_PROVIDER, reference, mref, "charge", amount, currency, self.status(), created,
                   created + int(rng.random() * 600 * US))

    @staticmethod
    def charge_reference(pid):
        return f"{scramble(pid, 1):016X}"

    def normal_charge(self, created, inside):
        rng = self.rng
        currency = self.currency()
        amount = self.amount(currency)
        pid = self.allocate()
        reference = self.charge_reference(pid)
        mref = self.merchant_ref(pid)
        status = self.status()
        updated = created + int(rng.random() * 600 * US)
        if status == "succeeded":
            y = rng.random()
            if y < self.a.refund_rate:
                refund = amount if rng.random() < 0.7 else max(1, int(amount * rng.random()))
                when = created + 3600 * US + int(rng.random() * 10 * DAY * US)
                self.later_event(reference, mref, "refund", refund, currency, when)
                status, updated = "refunded", when
            elif y < self.a.refund_rate + self.a.chargeback_rate:
                when = created + DAY * US + int(rng.random() * 20 * DAY * US)
                self.later_event(reference, mref, "chargeback", amount, currency, when)
                updated = when
        self.write(pid, PROVIDER, reference, mref, "charge", amount, currency, status, created, updated)
        if inside and status in ("succeeded", "refunded"):
            self.settle(created // US, "charge", reference, amount, currency, mref)

    def later_event(self, reference, mref, kind, amount, currency, when):
        """A refund or chargeback the ledger records (its row comes after all charges)."""
        updated = when + int(self.rng.random() * 600 * US)
        self.later.append((PROVIDER, reference, mref, kind, amount, currency, "succeeded", when, updated))
        if self.window_start * US <= when < self.window_end * US:
            self.settle(when // US, kind, reference, amount, currency, mref)

    def broken_charge(self, created, cls, variant):
        rng = self.rng
        currency = self.currency()
        amount = self.amount(currency)
        pid = self.allocate()
        reference = self.charge_reference(pid)
        mref = self.merchant_ref(pid)
        status = "succeeded"
        second = created // US
        file_amount, file_currency = amount, currency
        in_ledger, in_file = True, True
        truth = {"reference": reference, "kind": "charge", "class": cls, "variant": variant}
        if cls == "missing_in_provider":
            in_file = False
        elif cls == "missing_internally":
            in_ledger = False
        elif cls == "amount_mismatch":
            delta = 1 if rng.random() < 0.34 else max(1, int(amount * 0.1 * rng.random()))
            file_amount = amount + delta if (rng.random() < 0.5 or amount <= delta) else amount - delta
        elif cls == "currency_mismatch":
            if CURRENCIES[currency][0] != 2:  # keep the minor units comparable: both sides at exponent 2
                currency = "EUR"
                amount = file_amount = self.amount(currency)
            choices = [c for c, v in CURRENCIES.items() if v[0] == 2 and c != currency]
            file_currency = choices[int(rng.random() * len(choices))]
        elif cls == "status_mismatch":
            if variant == "failed_but_settled":
                status = "failed"
            else:
                # the provider settled a refund or chargeback the ledger never recorded
                kind = "refund" if variant == "refund_not_recorded" else "chargeback"
                extra = amount if (kind == "chargeback" or rng.random() < 0.7) else max(1, int(amount * rng.random()))
                when = second + 3600 + int(rng.random() * 5 * DAY)
                if when >= self.window_end:
                    when = self.window_end - 1 - int(rng.random() * 3600)
                when = max(when, second + 1)
                self.settle(when, kind, reference, extra, currency, mref)
                truth["class"], truth["kind"] = "missing_internally", kind
        elif cls == "duplicate_in_provider":
            self.settle(second + 60 + int(rng.random() * 3600), "charge", reference, amount, currency, mref)
        elif cls == "timing_difference":
            # the ledger dates it 1-2 days before or after the window; the provider settled it inside
            offset = DAY * US + int(rng.random() * DAY * US)
            created = (self.window_start * US - offset if rng.random() < 0.5
                       else self.window_end * US - 1 + offset)
        self.truth.append(truth)
        if in_ledger:
            self.write(pid, PROVIDER, reference, mref, "charge", amount, currency, status, created,
                       created + int(rng.random() * 600 * US))
        if in_file:
            self.settle(second, "charge", reference, file_amount, file_currency, mref)


# -- settlement file writers ----------------------------------------------------------------------

def write_stripe(ledger, out):
    """Stripe's itemized balance change report: one line per balance transaction, amounts in major
    units with the sign of the balance movement, reference in source_id."""
    path = os.path.join(out, "stripe_balance.csv")
    clock = ledger.clock
    category = {"charge": "charge", "refund": "refund", "chargeback": "dispute"}
    payouts = {}
    lines = []
    with open(path, "w", buffering=1 << 20) as f:
        f.write("balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,"
                "source_id,description,customer_facing_amount,automatic_payout_id\n")
        for number, (t, seq, kind, reference, amount, currency, mref) in enumerate(ledger.settled, 1):
            e = CURRENCIES[currency][0]
            if kind == "charge":
                gross, fee = amount, amount * 29 // 1000 + FIXED_FEE[e]
                order = mref or "n/a"
                description = f'"Order {order}, ""gift"" wrap"' if seq % 53 == 0 else f"Order {order}"
            elif kind == "refund":
                gross, fee = -amount, 0
                description = f"REFUND FOR CHARGE (Order {mref or 'n/a'})"
            else:
                gross, fee = -amount, DISPUTE_FEE[e]
                description = "Chargeback withdrawal"
            available = t // DAY + 2
            payout = payouts.get((currency, available))
            if payout is None:
                payout = payouts[(currency, available)] = f"po_{scramble(available * 16 + CURRENCY_INDEX[currency], 5) & 0xFFFF_FFFF_FFFF:012x}"
            txn = f"txn_{scramble(number, 4) & 0xFF_FFFF_FFFF_FFFF:014x}"
            lines.append(f"{txn},{clock.seconds(t)},{clock.date(available)} 00:00:00,{currency.lower()},"
                         f"{major(gross, e)},{major(fee, e)},{major(gross - fee, e)},{category[kind]},{reference},"
                         f"{description},{major(amount, e)},{payout}\n")
            if len(lines) >= 20_000:
                f.write("".join(lines))
                lines.clear()
        f.write("".join(lines))
    return path


def write_adyen(ledger, out):
    """Adyen's settlement details report: one batch per UTC day, times in CET/CEST with the row's
    TimeZone. Settled (charge: Psp Reference), Refunded and Chargeback (their Modification Reference,
    which is the ledger's provider_ref of the refund or chargeback, here the charge's). Net of the
    commission, markup, scheme fees and interchange; per day and currency an account Fee and the
    MerchantPayout of what is left, so the batch control (net of the rows = MerchantPayout) holds."""
    path = os.path.join(out, "adyen_settlement_details.csv")
    clock = ledger.clock
    epoch = dt.date(1970, 1, 1)
    first_year = (epoch + dt.timedelta(days=ledger.window_start // DAY)).year
    last_year = (epoch + dt.timedelta(days=ledger.window_end // DAY)).year
    dst = eu_summer_time(range(first_year - 1, last_year + 2))
    first_day = ledger.window_start // DAY
    methods = ("visa", "mc", "amex", "visa", "mc", "ideal", "klarna", "visa")
    lines = []
    nets = {}  # currency -> net of the day's rows, minor units

    def local(t):
        summer = any(lo <= t < hi for lo, hi in dst)
        return t + (7200 if summer else 3600), "CEST" if summer else "CET"

    def close_day(day):
        batch = 1000 + day - first_day
        when, zone = local(day * DAY + DAY - 1)
        for currency in CURRENCIES:
            if currency not in nets:
                continue
            e = CURRENCIES[currency][0]
            monthly = {0: 500, 2: 500, 3: 2000}[e]
            lines.append(f"AcmeCompany,AcmeShopEU,,,,{clock.seconds(when)},{zone},Fee,Account fee {clock.date(day)},"
                         f"{currency},,,,{currency},{major(monthly, e)},,,,,,{batch}\n")
            payout = nets[currency] - monthly
            debit, credit = (major(payout, e), "") if payout >= 0 else ("", major(-payout, e))
            lines.append(f"AcmeCompany,AcmeShopEU,,,,{clock.seconds(when)},{zone},MerchantPayout,Payout batch {batch},"
                         f"{currency},,,,{currency},{debit},{credit},,,,,{batch}\n")
        nets.clear()

    with open(path, "w", buffering=1 << 20) as f:
        f.write("Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,"
                "TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Exchange Rate,"
                "Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),"
                "Interchange (NC),Batch Number\n")
        current = None
        for number, (t, seq, kind, reference, amount, currency, mref) in enumerate(ledger.settled, 1):
            day = t // DAY
            if current is not None and day != current:
                close_day(current)
            current = day
            e = CURRENCIES[currency][0]
            batch = 1000 + day - first_day
            when, zone = local(t)
            method = methods[seq & 7]
            gross = major(amount, e)
            prefix = f"AcmeCompany,AcmeShopEU,{reference},{mref},{method},{clock.seconds(when)},{zone}"
            if kind == "charge":
                fixed = FIXED_FEE[e]
                fee = amount * 29 // 1000 + fixed
                interchange, scheme = amount * 12 // 1000, amount * 2 // 1000
                modification = f"mod_{scramble(number, 6) & 0xFF_FFFF_FFFF_FFFF:014x}"
                lines.append(f"{prefix},Settled,{modification},{currency},,{gross},1,{currency},,{major(amount - fee, e)},"
                             f"{major(fixed, e)},{major(fee - fixed - interchange - scheme, e)},{major(scheme, e)},"
                             f"{major(interchange, e)},{batch}\n")
                net = amount - fee
            elif kind == "refund":
                lines.append(f"{prefix},Refunded,{reference},{currency},{gross},,1,{currency},{gross},,,,,,{batch}\n")
                net = -amount
            else:
                dispute = DISPUTE_FEE[e]
                lines.append(f"{prefix},Chargeback,{reference},{currency},{gross},,1,{currency},"
                             f"{major(amount + dispute, e)},,{major(dispute, e)},,,,{batch}\n")
                net = -amount - dispute
            nets[currency] = nets.get(currency, 0) + net
            if len(lines) >= 20_000:
                f.write("".join(lines))
                lines.clear()
        if current is not None:
            close_day(current)
        f.write("".join(lines))
    return path


def eu_summer_time(years):
    """EU summer time per year as epoch seconds: last Sunday of March 01:00 UTC to last Sunday of
    October 01:00 UTC."""
    bounds = []
    for year in years:
        def last_sunday(month):
            d = dt.date(year, month, 31)
            return d - dt.timedelta(days=(d.weekday() + 1) % 7)
        epoch = dt.date(1970, 1, 1)
        bounds.append(((last_sunday(3) - epoch).days * DAY + 3600, (last_sunday(10) - epoch).days * DAY + 3600))
    return bounds


def write_camt053(ledger, out):
    """An ISO 20022 camt.053.001.08 statement of the acquirer's account: one <Stmt> per currency over
    the window, one booked entry per settled line with one TxDtls whose EndToEndId is the reference
    (CRDT a charge, DBIT a refund; a bank statement has no chargeback kind). Opening + credits - debits
    = closing and the TxsSummry hold. Entries go to one part file per currency first, so memory stays
    flat."""
    path = os.path.join(out, "camt053.xml")
    clock = ledger.clock
    parts_dir = os.path.join(out, ".camt_parts")
    os.makedirs(parts_dir, exist_ok=True)
    parts, totals = {}, {}  # currency -> [file, pending]; currency -> [entries, sum, net]
    for number, (t, seq, kind, reference, amount, currency, mref) in enumerate(ledger.settled, 1):
        e = CURRENCIES[currency][0]
        day = t // DAY
        indicator = "CRDT" if kind == "charge" else "DBIT"
        entry = f"E{scramble(number, 7) & 0xFF_FFFF_FFFF_FFFF:014X}"
        remittance = f"Order {mref}" if mref else "n/a"
        text = (f'<Ntry><NtryRef>{entry}</NtryRef><Amt Ccy="{currency}">{major(amount, e)}</Amt>'
                f'<CdtDbtInd>{indicator}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
                f'<BookgDt><Dt>{clock.date(day)}</Dt></BookgDt><ValDt><Dt>{clock.date(day + 2)}</Dt></ValDt>'
                f'<AcctSvcrRef>{entry}</AcctSvcrRef><BkTxCd><Prtry><Cd>{kind.upper()}</Cd><Issr>ACMEPAY</Issr></Prtry>'
                f'</BkTxCd><NtryDtls><TxDtls><Refs><AcctSvcrRef>{entry}</AcctSvcrRef><EndToEndId>{reference}</EndToEndId>'
                f'</Refs><RmtInf><Ustrd>{remittance}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n')
        part = parts.get(currency)
        if part is None:
            part = parts[currency] = [open(os.path.join(parts_dir, currency), "w", buffering=1 << 20), []]
            totals[currency] = [0, 0, 0]
        part[1].append(text)
        if len(part[1]) >= 5000:
            part[0].write("".join(part[1]))
            part[1].clear()
        total = totals[currency]
        total[0] += 1
        total[1] += amount
        total[2] += amount if indicator == "CRDT" else -amount
    for file, pending in parts.values():
        file.write("".join(pending))
        file.close()
    first = clock.date(ledger.window_start // DAY)
    last = clock.date(ledger.window_end // DAY - 1)
    created = f"{clock.date(ledger.window_end // DAY)}T06:00:00+00:00"
    with open(path, "w", buffering=1 << 20) as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">\n<BkToCstmrStmt>\n'
                f'<GrpHdr><MsgId>ACMEPAY-{first}-{last}</MsgId><CreDtTm>{created}</CreDtTm></GrpHdr>\n')
        for number, currency in enumerate(CURRENCIES, 1):
            if currency not in totals:
                continue
            e = CURRENCIES[currency][0]
            count, gross, net = totals[currency]
            opening = (scramble(number, 8) % 5_000_000) * 10**e
            closing = opening + net

            def balance(code, value, day):
                return (f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="{currency}">{major(abs(value), e)}'
                        f'</Amt><CdtDbtInd>{"CRDT" if value >= 0 else "DBIT"}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>\n')
            f.write(f'<Stmt>\n<Id>ACMEPAY-{currency}-{first}</Id><ElctrncSeqNb>{number}</ElctrncSeqNb>'
                    f'<CreDtTm>{created}</CreDtTm><FrToDt><FrDtTm>{first}T00:00:00+00:00</FrDtTm>'
                    f'<ToDtTm>{last}T23:59:59+00:00</ToDtTm></FrToDt>\n'
                    f'<Acct><Id><Othr><Id>ACMEPAY-BAL-{currency}</Id></Othr></Id><Ccy>{currency}</Ccy></Acct>\n')
            f.write(balance("OPBD", opening, first))
            f.write(balance("CLBD", closing, last))
            f.write(f'<TxsSummry><TtlNtries><NbOfNtries>{count}</NbOfNtries><Sum>{major(gross, e)}</Sum>'
                    f'<TtlNetNtry><Amt>{major(abs(net), e)}</Amt><CdtDbtInd>{"CRDT" if net >= 0 else "DBIT"}'
                    f'</CdtDbtInd></TtlNetNtry></TtlNtries></TxsSummry>\n')
            with open(os.path.join(parts_dir, currency)) as part:
                shutil.copyfileobj(part, f, 1 << 22)
            f.write("</Stmt>\n")
        f.write("</BkToCstmrStmt>\n</Document>\n")
    shutil.rmtree(parts_dir)
    return path


def write_empty(fmt, path):
    """A settlement file of `fmt` with nothing to reconcile (bench/run.sh's baseline run)."""
    with open(path, "w") as f:
        if fmt == "stripe":
            f.write("balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,"
                    "source_id,description,customer_facing_amount,automatic_payout_id\n")
        elif fmt == "adyen":
            f.write("Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,"
                    "TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),"
                    "Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),"
                    "Scheme Fees (NC),Interchange (NC),Batch Number\n")
        elif fmt == "camt053":
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
                    '<GrpHdr><MsgId>EMPTY</MsgId><CreDtTm>2099-01-31T06:00:00+00:00</CreDtTm></GrpHdr>'
                    '<Stmt><Id>EMPTY</Id><Acct><Id><Othr><Id>ACMEPAY-BAL-EUR</Id></Othr></Id><Ccy>EUR</Ccy></Acct>'
                    '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt>'
                    '<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2099-01-01</Dt></Dt></Bal>'
                    '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt>'
                    '<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2099-01-30</Dt></Dt></Bal></Stmt>'
                    '</BkToCstmrStmt></Document>\n')
        else:
            die(f"--empty: no empty file for format '{fmt}' (bank formats: scripts/gen_bank.py --entries 0)")


def bank_entries(ledger):
    """The settled lines as (day, kind, reference, amount, currency) for scripts/gen_bank.py."""
    epoch = dt.date(1970, 1, 1)
    return [(epoch + dt.timedelta(days=t // DAY), kind, reference, amount, currency)
            for t, _, kind, reference, amount, currency, _ in ledger.settled]


def write_bank(name, writer):
    def write(ledger, out):
        write_stripe(ledger, out)  # the peer's input
        path = os.path.join(out, name)
        writer(path, bank_entries(ledger), nonref=False)
        return path
    return write


BANK_FORMATS = {"bai2": "bank.bai2", "mt940": "bank.mt940"}
WRITERS = {"stripe": write_stripe, "adyen": write_adyen, "camt053": write_camt053,
           "bai2": write_bank("bank.bai2", gen_bank.write_bai2), "mt940": write_bank("bank.mt940", gen_bank.write_mt940)}
# Formats that cannot say chargeback: their ledger has none, and no status break is one.
NO_CHARGEBACKS = set(BANK_FORMATS) | {"camt053"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000, help="charges of the reconciled provider inside the window")
    ap.add_argument("--format", default="stripe", help="settlement file format: " + ", ".join(sorted(WRITERS)))
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--start", default="2024-01-01", help="first day of the window (UTC)")
    ap.add_argument("--days", type=int, default=30, help="length of the window in days")
    ap.add_argument("--break-rate", type=float, default=0.005, help="fraction of --rows turned into breaks")
    ap.add_argument("--other-frac", type=float, default=0.2, help="another provider's rows, relative to --rows")
    ap.add_argument("--pad-days", type=int, default=3, help="days of rows before and after the window")
    ap.add_argument("--refund-rate", type=float, default=0.04)
    ap.add_argument("--chargeback-rate", type=float, default=0.005)
    ap.add_argument("--out", help="output directory (created); required")
    ap.add_argument("--version", action="store_true", help="print the generator version and exit")
    ap.add_argument("--empty", metavar="FILE", help="write only a settlement file of --format with nothing in it, and exit")
    a = ap.parse_args()
    if a.version:
        print(GENERATOR_VERSION)
        return
    if not a.out and not a.empty:
        die("--out DIR is required")
    if a.format not in WRITERS:
        die(f"unknown format '{a.format}'; known: {', '.join(sorted(WRITERS))}")
    if a.empty:
        write_empty(a.format, a.empty)
        return
    if a.rows < 1 or a.days < 1:
        die("--rows and --days must be at least 1")
    if a.format in NO_CHARGEBACKS:
        a.chargeback_rate = 0.0

    started = time.time()
    os.makedirs(a.out, exist_ok=True)
    ledger = Ledger(a, random.Random(a.seed), a.out)
    ledger.generate()
    ledger.settled.sort()
    settlement = WRITERS[a.format](ledger, a.out)

    start = dt.date.fromisoformat(a.start)
    end = start + dt.timedelta(days=a.days)
    truth = sorted(ledger.truth, key=lambda r: (r["class"], r["reference"], r["kind"]))
    # One window for both files: `to` is inclusive, as `tally run --to` takes it (bench/run.sh reads it
    # from truth.json); the manifest once said the exclusive end there.
    window = {"from": start.isoformat(), "to": (end - dt.timedelta(days=1)).isoformat(),
              "to_exclusive": end.isoformat()}
    with open(os.path.join(a.out, "truth.json"), "w") as f:
        json.dump({"generator": "tally bench/gen.py", "generator_version": GENERATOR_VERSION,
                   "window": window, "provider": PROVIDER, "breaks": truth}, f, indent=0)
    by_class = {}
    for t in truth:
        by_class[t["class"]] = by_class.get(t["class"], 0) + 1
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "params": {k: v for k, v in vars(a).items() if k != "version"},
        "provider": PROVIDER,
        "window": window,
        "payments_rows_total": ledger.rows,
        "payments_rows_provider_in_window": ledger.rows_in_window,
        "settlement_file": os.path.basename(settlement),
        "settlement_transactions": len(ledger.settled),
        "breaks": len(truth),
        "breaks_by_class": dict(sorted(by_class.items())),
        "files": {n: os.path.getsize(os.path.join(a.out, n)) for n in sorted(os.listdir(a.out))
                  if n in ("payments.csv", os.path.basename(settlement), "truth.json")},
        "seconds": round(time.time() - started, 1),
    }
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(json.dumps({k: manifest[k] for k in ("payments_rows_total", "payments_rows_provider_in_window",
                                                  "settlement_transactions", "breaks", "breaks_by_class", "seconds")}))


if __name__ == "__main__":
    main()
