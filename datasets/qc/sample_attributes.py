#!/usr/bin/env python3
"""Draw the attribute second-pass sample (writes datasets/qc/attributes_input.csv).

usage: python3 datasets/qc/sample_attributes.py
Eligible rows of datasets/corpus.csv are those whose categories need attributes (any category
other than Other, Policy Change and Do Not Track). 600 of them are drawn with random.Random(19),
allocated to policies in proportion to their eligible rows (largest remainder, ties broken by
policy id), then drawn uniformly inside each policy. The output has the row (0-based data row of
corpus.csv), policy_id, segment_id, labels, text and `context` (the other sentences of the same
segment, joined by " | "); it never contains attributes.
"""
import csv, os, random
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
N, SEED = 600, 19
NO_ATTR = {'Other', 'Policy Change', 'Do Not Track'}


def main():
    rows = list(csv.DictReader(open(os.path.join(HERE, '..', 'corpus.csv'), encoding='utf-8')))
    seg = defaultdict(list)
    for i, r in enumerate(rows):
        seg[(r['policy_id'], r['segment_id'])].append(i)
    by_pol = defaultdict(list)
    for i, r in enumerate(rows):
        if {x for x in r['labels'].split(';') if x} - NO_ATTR:
            by_pol[r['policy_id']].append(i)
    total = sum(len(v) for v in by_pol.values())
    quota = {p: N * len(v) / total for p, v in by_pol.items()}
    alloc = {p: int(q) for p, q in quota.items()}
    rest = N - sum(alloc.values())
    for p in sorted(quota, key=lambda p: (-(quota[p] - alloc[p]), p))[:rest]:
        alloc[p] += 1
    rng = random.Random(SEED)
    picked = []
    for p in sorted(by_pol):
        picked += rng.sample(by_pol[p], alloc[p])
    picked.sort()
    with open(os.path.join(HERE, 'attributes_input.csv'), 'w', encoding='utf-8', newline='') as f:
        w = csv.writer(f)
        w.writerow(['row', 'policy_id', 'segment_id', 'labels', 'text', 'context'])
        for i in picked:
            r = rows[i]
            ctx = ' | '.join(rows[j]['text'] for j in seg[(r['policy_id'], r['segment_id'])] if j != i)
            w.writerow([i, r['policy_id'], r['segment_id'], r['labels'], r['text'], ctx])
    print(f"{len(picked)} of {total} eligible rows from {len(by_pol)} policies -> attributes_input.csv")


if __name__ == '__main__':
    main()
