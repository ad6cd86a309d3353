#!/usr/bin/env python3
"""The seeds wrapped in page chrome, as tests/it/html_input.rs builds them, for comparing
main-content extractors (docs/reliability.md, "HTML pages"). Reads ../shared/seeds at run time
and writes the pages outside the repository; never commit them.

    python3 bench/html_seeds.py write OUTDIR            # OUTDIR/seedN.html
    python3 bench/html_seeds.py score CLASSIFY PAGES    # PAGES/seedN.html against the seeds

score: a seed sentence (predict on the seed's .txt) is kept when a page sentence contains it
(whitespace normalised); a chrome string leaks as in bench/html_chrome.py. Layout N % 3: 0 =
<main>, 1 = <article> with a sidebar, 2 = CMS divs; a copyright line is not counted in layout 2
(chrome by rule there, as in the test).
"""
import csv, html, io, re, subprocess, sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared/seeds"
BANNER = ('<div id="cookie-consent" class="cc-banner"><p>Zephyrine uses cookies to remember your '
          'settings.</p><button>Accept all</button><a href="#">Cookie settings</a></div>')
HEADER = ('<header><a href="/">Zephyrine Outfitters</a><nav><ul><li><a href="/a">Tents</a></li>'
          '<li><a href="/b">Stoves</a></li><li><a href="/c">Rope</a></li></ul></nav></header>'
          '<ol class="breadcrumb"><li><a href="/">Home</a></li><li>Legal</li></ol>')
SIDE = ('<aside><h3>Gear guides</h3><p>Packing lists for a week on the fells.</p></aside>'
        '<form class="newsletter"><p>Sign up for Zephyrine trail notes.</p>'
        '<input type="email"><button>Sign up</button></form>')
FOOTER = ('<footer><ul><li><a href="/t">Terms</a></li><li><a href="/p">Privacy</a></li>'
          '<li><a href="/j">Careers</a></li></ul><p>© 2026 Zephyrine Outfitters Ltd. All rights '
          'reserved.</p></footer>')
CHROME = ["Zephyrine uses cookies to remember your settings.", "Accept all", "Cookie settings",
          "Zephyrine Outfitters", "Tents", "Stoves", "Rope", "Home", "Legal", "Gear guides",
          "Packing lists for a week on the fells.", "Sign up for Zephyrine trail notes.", "Terms",
          "Privacy", "Careers", "© 2026 Zephyrine Outfitters Ltd. All rights reserved."]
ITEM = re.compile(r"^\s*([-*+]|\d+\.) ")


def markup(md):
    out = []
    for block in md.split("\n\n"):
        para, in_list = [], False
        def flush():
            if para:
                out.append("<p>" + "<br>".join(html.escape(l, quote=False) for l in para) + "</p>")
                para.clear()
        for l in [l for l in block.split("\n") if l.strip()]:
            if l.startswith("> *The following text is extracted"):
                continue
            item = bool(ITEM.match(l))
            if in_list and not item:
                out.append("</ul>"); in_list = False
            if l.startswith("#"):
                flush(); out.append(f"<h2>{html.escape(l.lstrip('#').strip(), quote=False)}</h2>")
            elif item:
                flush()
                if not in_list:
                    out.append("<ul>"); in_list = True
                t = l.lstrip(); t = t.split(" ", 1)[1] if " " in t else t
                out.append(f"<li>{html.escape(t, quote=False)}</li>")
            else:
                para.append(l)
        flush()
        if in_list:
            out.append("</ul>")
    return "\n".join(out)


def page(body, layout):
    if layout % 3 == 0:
        body = f"<main><h1>Privacy policy</h1>{body}</main>"
    elif layout % 3 == 1:
        body = f'<div class="page"><article><header><h1>Privacy policy</h1></header>{body}</article>{SIDE}</div>'
    else:
        body = f'<div class="content-area"><div class="entry-content">{body}</div></div>'
    return (f"<!DOCTYPE html><html><head><title>Privacy policy | Zephyrine</title></head><body>"
            f"{BANNER}{HEADER}{body}{SIDE}{FOOTER}</body></html>")


def sentences(classify, path):
    run = subprocess.run([classify, "predict", "--format", "csv", str(path)], capture_output=True, text=True)
    return [" ".join(r["text"].split()) for r in csv.DictReader(io.StringIO(run.stdout))] if run.returncode == 0 else []


def leaks(chrome, sents):
    return [c for c in chrome if any(s == c or (len(c.split()) >= 3 and c in s) for s in sents)]


seeds = sorted(SEEDS.glob("*.txt"))
if sys.argv[1] == "write":
    out = Path(sys.argv[2]); out.mkdir(parents=True, exist_ok=True)
    for i, s in enumerate(seeds):
        (out / f"seed{i}.html").write_text(page(markup(s.read_text()), i))
else:
    classify, pages = sys.argv[2], Path(sys.argv[3])
    tw = tk = tl = tc = 0
    for i, s in enumerate(seeds):
        want = sentences(classify, s)
        got = sentences(classify, pages / f"seed{i}.html")
        want = [w for w in want if not (i % 3 == 2 and (w.startswith("©") or w.startswith("Copyright")))]
        kept = [w for w in want if any(w in g for g in got)]
        chrome = [c for c in CHROME if not leaks([c], want)]
        lk = leaks(chrome, got)
        tw += len(want); tk += len(kept); tl += len(lk); tc += len(chrome)
        print(f"seed{i} layout {i % 3}: kept {len(kept)}/{len(want)}, chrome leaked {len(lk)}/{len(chrome)}")
        for w in [w for w in want if w not in kept][:3]:
            print(f"    lost: {w[:90]}")
    print(f"TOTAL seed sentences kept {tk}/{tw} ({100 * tk / tw:.1f} %), chrome leaked {tl}/{tc}")
