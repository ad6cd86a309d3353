#!/usr/bin/env python3
"""Scores main-content extraction on the HTML fixtures (docs/reliability.md, "HTML pages").

    python3 bench/html_chrome.py CLASSIFY [PAGES_DIR]

Runs `CLASSIFY predict --format csv` on every PAGES_DIR/NAME.html (default: the fixtures,
tests/fixtures/html) and checks its sentences against tests/fixtures/html/NAME.expected.txt:
body recall (each [body] line must be a sentence) and chrome leaked (a [chrome] line that a
sentence equals, or, for lines of three words or more, contains) -- the same rule as
tests/it/html_input.rs. PAGES_DIR lets a candidate extractor's output pages be scored.
"""
import csv, io, subprocess, sys
from pathlib import Path

FIX = Path(__file__).resolve().parent.parent / "tests/fixtures/html"


def expected(name):
    sec, out = None, {"body": [], "chrome": []}
    for line in (FIX / f"{name}.expected.txt").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line in ("[body]", "[chrome]"):
            sec = line[1:-1]
            continue
        out[sec].append(line)
    return out


def leaked(chrome, sentences):
    long = len(chrome.split()) >= 3
    return any(s == chrome or (long and chrome in s) for s in sentences)


def main():
    classify = sys.argv[1]
    pages = Path(sys.argv[2]) if len(sys.argv) > 2 else FIX
    tb = tf = tl = tc = 0
    for page in sorted(FIX.glob("*.html")):
        name = page.stem
        exp = expected(name)
        run = subprocess.run([classify, "predict", "--format", "csv", str(pages / page.name)],
                             capture_output=True, text=True)
        sents = [r["text"] for r in csv.DictReader(io.StringIO(run.stdout))] if run.returncode == 0 else []
        missing = [b for b in exp["body"] if b not in sents]
        leaks = [c for c in exp["chrome"] if leaked(c, sents)]
        tb += len(exp["body"]); tf += len(exp["body"]) - len(missing)
        tl += len(leaks); tc += len(exp["chrome"])
        print(f"{name:22} body {len(exp['body']) - len(missing):2}/{len(exp['body']):2}  "
              f"chrome leaked {len(leaks):2}/{len(exp['chrome']):2}  sentences {len(sents)}")
        for m in missing:
            print(f"    missing: {m}")
        for l in leaks:
            print(f"    leaked:  {l}")
    print(f"TOTAL body recall {tf}/{tb} ({100 * tf / tb:.1f} %), chrome leaked {tl}/{tc}")


main()
