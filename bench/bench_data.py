#!/usr/bin/env python3
"""Data helpers for bench/compare.sh. Everything it writes goes to a temporary directory the
caller names; nothing derived from ../shared is ever written into the repository.

  bench_data.py split    DATA.csv OUTDIR        # policy-grouped halves: OUTDIR/{a,b}.csv
  bench_data.py augment  DATA.csv OUT.csv N      # ~N rows: copies of DATA, copies 1.. perturbed
  bench_data.py score    GOLD.csv PRED.csv [GOLD.csv PRED.csv ...]
                                                 # pooled micro/macro F1, one line
  bench_data.py sentences FILES.csv              # sum of the `sentences` column (classify report)
  bench_data.py summarise RESULTS.tsv RUNS       # the Markdown tables of compare.sh

split: a policy goes to half `a` when the first byte of md5(policy_id) is even, else to `b`;
every row of a policy stays in one half, so no policy is both trained and tested on.
augment: copy k > 0 of each row drops ~10 % of its words, swaps one adjacent pair (p = 0.5)
and repeats one word (p = 0.2), with a fixed seed; its policy_id gets the suffix `~k` so the
grouped threshold folds still keep related rows together.
score: labels are the union of the gold labels; predictions of other names are ignored.
"""
import csv
import hashlib
import json
import random
import statistics
import sys

csv.field_size_limit(10**9)


def read_rows(path):
    with open(path, newline='', encoding='utf-8') as f:
        r = csv.DictReader(f)
        return r.fieldnames, list(r)


def write_rows(path, fields, rows):
    with open(path, 'w', newline='', encoding='utf-8') as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def split(data, outdir):
    fields, rows = read_rows(data)
    halves = {0: [], 1: []}
    for r in rows:
        halves[hashlib.md5(r['policy_id'].encode()).digest()[0] % 2].append(r)
    for k, name in ((0, 'a'), (1, 'b')):
        write_rows(f'{outdir}/{name}.csv', fields, halves[k])
    print(json.dumps({'a_rows': len(halves[0]), 'b_rows': len(halves[1])}))


def perturb(text, rng):
    words = text.split()
    if len(words) < 2:
        return text
    kept = [w for w in words if rng.random() >= 0.1] or words[:1]
    if len(kept) >= 2 and rng.random() < 0.5:
        i = rng.randrange(len(kept) - 1)
        kept[i], kept[i + 1] = kept[i + 1], kept[i]
    if rng.random() < 0.2:
        i = rng.randrange(len(kept))
        kept.insert(i, kept[i])
    return ' '.join(kept)


def augment(data, out, n):
    fields, rows = read_rows(data)
    copies = max(1, -(-n // len(rows)))
    rng = random.Random(115)
    result = []
    for k in range(copies):
        for r in rows:
            r2 = dict(r)
            if k > 0:
                r2['text'] = perturb(r['text'], rng)
                r2['policy_id'] = f"{r['policy_id']}~{k}"
            result.append(r2)
    write_rows(out, fields, result)
    print(json.dumps({'rows': len(result), 'copies': copies}))


def labelset(s):
    return {x for x in (s or '').split(';') if x}


def score(pairs):
    gold_all, pred_all = [], []
    for gold_path, pred_path in pairs:
        _, gold = read_rows(gold_path)
        _, pred = read_rows(pred_path)
        if len(gold) != len(pred):
            sys.exit(f'{pred_path}: {len(pred)} predictions for {len(gold)} gold rows')
        gold_all += [labelset(r['labels']) for r in gold]
        pred_all += [labelset(r['predicted']) for r in pred]
    labels = sorted(set().union(*gold_all))
    tp = {l: 0 for l in labels}
    fp = dict(tp)
    fn = dict(tp)
    for g, p in zip(gold_all, pred_all):
        for l in labels:
            tp[l] += (l in g) and (l in p)
            fp[l] += (l not in g) and (l in p)
            fn[l] += (l in g) and (l not in p)

    def f1(t, p_, n_):
        return 2 * t / (2 * t + p_ + n_) if t + p_ + n_ else 0.0

    micro = f1(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    macro = statistics.mean(f1(tp[l], fp[l], fn[l]) for l in labels)
    print(f'micro-F1 {micro:.3f}, macro-F1 {macro:.3f} ({len(gold_all)} held-out rows)')


def sentences(files_csv):
    _, rows = read_rows(files_csv)
    print(sum(int(r['sentences'] or 0) for r in rows if r.get('status') == 'tagged'))


def fmt_s(x):
    return f'{x:.2f} s' if x < 100 else f'{x:.0f} s'


def fmt_mib(kb):
    return f'{kb / 1024:.0f} MiB'


def summarise(path, runs):
    """RESULTS.tsv lines: kind, key, value... (see compare.sh)."""
    times, rss, cpu, info, pairs, notes, killed = {}, {}, {}, {}, [], [], {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            parts = line.rstrip('\n').split('\t')
            if parts[0] == 'time':
                times.setdefault(parts[1], []).append(float(parts[2]))
                rss.setdefault(parts[1], []).append(int(parts[3]))
                if len(parts) > 4:
                    cpu.setdefault(parts[1], []).append(float(parts[4]))
            elif parts[0] == 'killed':
                killed[parts[1]] = (float(parts[2]), int(parts[3]))
            elif parts[0] == 'info':
                info[parts[1]] = parts[2]
            elif parts[0] == 'pair':
                pairs.append(parts[1:])
            elif parts[0] == 'note':
                notes.append(parts[1])

    def med(key):
        return statistics.median(times[key]) if key in times else None

    def mrss(key):
        if key in rss:
            return max(rss[key])
        return killed[key][1] if key in killed else None

    def cell(key, value, extra):
        if value is not None:
            return fmt_s(value) + extra
        if key in killed:
            return f'killed after {killed[key][0]:.0f} s'
        return '—'

    out = []
    def mcpu(key):
        return f'{statistics.median(cpu[key]):.1f} s' if key in cpu else '—'

    out.append(f'Medians of {runs} alternating rounds (a round runs each command once, or as '
               'many times as the "samples" line says): wall time of the whole process (the ratio '
               'is of wall times), CPU time (user + system, all threads), and peak RSS (the '
               'largest of the runs).')
    out.append('')
    out.append('| measurement | ours | peer | ours / peer | ours CPU | peer CPU '
               '| ours peak RSS | peer peak RSS |')
    out.append('|---|---|---|---|---|---|---|---|')
    for title, ours, peer, extra in pairs:
        o, p = med(ours), med(peer) if peer != '-' else None
        ratio = f'{o / p:.3f}×' if o is not None and p else '—'
        extra_o = extra_p = ''
        if extra:
            # extra = "N_OURS|N_PEER" sentence counts → throughput
            no, np_ = (int(x) if x else 0 for x in extra.split('|'))
            if o and no:
                extra_o = f' ({no / o:,.0f} sent/s)'
            if p and np_:
                extra_p = f' ({np_ / p:,.0f} sent/s)'
        if o is None and p and ours in killed:
            ratio = f'> {killed[ours][0] / p:.1f}×'
        out.append(
            f"| {title} | {cell(ours, o, extra_o)} | {cell(peer, p, extra_p)} | {ratio} | "
            f"{mcpu(ours)} | {mcpu(peer) if peer != '-' else '—'} | "
            f"{fmt_mib(mrss(ours)) if mrss(ours) else '—'} | "
            f"{fmt_mib(mrss(peer)) if peer != '-' and mrss(peer) else '—'} |")
    out.append('')
    if info:
        out.append('| figure | value |')
        out.append('|---|---|')
        for k, v in info.items():
            out.append(f'| {k} | {v} |')
        out.append('')
    out.append('<details><summary>every run (s)</summary>')
    out.append('')
    for k, v in times.items():
        out.append(f"- {k}: {', '.join(f'{x:.2f}' for x in v)}")
    out.append('')
    out.append('</details>')
    for n in notes:
        out.append('')
        out.append(n)
    print('\n'.join(out))


if __name__ == '__main__':
    a = sys.argv[1:]
    if a[:1] == ['split'] and len(a) == 3:
        split(a[1], a[2])
    elif a[:1] == ['augment'] and len(a) == 4:
        augment(a[1], a[2], int(a[3]))
    elif a[:1] == ['score'] and len(a) >= 3 and len(a) % 2 == 1:
        score(list(zip(a[1::2], a[2::2])))
    elif a[:1] == ['sentences'] and len(a) == 2:
        sentences(a[1])
    elif a[:1] == ['summarise'] and len(a) == 3:
        summarise(a[1], a[2])
    else:
        sys.exit(__doc__)
