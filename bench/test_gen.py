"""Checks of bench/gen.py (python3 -m unittest bench/test_gen.py; standard library only)."""
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import unittest

GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen.py")


class WindowTest(unittest.TestCase):
    def test_manifest_and_truth_name_the_same_inclusive_window(self):
        # bench/run.sh passes truth.json's window.to to `tally run --to`, which is inclusive
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([sys.executable, GEN, "--rows", "200", "--days", "30", "--start", "2024-01-01",
                            "--out", out], check=True, stdout=subprocess.DEVNULL)
            truth = json.load(open(os.path.join(out, "truth.json")))["window"]
            manifest = json.load(open(os.path.join(out, "manifest.json")))["window"]
        self.assertEqual(manifest, truth)
        self.assertEqual(truth["from"], "2024-01-01")
        self.assertEqual(truth["to"], "2024-01-30")  # 30 days: the 1st to the 30th
        self.assertEqual(dt.date.fromisoformat(truth["to_exclusive"]) - dt.date.fromisoformat(truth["to"]),
                         dt.timedelta(days=1))


class WritersTest(unittest.TestCase):
    def generate(self, fmt, out):
        subprocess.run([sys.executable, GEN, "--rows", "400", "--format", fmt, "--out", out], check=True,
                       stdout=subprocess.DEVNULL)
        return json.load(open(os.path.join(out, "manifest.json")))

    def test_adyen_has_every_settled_line_and_balanced_batches(self):
        import csv
        from decimal import Decimal
        with tempfile.TemporaryDirectory() as out:
            manifest = self.generate("adyen", out)
            rows = list(csv.DictReader(open(os.path.join(out, manifest["settlement_file"]))))
        transactions = [r for r in rows if r["Type"] in ("Settled", "Refunded", "Chargeback")]
        self.assertEqual(len(transactions), manifest["settlement_transactions"])
        # Tally's control: per currency, the net of the rows equals what the payouts sent
        for currency in {r["Net Currency"] for r in rows}:
            def net(payout):
                return sum(Decimal(r["Net Credit (NC)"] or 0) - Decimal(r["Net Debit (NC)"] or 0) for r in rows
                           if r["Net Currency"] == currency and (r["Type"] == "MerchantPayout") == payout)
            self.assertEqual(net(False), -net(True), currency)

    def test_camt053_has_an_entry_per_line_and_no_chargeback(self):
        with tempfile.TemporaryDirectory() as out:
            manifest = self.generate("camt053", out)
            text = open(os.path.join(out, manifest["settlement_file"])).read()
            truth = json.load(open(os.path.join(out, "truth.json")))
        self.assertEqual(text.count("<Ntry>"), manifest["settlement_transactions"])
        self.assertEqual(text.count("<TxDtls>"), manifest["settlement_transactions"])
        self.assertFalse([b for b in truth["breaks"] if b["kind"] == "chargeback"])

    def test_empty_files_have_nothing_to_reconcile(self):
        with tempfile.TemporaryDirectory() as out:
            for fmt in ("stripe", "adyen", "camt053"):
                path = os.path.join(out, "empty." + fmt)
                subprocess.run([sys.executable, GEN, "--format", fmt, "--empty", path], check=True)
                text = open(path).read()
                self.assertNotIn("<Ntry>", text)
                if fmt != "camt053":
                    self.assertEqual(text.count("\n"), 1, fmt)  # the header alone


if __name__ == "__main__":
    unittest.main()
