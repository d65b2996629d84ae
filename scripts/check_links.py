#!/usr/bin/env python3
"""Check that every relative link of the repository's markdown resolves.

Checks every link `[text](target)` (and `![alt](target)`, and reference definitions `[x]: target`)
in README.md, docs/*.md, bench/*.md and the README.md of reports/, samples/, fuzz/, deploy/ when present, outside fenced code blocks
and inline code:

- a relative file target must exist, relative to the markdown file that holds it (a target that
  starts with `/` is relative to the repository root);
- a `#anchor`, alone or after a `.md` file, must be produced by a heading of that file (GitHub's
  anchors: lowercase, punctuation dropped, spaces turned into `-`, `-1`, `-2`, ... for repeats) or
  by an explicit `<a name="...">` / `id="..."`;
- targets with a scheme (http, https, mailto, ...) are ignored.

Prints `file:line: broken link target (reason)` for each failure and exits 1 if there is any;
otherwise prints one summary line and exits 0. Standard library only.

    python3 scripts/check_links.py              # the repository this script is in
    python3 scripts/check_links.py --root DIR   # another tree (the self-test uses this)
"""

import argparse
import os
import re
import sys
import urllib.parse

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
LINK = re.compile(
    r"\]\(\s*(<[^>\n]*>|[^()\s]+(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
EXPLICIT_ANCHOR = re.compile(r"""<a\s[^>]*?(?:name|id)\s*=\s*["']([^"']+)["']|\sid\s*=\s*["']([^"']+)["']""")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def markdown_files(root):
    """The files to check, relative to root, in a stable order."""
    files = []
    if os.path.isfile(os.path.join(root, "README.md")):
        files.append("README.md")
    for folder in ("docs", "bench"):
        path = os.path.join(root, folder)
        if os.path.isdir(path):
            files += sorted(os.path.join(folder, name) for name in os.listdir(path)
                            if name.endswith(".md") and os.path.isfile(os.path.join(path, name)))
    for folder in ("reports", "samples", "fuzz", "deploy"):
        if os.path.isfile(os.path.join(root, folder, "README.md")):
            files.append(os.path.join(folder, "README.md"))
    return files


def prose_lines(text):
    """(line number, line) of every line outside fenced code blocks, and the fenced-ness per line."""
    fence = None
    for number, line in enumerate(text.splitlines(), start=1):
        match = FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
                continue
            yield number, line
        elif match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                and line.strip() == match.group(1):
            fence = None


def heading_text_to_anchor(text):
    """GitHub's anchor of a heading's text."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)      # links and images: their text
    text = re.sub(r"<[^>]+>", "", text)                          # inline HTML tags
    text = text.replace("`", "")
    text = re.sub(r"(\*\*|__|\*|~~)", "", text)                  # emphasis markers
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)                         # punctuation (Unicode letters stay)
    return text.replace(" ", "-")


def anchors_of(text):
    """Every anchor a markdown text defines."""
    anchors = set()
    seen = {}
    previous = None
    for _, line in prose_lines(text):
        heading = None
        atx = ATX.match(line)
        if atx:
            heading = atx.group(2) or ""
        elif previous is not None and previous.strip() and SETEXT.match(line) \
                and not previous.lstrip().startswith(("|", "-", "*", "+", ">")) and not ATX.match(previous):
            heading = previous.strip()
        if heading is not None:
            base = heading_text_to_anchor(heading)
            count = seen.get(base, 0)
            seen[base] = count + 1
            anchors.add(base if count == 0 else f"{base}-{count}")
        for match in EXPLICIT_ANCHOR.finditer(line):
            anchors.add(match.group(1) or match.group(2))
        previous = line
    return anchors


def links_of(text):
    """(line number, target) of every link outside code."""
    for number, line in prose_lines(text):
        prose = INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)
        for match in LINK.finditer(prose):
            yield number, match.group(1)
        definition = DEFINITION.match(prose)
        if definition:
            yield number, definition.group(1)


def check(root):
    """Returns (broken, links, files): broken is a list of (file, line, target, reason)."""
    anchor_cache = {}

    def anchors(path):
        if path not in anchor_cache:
            with open(path, encoding="utf-8") as handle:
                anchor_cache[path] = anchors_of(handle.read())
        return anchor_cache[path]

    broken = []
    count = 0
    files = markdown_files(root)
    for name in files:
        source = os.path.join(root, name)
        with open(source, encoding="utf-8") as handle:
            text = handle.read()
        for line, raw in links_of(text):
            target = raw[1:-1] if raw.startswith("<") and raw.endswith(">") else raw
            if SCHEME.match(target):
                continue
            count += 1
            path_part, _, anchor = target.partition("#")
            path_part = urllib.parse.unquote(path_part)
            if path_part:
                if path_part.startswith("/"):
                    resolved = os.path.normpath(os.path.join(root, path_part.lstrip("/")))
                else:
                    resolved = os.path.normpath(os.path.join(os.path.dirname(source), path_part))
                if not os.path.exists(resolved):
                    broken.append((name, line, target, "no such file"))
                    continue
            else:
                resolved = source
            if anchor and resolved.endswith(".md") and os.path.isfile(resolved):
                if urllib.parse.unquote(anchor).lower() not in anchors(resolved):
                    broken.append((name, line, target, "no heading makes this anchor"))
    return broken, count, files


def main(argv=None):
    parser = argparse.ArgumentParser(description="Check the relative links of the repository's markdown.")
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        help="the repository root (default: the parent of this script's folder)")
    args = parser.parse_args(argv)
    broken, count, files = check(args.root)
    for name, line, target, reason in broken:
        print(f"{name}:{line}: broken link {target} ({reason})")
    if broken:
        print(f"check_links: {len(broken)} broken of {count} relative links in {len(files)} files", file=sys.stderr)
        return 1
    print(f"check_links: {count} relative links in {len(files)} files, all resolve")
    return 0


if __name__ == "__main__":
    sys.exit(main())
