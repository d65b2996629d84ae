#!/usr/bin/env python3
"""Deterministic BAI2 and MT940 files for Tally's tests and `make bench` (standard library only).

    gen_bank.py --format bai2|mt940 --entries N [--seed S] --out FILE

writes a file of N entries (credits and debits in EUR, USD, GBP, JPY and KWD) and prints on stdout
what Tally must read in it, as JSON: {"transactions": {"charge EUR": [count, sum_minor], ...},
"controls": n}. Every control of the file holds (49/98/99 trailers, 010 + credits - debits = 015;
opening + entries = closing per MT940 page, pages chained by :62M:/:60M:). The file exercises what
real banks do: BAI2 funds types with availability fields (S, V, D), 88 continuations that carry a
16's references and text or split a 03's summaries, several records on one line; MT940 entry dates
across a year end, reversals (RC/RD), `NONREF` customer references, ?20-?29 and free-text :86:,
continuation pages.

bench/gen.py imports `write_bai2` and `write_mt940` for BENCH_FORMAT=bai2 and mt940: each takes
the path and a list of entries (day, kind, reference, amount_minor, currency) with kind "charge"
(a credit) or "refund" (a debit).
"""
import argparse
import datetime as dt
import json
import random
import sys

EXPONENT = {"EUR": 2, "USD": 2, "GBP": 2, "JPY": 0, "KWD": 3, "CHF": 2, "SEK": 2}
ACCOUNTS = {c: f"{1000000 + i * 7919}" for i, c in enumerate(sorted(EXPONENT))}


def mt_amount(minor, exponent):
    """Minor units as an MT940 amount with a decimal comma: 123456 at 2 is '1234,56', JPY '1500,'."""
    if exponent == 0:
        return f"{minor},"
    whole, fraction = divmod(minor, 10**exponent)
    return f"{whole},{fraction:0{exponent}d}"


def yymmdd(day):
    return day.strftime("%y%m%d")


# -- BAI2 -----------------------------------------------------------------------------------------

def write_bai2(path, entries, as_of=None, nonref=True):
    """One group per as-of day, one account per currency in it; returns the number of controls.
    `nonref`: every 50th entry says NONREF as its customer reference (then the bank reference counts)."""
    days = sorted({e[0] for e in entries})
    as_of = as_of or (days[-1] if days else dt.date(2024, 1, 1))
    by_group = {}
    for day, kind, reference, amount, currency in entries:
        by_group.setdefault(day, {}).setdefault(currency, []).append((kind, reference, amount))
    out = []
    write = out.append
    records = 0
    file_total = 0
    controls = 2  # the 99 trailer and the structure check
    write(f"01,TALLYBANK,TALLYCORP,{yymmdd(as_of)},0600,1,,,2/")
    records += 1
    balance = {c: 1_000_000 for c in EXPONENT}
    for group_number, day in enumerate(sorted(by_group)):
        write(f"02,TALLYCORP,TALLYBANK,1,{yymmdd(day)},2400,USD,2/")
        group_records = 1
        group_total = 0
        accounts = by_group[day]
        for currency in sorted(accounts):
            items = accounts[currency]
            credits = sum(a for k, a in (x[::2] for x in items) if k == "charge")
            debits = sum(a for k, a in (x[::2] for x in items) if k != "charge")
            opening = balance[currency]
            closing = opening + credits - debits
            balance[currency] = closing
            n_credits = sum(1 for x in items if x[0] == "charge")
            account_total = opening + closing + 2 * (credits + debits)  # the summaries and the 16s
            account_records = 2  # 03 and 49
            # the 03 with its summaries continued by an 88 (HostileBankTests splits them anywhere)
            write(f"03,{ACCOUNTS[currency]},{currency},010,{opening},,,015,{closing},,/")
            write(f"88,100,{credits},{n_credits},,400,{debits},{len(items) - n_credits},/")
            account_records += 1
            for index, (kind, reference, amount) in enumerate(items):
                code = (195, 142, 165, 108)[index % 4] if kind == "charge" else (495, 451, 475)[index % 3]
                funds = ("", "Z", "0", f"V,{yymmdd(day)},", f"S,{amount},0,0", "D,1,0,%d" % amount)[index % 6]
                bank = f"B{group_number:02d}{index:09d}"
                customer = reference
                if nonref and index % 50 == 7:
                    customer = "NONREF"  # then the bank reference is the reference
                text = f"PAYMENT {reference} INVOICE {index}"
                if index % 5 == 0:
                    # references and text in continuations
                    write(f"16,{code},{amount},{funds}/")
                    write(f"88,{bank},{customer},{text[:10]}")
                    write(f"88,{text[10:]}")
                    account_records += 3
                else:
                    write(f"16,{code},{amount},{funds},{bank},{customer},{text}")
                    account_records += 1
            group_records += account_records
            group_total += account_total
            write(f"49,{account_total},{account_records}/")
            controls += 2  # 49 and the ledger check
        group_records += 1
        write(f"98,{group_total},{len(accounts)},{group_records}/")
        controls += 1
        records += group_records
        file_total += group_total
    records += 1
    write(f"99,{file_total},{len(by_group)},{records}/")
    with open(path, "w", buffering=1 << 20) as f:
        f.write("\n".join(out) + "\n")
    return controls


# -- MT940 ----------------------------------------------------------------------------------------

def write_mt940(path, entries, page_size=400, nonref=True):
    """One statement per day and currency, pages of `page_size` entries chained by :62M:/:60M:;
    returns the number of controls."""
    by_statement = {}
    for day, kind, reference, amount, currency in entries:
        by_statement.setdefault((day, currency), []).append((kind, reference, amount))
    if not by_statement:
        by_statement[(dt.date(2024, 1, 1), "EUR")] = []  # one statement without entries
    balance = {c: 500_000 for c in EXPONENT}
    number = {c: 0 for c in EXPONENT}
    controls = 0
    chained = set()
    out = []
    write = out.append
    for (day, currency), items in sorted(by_statement.items()):
        e = EXPONENT[currency]
        number[currency] += 1
        pages = [items[i:i + page_size] for i in range(0, len(items), page_size)] or [[]]
        for page_number, page in enumerate(pages, 1):
            last = page_number == len(pages)
            write("{1:F01TALLYBANKXXX0000000000}{2:I940TALLYCORPXXXN}{4:")
            write(f":20:S{day:%Y%m%d}{currency}{page_number}")
            write(f":25:TALLYBANK/{ACCOUNTS[currency]}")
            write(f":28C:{number[currency]:05d}/{page_number:03d}")
            opening = balance[currency]
            write(f":60{'F' if page_number == 1 else 'M'}:{'C' if opening >= 0 else 'D'}{yymmdd(day)}{currency}{mt_amount(abs(opening), e)}")
            for index, (kind, reference, amount) in enumerate(page):
                mark = "C" if kind == "charge" else "D"
                value = day
                entry = ""
                if index % 11 == 3:
                    # booked the day before the value date: across a year end on 1 January
                    entry = (day - dt.timedelta(days=1)).strftime("%m%d")
                customer = "NONREF" if nonref and index % 50 == 7 else reference
                bank = f"B{index:010d}"
                write(f":61:{yymmdd(value)}{entry}{mark}{'N' if index % 9 == 4 else ''}{mt_amount(amount, e)}NTRF{customer}//{bank}")
                if index % 3 == 0:
                    write(f"?20EREF+{reference}?21SVWZ+INVOICE {index}?32TALLY CUSTOMER".join([":86:166", ""]))
                elif index % 3 == 1:
                    write(f":86:/TRTP/SEPA CREDIT TRANSFER/NAME/TALLY CUSTOMER/REMI/INVOICE {index}/EREF/{reference}")
                else:
                    write(f":86:PAYMENT {reference}")
                    write(f"INVOICE {index}")
                balance[currency] += amount if kind == "charge" else -amount
            closing = balance[currency]
            write(f":62{'F' if last else 'M'}:{'C' if closing >= 0 else 'D'}{yymmdd(day)}{currency}{mt_amount(abs(closing), e)}")
            if last:
                write(f":64:{'C' if closing >= 0 else 'D'}{yymmdd(day)}{currency}{mt_amount(abs(closing), e)}")
            write("-}")
            controls += 1
        if len(pages) > 1:
            chained.add(currency)
    # one reversal pair per file (listed, not matched), in its own statement that still balances
    if entries:
        write("{1:F01TALLYBANKXXX0000000000}{2:I940TALLYCORPXXXN}{4:")
        write(":20:REVERSALS")
        write(":25:TALLYBANK/REVERSALS")
        write(":28C:1/1")
        write(":60F:C240101EUR100,00")
        write(":61:240101RC5,00NTRFNONREF//R1")
        write(":86:STORNO")
        write(":61:240101RD5,00NTRFNONREF//R2")
        write(":62F:C240101EUR100,00")
        write("-}")
        controls += 1
    with open(path, "w", buffering=1 << 20) as f:
        f.write("\r\n".join(out) + "\r\n")
    return controls + len(chained)


# -- the test generator ---------------------------------------------------------------------------

def entries(count, seed):
    """`count` entries over the days around a year end, in EUR, USD, GBP, JPY and KWD."""
    rng = random.Random(seed)
    currencies = ["EUR", "USD", "GBP", "JPY", "KWD"]
    start = dt.date(2023, 12, 30)
    result = []
    for i in range(count):
        currency = currencies[rng.randrange(len(currencies))]
        kind = "charge" if rng.random() < 0.7 else "refund"
        amount = 1 + int(rng.random() ** 3 * 300_000)
        day = start + dt.timedelta(days=rng.randrange(4))
        result.append((day, kind, f"{rng.getrandbits(64):016X}", amount, currency))
    result.sort(key=lambda e: e[0])
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--format", required=True, choices=["bai2", "mt940"])
    ap.add_argument("--entries", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    generated = entries(a.entries, a.seed)
    controls = (write_bai2 if a.format == "bai2" else write_mt940)(a.out, generated)
    totals = {}
    for _, kind, reference, amount, currency in generated:
        key = f"{kind} {currency}"
        count, total = totals.get(key, (0, 0))
        totals[key] = (count + 1, total + amount)
    json.dump({"transactions": {k: list(v) for k, v in sorted(totals.items())}, "controls": controls}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
