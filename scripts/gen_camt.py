#!/usr/bin/env python3
"""Writes a large, valid camt.053.001.08 statement for memory and speed measurements.

Usage: gen_camt.py OUT.xml [TARGET_BYTES]   (default 1 GiB)

One statement, entries of 1 to 4 TxDtls each (batches), each detail with its own EndToEndId,
remittance text and parties, so an entry weighs about 1.5 KB like real bank output. Deterministic:
the same arguments give the same bytes. Prints the entry and transaction counts and the sums, which
`tally inspect --json` must reproduce, and the balances are set so that the statement balances.
"""
import random
import sys


def main():
    out = sys.argv[1]
    target = int(sys.argv[2]) if len(sys.argv) > 2 else 1 << 30
    rng = random.Random(53)
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">\n<BkToCstmrStmt>\n'
        '<GrpHdr><MsgId>GEN-1</MsgId><CreDtTm>2026-03-12T06:00:00Z</CreDtTm></GrpHdr>\n<Stmt>\n<Id>GEN-STMT</Id>\n'
        '<Acct><Id><IBAN>DE00GENERATED</IBAN></Id><Ccy>EUR</Ccy></Acct>\n'
    )
    entries = details = 0
    net = 0
    credits = debits = 0
    body = []
    with open(out + ".body", "w") as f:
        written = 0
        while written < target:
            count = rng.randint(1, 4)
            debit = rng.random() < 0.2
            amounts = [rng.randint(100, 500_000) for _ in range(count)]
            total = sum(amounts)
            entries += 1
            details += count
            if debit:
                net -= total
                debits += total
            else:
                net += total
                credits += total
            parts = [
                "<Ntry>\n<Amt Ccy=\"EUR\">%d.%02d</Amt>\n<CdtDbtInd>%s</CdtDbtInd>\n<Sts><Cd>BOOK</Cd></Sts>\n"
                "<BookgDt><Dt>2026-03-11</Dt></BookgDt><ValDt><Dt>2026-03-11</Dt></ValDt>\n"
                "<AcctSvcrRef>BANK%09d</AcctSvcrRef>\n<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>\n<NtryDtls>\n"
                % (total // 100, total % 100, "DBIT" if debit else "CRDT", entries)
            ]
            if count > 1:
                parts.append("<Btch><NbOfTxs>%d</NbOfTxs></Btch>\n" % count)
            for index, amount in enumerate(amounts):
                parts.append(
                    "<TxDtls>\n<Refs><AcctSvcrRef>TX%09d-%d</AcctSvcrRef><EndToEndId>pi_%09d_%d</EndToEndId></Refs>\n"
                    "<Amt Ccy=\"EUR\">%d.%02d</Amt>\n<CdtDbtInd>%s</CdtDbtInd>\n"
                    "<RltdPties><Dbtr><Pty><Nm>Customer %d</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013%03d</IBAN></Id></DbtrAcct></RltdPties>\n"
                    "<RmtInf><Ustrd>Order %d payment %d thank you for shopping with us</Ustrd></RmtInf>\n</TxDtls>\n"
                    % (entries, index, entries, index, amount // 100, amount % 100, "DBIT" if debit else "CRDT",
                       entries, entries % 1000, entries, index)
                )
            parts.append("</NtryDtls>\n</Ntry>\n")
            chunk = "".join(parts)
            f.write(chunk)
            written += len(chunk)
    def bal(kind, minor):
        return ("<Bal><Tp><CdOrPrtry><Cd>%s</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">%d.%02d</Amt><CdtDbtInd>%s</CdtDbtInd>"
                "<Dt><Dt>2026-03-11</Dt></Dt></Bal>\n" % (kind, abs(minor) // 100, abs(minor) % 100, "DBIT" if minor < 0 else "CRDT"))
    with open(out, "w") as f:
        f.write(head)
        f.write(bal("OPBD", 0))
        f.write(bal("CLBD", net))
        with open(out + ".body") as body_file:
            while True:
                block = body_file.read(1 << 20)
                if not block:
                    break
                f.write(block)
        f.write("</Stmt>\n</BkToCstmrStmt>\n</Document>\n")
    import os
    os.remove(out + ".body")
    print("entries=%d transactions=%d credits_minor=%d debits_minor=%d" % (entries, details, credits, debits))


if __name__ == "__main__":
    main()
