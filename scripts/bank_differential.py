#!/usr/bin/env python3
"""The independent side of Tally's differential test of BAI2 and MT940 (Tests/TallyIngestTests/
BankDifferentialTests.swift): reads a file with a PyPI parser and prints, as JSON, the counts and
sums per kind and currency of the entries Tally matches, with Tally's rules applied on top of what
the library parsed:

  bai2 (PyPI `bai2`): every 16 of type 100-399 is a charge, 400-699 a refund;
  mt940 (PyPI `mt-940`): C is a charge, D a refund; RC and RD are listed, not counted here;
  both: an entry counts with or without a reference: one with neither a customer nor a bank
  reference (or NONREF) is a transaction for Tally's rule passes, as in camt, not a reject.

    bank_differential.py bai2|mt940 FILE   ->  {"charge EUR": [count, sum_minor], ...}
                                               or {"error": "..."} when the library cannot read it
Exit 2 when the library is not installed (`python3 -m pip install mt-940 bai2`).
"""
import decimal
import json
import sys

EXPONENT_THREE = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}
EXPONENT_ZERO = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF",
                 "XOF", "XPF"}


def exponent(currency):
    return 3 if currency in EXPONENT_THREE else 0 if currency in EXPONENT_ZERO else 2


def add(totals, kind, currency, minor):
    count, total = totals.get(f"{kind} {currency}", (0, 0))
    totals[f"{kind} {currency}"] = (count + 1, total + minor)


def read_bai2(path):
    from bai2 import bai2
    totals = {}
    with open(path) as f:
        document = bai2.parse_from_file(f)
    for group in document.children:
        for account in group.children:
            currency = account.header.currency or group.header.currency or "USD"
            for t in account.children:
                code = int(t.type_code.code)
                if t.amount is None:
                    continue
                if 100 <= code <= 399:
                    add(totals, "charge", currency, int(t.amount))
                elif 400 <= code <= 699:
                    add(totals, "refund", currency, int(t.amount))
    return totals


def read_mt940(path):
    import mt940
    totals = {}
    for t in mt940.parse(path):
        data = t.data
        status = data.get("status")
        if status not in ("C", "D"):
            continue
        amount = data["amount"]
        minor = int(abs(decimal.Decimal(amount.amount)) * 10 ** exponent(amount.currency))
        add(totals, "charge" if status == "C" else "refund", amount.currency, minor)
    return totals


def main():
    fmt, path = sys.argv[1], sys.argv[2]
    try:
        import bai2  # noqa: F401
        import mt940  # noqa: F401
    except ImportError as error:
        print(f"bank_differential.py: {error}; python3 -m pip install mt-940 bai2", file=sys.stderr)
        sys.exit(2)
    try:
        totals = (read_bai2 if fmt == "bai2" else read_mt940)(path)
    except Exception as error:  # the library's own limits are the test's known differences
        print(json.dumps({"error": f"{type(error).__name__}: {error}"[:300]}))
        return
    print(json.dumps({k: list(v) for k, v in sorted(totals.items())}))


if __name__ == "__main__":
    main()
