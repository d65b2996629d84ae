#!/usr/bin/env python3
"""Mutation fuzzing of `tally inspect` over every format Tally reads (`make fuzz`).

    scripts/fuzz.py [--mutants N] [--seconds S] [--jobs J] [--timeout T] [--seed K] [--binary PATH]

Takes seed files of every format (fuzz/corpus/, samples/, and ../shared/provider-samples when it is
beside the checkout), mutates them (bit flips, truncation, duplicated and swapped lines, hostile
strings, huge fields, byte-order marks, UTF-16, broken UTF-8, DOCTYPEs and entity bombs, deep XML
nesting, …) and runs `tally inspect --format F` on each mutant, every other one with --mask-pii.
A run is fine when it exits 0, 65 or 66 within the timeout; a signal is a crash, a timeout a hang,
any other status an unexpected exit. Offending inputs are kept in .tally/fuzz/findings/ with the
command that failed. Bounded in mutants and in seconds; deterministic for a given --seed.

Exits 0 when nothing was found, 1 otherwise. Not part of `make test`: it takes minutes.
"""

import argparse
import concurrent.futures
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OK_STATUSES = {0, 65, 66}

HOSTILE = [
    b"\x1b]0;pwned\x07", b"\x1b[2J", b"\xe2\x80\xae", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3", b"\xed\xa0\x80",
    b'"', b'""', b"\r", b"\n", b"\r\n", b",", b";", b"\t", b"=1+1", b"-9223372036854775808", b"9223372036854775807",
    b"99999999999999999999.99", b"1e309", b"NaN", b"-0.00", b"0.001", b"1,000.00", b"\xd9\xa3", b"%s%n", b"../../etc/passwd",
    b"<script>", b"&amp;", b"]]>", b"<!--", b"4111-1111-1111-1111", b"jane.doe@example.com", b"Mr Jane Doe",
]

XML_HOSTILE = [
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    b'<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">', b'<!ENTITY e SYSTEM "file:///etc/passwd">', b"&e;", b"&#0;",
    b"<![CDATA[", b"<?xml version='1.1'?>", b"<Ntry>", b"</Ntry>", b"<Amt Ccy=\"EUR\">", b"</Document>",
    b' xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"',
]

# Fields repeated until they are long: the masker's and the readers' cost must stay linear.
BLOATS = [b"1 ", b"Mr ", b"4111-1111-1111-1111-", b"a@b.", b"\"", b"x", b"Jane Doe ", b"<a>"]


def seeds():
    """(path, format, extra arguments) of every seed file."""
    found = []
    corpus = os.path.join(ROOT, "fuzz", "corpus")
    for name, fmt in [("adyen.csv", "adyen"), ("paypal.csv", "paypal"), ("camt053.xml", "camt053"), ("camt054.xml", "camt054"),
                      ("bai2.txt", "bai2"), ("mt940.txt", "mt940")]:
        found.append((os.path.join(corpus, name), fmt, []))
    stripe = os.path.join(ROOT, "samples", "stripe")
    for name in sorted(os.listdir(stripe)):
        found.append((os.path.join(stripe, name), "stripe", []))
    mapping = os.path.join(ROOT, "samples", "mappings", "bank-export.yml")
    found.append((os.path.join(ROOT, "samples", "mappings", "bank-export.csv"), "csv", ["--mapping", mapping]))
    shared = os.path.join(os.path.dirname(ROOT), "shared", "provider-samples")
    folders = {"stripe": "stripe", "adyen-settlement-detail": "adyen", "paypal-stl": "paypal", "camt053": "camt053",
               "camt054": "camt054", "bai2": "bai2", "mt940": "mt940"}
    for folder, fmt in folders.items():
        directory = os.path.join(shared, folder)
        if not os.path.isdir(directory):
            continue
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if os.path.isfile(path) and os.path.getsize(path) <= 512 * 1024:
                found.append((path, fmt, []))
    return found


def mutate(data, fmt, rng):
    """One to three random mutations of `data`."""
    for _ in range(rng.randint(1, 3)):
        choice = rng.randrange(13)
        if not data:
            data = b"\n"
        position = rng.randrange(len(data) + 1)
        if choice == 0:  # flip a bit
            index = rng.randrange(len(data))
            data = data[:index] + bytes([data[index] ^ (1 << rng.randrange(8))]) + data[index + 1:]
        elif choice == 1:  # truncate
            data = data[:position]
        elif choice == 2:  # delete a span
            data = data[:position] + data[position + rng.randint(1, 64):]
        elif choice == 3:  # insert a hostile token
            data = data[:position] + rng.choice(HOSTILE) + data[position:]
        elif choice == 4:  # duplicate a line
            lines = data.split(b"\n")
            line = rng.randrange(len(lines))
            lines.insert(line, lines[line])
            data = b"\n".join(lines)
        elif choice == 5:  # swap two lines
            lines = data.split(b"\n")
            a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[a], lines[b] = lines[b], lines[a]
            data = b"\n".join(lines)
        elif choice == 6:  # bloat a field
            piece = rng.choice(BLOATS) * rng.choice([100, 1000, 5000, 20000])
            data = data[:position] + piece + data[position:]
        elif choice == 7:  # replace a digit
            digits = [i for i, byte in enumerate(data) if 0x30 <= byte <= 0x39]
            if digits:
                index = rng.choice(digits)
                data = data[:index] + rng.choice([b"9" * 25, b"-", b".", b",", b"", b"0" * 19]) + data[index + 1:]
        elif choice == 8:  # a byte-order mark, or UTF-16
            if rng.random() < 0.5:
                data = rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]) + data
            else:
                try:
                    data = b"\xff\xfe" + data.decode("utf-8").encode("utf-16-le")
                except UnicodeDecodeError:
                    data = b"\xff\xfe" + data
        elif choice == 9 and fmt.startswith("camt"):  # hostile XML
            data = data[:position] + rng.choice(XML_HOSTILE) + data[position:]
        elif choice == 10 and fmt.startswith("camt"):  # deep nesting
            depth = rng.choice([100, 1000, 20000])
            data = data[:position] + b"<a>" * depth + b"</a>" * rng.choice([0, depth]) + data[position:]
        elif choice == 11:  # CR-only or mixed line ends
            data = data.replace(b"\n", rng.choice([b"\r", b"\r\n", b"\n\r"]))
        else:  # random bytes
            data = data[:position] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 16))) + data[position:]
    return data


def run_one(binary, work, number, seed, fmt, extra, data, mask, timeout):
    """Runs inspect on one mutant; returns None when fine, else (kind, detail, command)."""
    suffix = os.path.splitext(seed)[1] or ".txt"
    path = os.path.join(work, "mutant-%d%s" % (number, suffix))
    with open(path, "wb") as handle:
        handle.write(data)
    command = [binary, "inspect", "--format", fmt] + extra + (["--mask-pii"] if mask else []) + [path]
    try:
        completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return ("hang", "no answer within %s s" % timeout, command, path)
    if completed.returncode < 0:
        return ("crash", "signal %d: %s" % (-completed.returncode, completed.stderr[-400:].decode("utf-8", "replace")),
                command, path)
    if completed.returncode not in OK_STATUSES:
        return ("unexpected", "exit %d: %s" % (completed.returncode, completed.stderr[-400:].decode("utf-8", "replace")),
                command, path)
    os.unlink(path)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mutants", type=int, default=10000, help="mutants to run (default 10000)")
    parser.add_argument("--seconds", type=float, default=1200, help="stop after this long (default 1200)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="parallel runs (default: the cores)")
    parser.add_argument("--timeout", type=float, default=20, help="seconds one inspect may take (default 20)")
    parser.add_argument("--seed", type=int, default=17, help="random seed (default 17)")
    parser.add_argument("--binary", help="the tally binary (default: .build/release/tally, else .build/debug/tally)")
    arguments = parser.parse_args()

    binary = arguments.binary
    if not binary:
        for candidate in (".build/release/tally", ".build/debug/tally"):
            if os.access(os.path.join(ROOT, candidate), os.X_OK):
                binary = os.path.join(ROOT, candidate)
                break
    if not binary:
        sys.exit("fuzz: no tally binary: run `make build` first")
    found = seeds()
    rng = random.Random(arguments.seed)
    contents = {path: open(path, "rb").read() for path, _, _ in found}
    findings_dir = os.path.join(ROOT, ".tally", "fuzz", "findings")
    work = tempfile.mkdtemp(prefix="tally-fuzz-")
    counts = {"crash": 0, "hang": 0, "unexpected": 0}
    started = time.monotonic()
    ran = 0
    print("fuzz: %d seeds of %d formats, %s, %d jobs" % (
        len(found), len({fmt for _, fmt, _ in found}), os.path.relpath(binary, ROOT), arguments.jobs), flush=True)
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=arguments.jobs) as pool:
            pending = set()
            number = 0
            while number < arguments.mutants or pending:
                while number < arguments.mutants and len(pending) < arguments.jobs * 4 \
                        and time.monotonic() - started < arguments.seconds:
                    seed, fmt, extra = found[rng.randrange(len(found))]
                    data = mutate(contents[seed], fmt, rng)
                    pending.add(pool.submit(run_one, binary, work, number, seed, fmt, extra, data, number % 2 == 1,
                                            arguments.timeout))
                    number += 1
                if not pending:
                    break
                done, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                before = ran
                for future in done:
                    ran += 1
                    outcome = future.result()
                    if outcome:
                        kind, detail, command, path = outcome
                        counts[kind] += 1
                        os.makedirs(findings_dir, exist_ok=True)
                        kept = os.path.join(findings_dir, "%s-%s" % (kind, os.path.basename(path)))
                        shutil.move(path, kept)
                        with open(kept + ".txt", "w") as note:
                            note.write("%s\n%s\n" % (" ".join(command[:-1] + [kept]), detail))
                        print("fuzz: %s: %s (kept as %s)" % (kind, detail.splitlines()[0] if detail else "", kept), flush=True)
                if ran // 1000 > before // 1000:
                    print("fuzz: %d mutants, %.0f s" % (ran, time.monotonic() - started), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - started
    print("fuzz: %d mutants in %.0f s (%.0f/s): %d crashes, %d hangs, %d unexpected exits" % (
        ran, elapsed, ran / max(elapsed, 0.001), counts["crash"], counts["hang"], counts["unexpected"]))
    if ran < arguments.mutants:
        print("fuzz: stopped at --seconds %.0f before %d mutants" % (arguments.seconds, arguments.mutants))
    sys.exit(1 if sum(counts.values()) else 0)


if __name__ == "__main__":
    main()
