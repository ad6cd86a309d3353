#!/usr/bin/env python3
"""Grouped K-fold accuracy: ours (several settings) vs the scikit-learn peer, same folds, same run.

usage: python3 bench/accuracy.py [--data CSV] [--level sentence|segment] [--folds K]
                                 [--configs NAME=FLAGS ...] [--json OUT] [--attributes]
       python3 bench/accuracy.py --train CSV --test CSV [--model PATH]   (hold-out mode)

Our numbers come from `classify evaluate --cv K` (everything tuned inside the training
folds); the fold of every row is written with --folds-out and reused for the peer
(../shared/bench/sklearn_peer.py: train on the other folds, predict the held-out fold).
Metrics at row, segment (union over policy_id+segment_id) and document (union over
policy_id) level; mean ± std over folds. Prints a Markdown table.

With --attributes (data with an `attributes` column, e.g. ../shared/opp115/sentences_attributes.csv)
the table is of the attribute values pooled over the core families (Personal Information Type,
Purpose, Third Party Entity, Choice Type, Access Type, Retention Period, Security Measure,
Audience Type, and Does/Does Not scored on `Does Not` only): ours from `evaluate --cv`'s
attribute table, the peer trained on the `attributes` column as its labels, same folds.
"""
import argparse, csv, json, os, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.join(REPO, '..', 'shared')
BIN = os.environ.get('CLASSIFY', os.path.join(REPO, 'target', 'release', 'classify'))
PEER = os.path.join(SHARED, 'bench', 'sklearn_peer.py')
csv.field_size_limit(10**9)


def labels(s):
    return frozenset(x for x in (s or '').split(';') if x)


def prf(gold, pred, names):
    tp = fp = fn = 0
    per = []
    for c in names:
        t = sum(1 for g, p in zip(gold, pred) if c in g and c in p)
        np_ = sum(1 for p in pred if c in p)
        ns = sum(1 for g in gold if c in g)
        per.append((2 * t / (np_ + ns)) if np_ + ns else 0.0)
        if ns:
            pass
        tp += t; fp += np_ - t; fn += ns - t
    micro = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    supported = [f for f, c in zip(per, names) if any(c in g for g in gold)]
    return micro, sum(supported) / len(supported) if supported else 0.0


def union(keys, sets):
    out = {}
    for k, s in zip(keys, sets):
        out[k] = out.get(k, frozenset()) | s
    return out


def levels(rows, gold, pred, names):
    res = {'row': prf(gold, pred, names)}
    if all(r.get('policy_id') for r in rows):
        if all(r.get('segment_id') not in (None, '') for r in rows):
            keys = [(r['policy_id'], r['segment_id']) for r in rows]
            g, p = union(keys, gold), union(keys, pred)
            ks = list(g)
            res['segment'] = prf([g[k] for k in ks], [p[k] for k in ks], names)
        keys = [r['policy_id'] for r in rows]
        g, p = union(keys, gold), union(keys, pred)
        ks = list(g)
        res['document'] = prf([g[k] for k in ks], [p[k] for k in ks], names)
    return res


CORE = ["Personal Information Type", "Purpose", "Third Party Entity", "Choice Type", "Access Type",
        "Retention Period", "Security Measure", "Audience Type", "Does/Does Not"]


def core(v):
    f = v.split(':')[0]
    return f in CORE and (f != 'Does/Does Not' or v == 'Does/Does Not: Does Not')


def ours(data, k, flags, folds_out, attributes=False):
    t0 = time.time()
    out = subprocess.run([BIN, 'evaluate', '--cv', str(k), '--data', data, '-f', 'json', '--folds-out', folds_out] + flags,
                         check=True, capture_output=True, text=True).stdout
    took = time.time() - t0
    r = json.loads(out)
    if attributes:
        c = next(x for x in r['attributes'] if x['name'] == 'core families')
        res = {lv: c[key] for lv, key in (('row', 'sentence'), ('segment', 'segment'), ('document', 'document')) if c.get(key)}
        return {lv: ((v[0]['mean'], v[0]['std']), (v[1]['mean'], v[1]['std'])) for lv, v in res.items()}, took
    res = {'row': r['sentence']}
    if r.get('segment'):
        res['segment'] = r['segment']
    if r.get('document'):
        res['document'] = r['document']
    return {lv: ((v['micro_f1']['mean'], v['micro_f1']['std']), (v['macro_f1']['mean'], v['macro_f1']['std'])) for lv, v in res.items()}, took


def peer(data, folds_file, k, attributes=False):
    rows = list(csv.DictReader(open(data, encoding='utf-8')))
    col = 'attributes' if attributes else 'labels'
    fold = [int(r['fold']) for r in csv.DictReader(open(folds_file))]
    names = sorted({c for r in rows for c in labels(r[col]) if not attributes or core(c)})
    per_fold = []
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, OPENBLAS_NUM_THREADS='1')
        for f in range(k):
            tr = [r for r, x in zip(rows, fold) if x != f]
            te = [r for r, x in zip(rows, fold) if x == f]
            for name, part in (('train.csv', tr), ('test.csv', te)):
                with open(os.path.join(tmp, name), 'w', newline='', encoding='utf-8') as fh:
                    w = csv.writer(fh)
                    w.writerow(['text', 'labels'])
                    for r in part:
                        w.writerow([r['text'], r[col]])
            subprocess.run([sys.executable, PEER, 'train', os.path.join(tmp, 'train.csv'), os.path.join(tmp, 'm.pkl')], check=True, env=env)
            subprocess.run([sys.executable, PEER, 'predict', os.path.join(tmp, 'm.pkl'), os.path.join(tmp, 'test.csv'), os.path.join(tmp, 'p.csv')], check=True, env=env)
            pred = [labels(r['predicted']) for r in csv.DictReader(open(os.path.join(tmp, 'p.csv'), encoding='utf-8'))]
            gold = [labels(r[col]) for r in te]
            if attributes:
                pred = [frozenset(x for x in p if core(x)) for p in pred]
                gold = [frozenset(x for x in g if core(x)) for g in gold]
            per_fold.append(levels(te, gold, pred, names))
    took = time.time() - t0
    out = {}
    for lv in per_fold[0]:
        mi = [p[lv][0] for p in per_fold]
        ma = [p[lv][1] for p in per_fold]
        out[lv] = ((statistics.mean(mi), statistics.pstdev(mi)), (statistics.mean(ma), statistics.pstdev(ma)))
    return out, took


def holdout(train, test, model):
    """Ours: `model` (trained on `train` by classify train) scored with classify evaluate;
    peer: trained on `train`, predicts `test`; both scored at every level on `test`."""
    out = subprocess.run([BIN, 'evaluate', '--model', model, '--data', test, '-f', 'json'],
                         check=True, capture_output=True, text=True).stdout
    r = json.loads(out)
    ours = {'sentence': r['sentence'], 'segment': r.get('segment'), 'document': r.get('document')}
    rows = list(csv.DictReader(open(test, encoding='utf-8')))
    names = sorted({c for r in rows for c in labels(r['labels'])})
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, OPENBLAS_NUM_THREADS='1')
        subprocess.run([sys.executable, PEER, 'train', train, os.path.join(tmp, 'm.pkl')], check=True, env=env)
        subprocess.run([sys.executable, PEER, 'predict', os.path.join(tmp, 'm.pkl'), test, os.path.join(tmp, 'p.csv')], check=True, env=env)
        pred = [labels(r['predicted']) for r in csv.DictReader(open(os.path.join(tmp, 'p.csv'), encoding='utf-8'))]
    peer_res = levels(rows, [labels(r['labels']) for r in rows], pred, names)
    print(f"\ntrained on {os.path.relpath(train, REPO)}, scored on {os.path.relpath(test, REPO)}\n")
    print("| level | ours micro-F1 | ours macro-F1 | peer micro-F1 | peer macro-F1 |")
    print("|---|---|---|---|---|")
    for lv, plv in (('sentence', 'row'), ('segment', 'segment'), ('document', 'document')):
        if ours.get(lv) and plv in peer_res:
            o = ours[lv]
            print(f"| {lv} | {o['micro_f1']:.3f} | {o['macro_f1']:.3f} | {peer_res[plv][0]:.3f} | {peer_res[plv][1]:.3f} |")
    print("\nper label, sentence level (ours F1 / support):")
    for l in r['sentence']['per_label']:
        print(f"- {l['label']}: {l['f1']:.3f} (P {l['precision']:.3f}, R {l['recall']:.3f}, support {l['support']})")


def cell(v):
    return f"{v[0]:.3f} ± {v[1]:.3f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.path.join(SHARED, 'opp115', 'sentences.csv'))
    ap.add_argument('--level', default='sentence', choices=['sentence', 'segment'])
    ap.add_argument('--folds', type=int, default=5)
    ap.add_argument('--configs', nargs='*', default=['default='])
    ap.add_argument('--json')
    ap.add_argument('--train')
    ap.add_argument('--test')
    ap.add_argument('--model')
    ap.add_argument('--attributes', action='store_true')
    a = ap.parse_args()
    if a.train and a.test:
        return holdout(a.train, a.test, a.model or os.path.join(REPO, 'models', 'default.model'))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folds_file = os.path.join(tmp, 'folds.csv')
        for c in a.configs:
            name, _, flags = c.partition('=')
            fl = flags.split() + (['--level', 'segment'] if a.level == 'segment' else [])
            res, took = ours(a.data, a.folds, fl, folds_file, a.attributes)
            results.append((f"ours: {name}", res, took))
            print(f"done {name} in {took:.0f} s", file=sys.stderr)
        pres, ptook = peer(a.data, folds_file, a.folds, a.attributes)
        results.append(("peer: sklearn_peer.py", pres, ptook))
    lvls = [lv for lv in ('row', 'segment', 'document') if lv in results[0][1]]
    rowname = 'sentence' if a.level == 'sentence' else 'segment (rows)'
    hdr = ['setting'] + [f"{rowname if lv == 'row' else lv} micro-F1" for lv in lvls] + [f"{rowname if lv == 'row' else lv} macro-F1" for lv in lvls] + ['wall s']
    what = "attribute values, core families pooled" if a.attributes else "categories"
    print(f"\n{a.folds}-fold CV grouped by policy on {os.path.relpath(a.data, REPO)} ({what}); mean ± std over folds; same folds for all rows\n")
    print('| ' + ' | '.join(hdr) + ' |')
    print('|' + '---|' * len(hdr))
    for name, res, took in results:
        print('| ' + ' | '.join([name] + [cell(res[lv][0]) for lv in lvls] + [cell(res[lv][1]) for lv in lvls] + [f"{took:.0f}"]) + ' |')
    if a.json:
        json.dump([{'setting': n, 'levels': r, 'seconds': t} for n, r, t in results], open(a.json, 'w'), indent=1)


if __name__ == '__main__':
    main()
