#!/usr/bin/env python3
"""The camt.053 half of the SQL-by-hand peer: reads a camt.053 statement with lxml.etree.iterparse
(streamed, each entry cleared once read) and writes one CSV row per booked transaction to stdout,
reference,kind,currency,amount_minor,ord, for `\\copy` into bench/peer-camt053.sql's table.

    camt_rows.py FILE.xml | psql … -f bench/peer.sql

This is how a data engineer loads large XML into PostgreSQL: PostgreSQL's own xml type would need
the whole document as one value (under 1 GB) and build a DOM of it for XMLTABLE. The rules are the
common case of Tally's (docs/formats.md): booked entries only (Sts/Cd or Sts BOOK), not reversals;
one row per TxDtls with its own amount, else the entry's; the reference is EndToEndId, then TxId,
then the detail's or the entry's AcctSvcrRef, then NtryRef; CRDT a charge, DBIT a refund (a detail's
own indicator first); minor units at the currency's ISO 4217 exponent.
"""
import csv
import sys
from decimal import Decimal

from lxml import etree

EXPONENT = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "XOF": 0, "XAF": 0,
            "KWD": 3, "BHD": 3, "JOD": 3, "OMR": 3, "TND": 3}
PLACEHOLDERS = {"NOTPROVIDED", "NONREF"}


def local(element, path):
    """The text of the first descendant along `path` (local names), or None."""
    for name in path.split("/"):
        if element is None:
            return None
        element = next((child for child in element if etree.QName(child).localname == name), None)
    return None if element is None or element.text is None else element.text.strip()


def amount(element):
    for child in element:
        if etree.QName(child).localname == "Amt":
            currency = child.get("Ccy")
            return currency, int(Decimal(child.text.strip()) * 10 ** EXPONENT.get(currency, 2))
    return None, None


def reference(*candidates):
    for value in candidates:
        if value and value.upper() not in PLACEHOLDERS:
            return value
    return ""


def main():
    out = csv.writer(sys.stdout, lineterminator="\n")
    ordinal = 0
    for _, entry in etree.iterparse(sys.argv[1], events=("end",), tag="{*}Ntry"):
        status = local(entry, "Sts/Cd") or local(entry, "Sts")
        if status == "BOOK" and (local(entry, "RvslInd") or "false").lower() != "true":
            entry_currency, entry_amount = amount(entry)
            entry_indicator = local(entry, "CdtDbtInd")
            entry_reference = local(entry, "AcctSvcrRef") or local(entry, "NtryRef")
            details = [d for d in entry.iter("{*}TxDtls")]
            for detail in details or [None]:
                currency, minor, indicator, ref = entry_currency, entry_amount, entry_indicator, entry_reference
                if detail is not None:
                    own_currency, own_minor = amount(detail)
                    if own_minor is not None:
                        currency, minor = own_currency, own_minor
                    indicator = local(detail, "CdtDbtInd") or indicator
                    ref = reference(local(detail, "Refs/EndToEndId"), local(detail, "Refs/TxId"),
                                    local(detail, "Refs/AcctSvcrRef"), entry_reference)
                ordinal += 1
                out.writerow((ref, "charge" if indicator == "CRDT" else "refund", currency, abs(minor), ordinal))
        entry.clear()
        while entry.getprevious() is not None:
            del entry.getparent()[0]


if __name__ == "__main__":
    main()
