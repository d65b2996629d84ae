#!/usr/bin/env python3
"""Self-test of scripts/check_links.py: a temporary tree with good links and one broken one.

    python3 scripts/test_check_links.py      # exits 0 when the checker behaves
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

CHECKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_links.py")


def write(root, name, text):
    path = os.path.join(root, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


class CheckLinksTests(unittest.TestCase):
    def check(self, readme, status, *expected):
        """Checks a tree whose README.md is `readme`; returns the checker's output."""
        root = tempfile.mkdtemp(prefix="check-links-")
        self.addCleanup(shutil.rmtree, root, True)
        write(root, "README.md", readme)
        write(root, "docs/guide.md", "# Guide\n\n## Options of `tally run`\n\nSee [the top](#guide).\n")
        result = subprocess.run([sys.executable, CHECKER, "--root", root], capture_output=True, text=True)
        output = result.stdout + result.stderr
        self.assertEqual(result.returncode, status, output)
        for text in expected:
            self.assertIn(text, output)
        return output

    def test_a_broken_link_fails_and_is_named(self):
        output = self.check(
            "# Tally\n\n"
            "Good: [guide](docs/guide.md#options-of-tally-run).\n"
            "Broken: [missing](docs/missing.md).\n",
            1, "README.md:4: broken link docs/missing.md")
        self.assertNotIn("docs/guide.md#options-of-tally-run", output)

    def test_a_broken_anchor_fails(self):
        self.check("# Tally\n\n[guide](docs/guide.md#no-such-heading)\n",
                   1, "README.md:3: broken link docs/guide.md#no-such-heading")

    def test_good_links_pass_and_code_and_urls_are_ignored(self):
        self.check(
            "# Tally\n\n"
            "[guide](docs/guide.md) [top](#tally) [web](https://example.com/x.md) [mail](mailto:a@b.c)\n"
            "`[not a link](nowhere.md)`\n\n"
            "```\n[not a link either](nowhere.md)\n```\n",
            0, "all resolve")

if __name__ == "__main__":
    unittest.main()
