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


if __name__ == "__main__":
    unittest.main()
