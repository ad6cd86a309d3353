#!/usr/bin/env python3
"""Agreement between the corpus labels (first pass) and an independent second pass.

usage: python3 datasets/qc/agreement.py [--round2] [--disagreements] [--resolved]
Reads datasets/qc/second_pass_input.csv (the 560 sampled sentences), first_pass_labels.csv
(the corpus labels at sampling time, before disagreements were resolved) and
second_pass_labels.csv (the independent pass). Prints per-category F1 between the passes and
Cohen's kappa as a Markdown table; with --disagreements, lists every disagreement.
With --resolved, compares the second pass with the current datasets/corpus.csv instead.
With --round2, uses the round-2 files instead (round2_input.csv, round2_first_pass_labels.csv,
round2_second_pass_labels.csv: 480 sentences of the policies written in rounds 5-6).
"""
import csv, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
CATS = ["First Party Collection/Use", "Third Party Sharing/Collection", "User Choice/Control",
        "User Access, Edit and Deletion", "Data Retention", "Data Security", "Policy Change",
        "Do Not Track", "International and Specific Audiences", "Other"]


def labels(s):
    return {x for x in s.split(';') if x}


def main():
    prefix = 'round2_' if '--round2' in sys.argv else ''
    names = (f'{prefix}input.csv', f'{prefix}first_pass_labels.csv', f'{prefix}second_pass_labels.csv') if prefix \
        else ('second_pass_input.csv', 'first_pass_labels.csv', 'second_pass_labels.csv')
    inp = list(csv.DictReader(open(os.path.join(HERE, names[0]), encoding='utf-8')))
    second = {r['row']: labels(r['labels']) for r in csv.DictReader(open(os.path.join(HERE, names[2]), encoding='utf-8'))}
    if '--resolved' in sys.argv:
        corpus = {r['text']: labels(r['labels']) for r in csv.DictReader(open(os.path.join(HERE, '..', 'corpus.csv'), encoding='utf-8'))}
        first = {r['row']: corpus[r['text']] for r in inp}
    else:
        first = {r['row']: labels(r['labels']) for r in csv.DictReader(open(os.path.join(HERE, names[1]), encoding='utf-8'))}
    pairs = [(first[r['row']], second[r['row']], r['text']) for r in inp]
    n = len(pairs)
    print(f"{n} sentences labelled twice; {sum(a == b for a, b, _ in pairs)} with identical label sets "
          f"({100 * sum(a == b for a, b, _ in pairs) / n:.1f}%)\n")
    print("| category | first pass | second pass | both | F1 between passes | Cohen's kappa |")
    print("|---|---|---|---|---|---|")
    tb = ta = tbb = 0
    for c in CATS:
        a = [c in x for x, _, _ in pairs]
        b = [c in y for _, y, _ in pairs]
        both = sum(x and y for x, y in zip(a, b))
        na, nb = sum(a), sum(b)
        f1 = 2 * both / (na + nb) if na + nb else 1.0
        po = sum(x == y for x, y in zip(a, b)) / n
        pa, pb = na / n, nb / n
        pe = pa * pb + (1 - pa) * (1 - pb)
        kappa = (po - pe) / (1 - pe) if pe < 1 else 1.0
        print(f"| {c} | {na} | {nb} | {both} | {f1:.2f} | {kappa:.2f} |")
        tb += both; ta += na; tbb += nb
    print(f"| **micro** | {ta} | {tbb} | {tb} | {2 * tb / (ta + tbb):.2f} | |")
    if '--disagreements' in sys.argv:
        print()
        for a, b, t in pairs:
            if a != b:
                print(f"- {t}\n  first: {'; '.join(sorted(a)) or '(none)'} | second: {'; '.join(sorted(b)) or '(none)'}")


if __name__ == '__main__':
    main()
