#!/usr/bin/env python3
"""Agreement between the first attribute pass and an independent second pass.

usage: python3 datasets/qc/attribute_agreement.py [--disagreements] [--values]
Reads datasets/qc/attributes_input.csv (600 rows drawn by sample_attributes.py among the rows whose
categories bear attributes), attributes_first_pass.csv (the first-pass attributes of those rows,
frozen from the five-annotator pass after the second pass was finished) and
attributes_second_pass.csv (the independent pass). Prints, as Markdown tables, per family and per
value the counts in each pass, the F1 between the passes (symmetric: either pass may be the
reference) and Cohen's kappa (per value, over the 600 rows, value present/absent), plus the pooled
micro-F1 over the nine core families. Does/Does Not is scored on `Does Not` only (the only value
written). A family's figures pool its values (a row x value is one decision). Values absent from
both passes are listed with --values only. With --disagreements, lists every row whose cells differ,
with the items only in the first pass (-) and only in the second (+).
Standard library only.
"""
import csv, os, sys
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
FAMILIES = OrderedDict([
    ('Personal Information Type', ['Computer information', 'Contact', 'Cookies and tracking elements', 'Demographic',
                                   'Financial', 'Generic personal information', 'Health', 'IP address and device IDs',
                                   'Location', 'Personal identifier', 'Social media data', 'Survey data',
                                   'User online activities', 'User profile']),
    ('Purpose', ['Additional service/feature', 'Advertising', 'Analytics/Research', 'Basic service/feature',
                 'Legal requirement', 'Marketing', 'Merger/Acquisition', 'Personalization/Customization',
                 'Service Operation and Security']),
    ('Third Party Entity', ['Named third party', 'Other part of company/affiliate', 'Other users', 'Public',
                            'Unnamed third party']),
    ('Choice Type', ['Browser/device privacy controls', 'Dont use service/feature', 'First-party privacy controls',
                     'Opt-in', 'Opt-out link', 'Opt-out via contacting company', 'Third-party privacy controls']),
    ('Access Type', ['Deactivate account', 'Delete account (full)', 'Delete account (partial)', 'Edit information',
                     'View']),
    ('Retention Period', ['Indefinitely', 'Limited', 'Stated Period']),
    ('Security Measure', ['Data access limitation', 'Generic', 'Privacy review/audit', 'Privacy training',
                          'Privacy/Security program', 'Secure data storage', 'Secure data transfer',
                          'Secure user authentication']),
    ('Audience Type', ['Californians', 'Children', 'Citizens from other countries', 'Europeans']),
    ('Does/Does Not', ['Does Not']),
])
ALL = [f'{fam}: {v}' for fam, vals in FAMILIES.items() for v in vals]


def items(s):
    return {x for x in s.split(';') if x}


def load(name):
    return {r['row']: items(r['attributes']) for r in csv.DictReader(open(os.path.join(HERE, name), encoding='utf-8'))}


def stats(a, b):
    """a, b: lists of booleans (first, second pass). Returns na, nb, both, f1, kappa."""
    n = len(a)
    na, nb = sum(a), sum(b)
    both = sum(x and y for x, y in zip(a, b))
    f1 = 2 * both / (na + nb) if na + nb else float('nan')
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = na / n, nb / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    kappa = (po - pe) / (1 - pe) if pe < 1 else float('nan')
    return na, nb, both, f1, kappa


def fmt(x):
    return '–' if x != x else f'{x:.2f}'


def main():
    inp = list(csv.DictReader(open(os.path.join(HERE, 'attributes_input.csv'), encoding='utf-8')))
    first, second = load('attributes_first_pass.csv'), load('attributes_second_pass.csv')
    rows = [r['row'] for r in inp]
    bad = sorted({x for r in rows for x in first[r] | second[r]} - set(ALL))
    if bad:
        print('values outside the 56 core values:', bad)
    n = len(rows)
    same = sum(first[r] == second[r] for r in rows)
    print(f"{n} rows labelled twice; {same} with identical attribute cells ({100 * same / n:.1f}%); "
          f"empty cells: first pass {sum(not first[r] for r in rows)}, second pass {sum(not second[r] for r in rows)}\n")

    print("| family | first pass | second pass | both | F1 between passes | mean kappa of its values |")
    print("|---|---|---|---|---|---|")
    tot = [0, 0, 0]
    for fam, vals in FAMILIES.items():
        fa = fb = fboth = 0
        kappas = []
        for v in vals:
            it = f'{fam}: {v}'
            na, nb, both, f1, k = stats([it in first[r] for r in rows], [it in second[r] for r in rows])
            fa += na; fb += nb; fboth += both
            if na or nb:
                kappas.append(k)
        f1 = 2 * fboth / (fa + fb) if fa + fb else float('nan')
        mk = sum(kappas) / len(kappas) if kappas else float('nan')
        print(f"| {fam} | {fa} | {fb} | {fboth} | {fmt(f1)} | {fmt(mk)} |")
        tot[0] += fa; tot[1] += fb; tot[2] += fboth
    print(f"| **pooled micro (9 core families)** | {tot[0]} | {tot[1]} | {tot[2]} | "
          f"**{2 * tot[2] / (tot[0] + tot[1]):.2f}** | |")

    print("\n| value | first pass | second pass | both | F1 between passes | Cohen's kappa |")
    print("|---|---|---|---|---|---|")
    for it in ALL:
        na, nb, both, f1, k = stats([it in first[r] for r in rows], [it in second[r] for r in rows])
        if na or nb or '--values' in sys.argv:
            print(f"| {it} | {na} | {nb} | {both} | {fmt(f1)} | {fmt(k)} |")

    if '--disagreements' in sys.argv:
        print()
        for r in inp:
            a, b = first[r['row']], second[r['row']]
            if a != b:
                print(f"- row {r['row']} [{r['labels']}] {r['text']}")
                print(f"  - {'; '.join(sorted(a - b)) or '(nothing)'}  | + {'; '.join(sorted(b - a)) or '(nothing)'}"
                      f"  | both: {'; '.join(sorted(a & b)) or '(nothing)'}")


if __name__ == '__main__':
    main()
