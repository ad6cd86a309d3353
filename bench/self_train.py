#!/usr/bin/env python3
"""Self-training (`classify train --self-train`) measured: issue 21, item 3.

usage: CLASSIFY=path/to/classify python3 bench/self_train.py shipped [--rounds 3] [--cap 0.5]
       CLASSIFY=path/to/classify python3 bench/self_train.py cv [--folds 5] [--rounds 1]

`shipped`: trains the shipped setup (`datasets/corpus.csv`, `--alpha 0.25 --representations
models/representations.bin`) without self-training and with 1..ROUNDS rounds over
`../shared/corpus/unlabelled` (the OPP-115 policies' companies left out with
`--self-train-exclude`), and scores each on `../shared/opp115/sentences.csv` (sentence, segment,
document micro-F1 and sentence macro-F1).

`cv`: grouped K-fold CV on `../shared/opp115/sentences.csv` with the product's own folds
(`evaluate --cv K --folds-out`, which also gives the figures without self-training); in each
fold the model is trained on the other folds with self-training over the unlabelled corpus
(the test fold's companies left out) and scored on the fold. Prints the mean ± sd over folds.

Nothing is written to the repository: models and fold files live in a temporary folder.
"""
import argparse, csv, json, os, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.join(REPO, '..', 'shared')
BIN = os.environ.get('CLASSIFY', os.path.join(REPO, 'target', 'release', 'classify'))
TEST = os.path.join(SHARED, 'opp115', 'sentences.csv')
UNLABELLED = os.path.join(SHARED, 'corpus', 'unlabelled')
SHIPPED = ['--alpha', '0.25', '--representations', os.path.join(REPO, 'models', 'representations.bin')]
csv.field_size_limit(10**9)


def run(args):
    return subprocess.run([BIN] + args, capture_output=True, text=True, check=True).stdout


def scores(model, data):
    d = json.loads(run(['evaluate', '--data', data, '--model', model, '-f', 'json']))
    return (d['sentence']['micro_f1'], d.get('segment', {}).get('micro_f1', float('nan')),
            d['document']['micro_f1'], d['sentence']['macro_f1'])


def train(data, model, rounds, cap, exclude, flags):
    t = time.time()
    args = ['train', '--model', model] + flags
    for d in data:
        args += ['--data', d]
    if rounds:
        args += ['--self-train', UNLABELLED, '--self-train-rounds', str(rounds),
                 '--self-train-cap', str(cap), '--self-train-exclude', exclude]
    out = run(args)
    added = next((l for l in out.splitlines() if 'added (of confident)' in l), '')
    return time.time() - t, ' '.join(added.split('|')[4:]).split()


def shipped(a, tmp):
    corpus = os.path.join(REPO, 'datasets', 'corpus.csv')
    print('rounds | sentence micro | segment micro | document micro | sentence macro | added (confident) | train s')
    for r in range(0, a.rounds + 1):
        m = os.path.join(tmp, f'r{r}.model')
        took, added = train([corpus], m, r, a.cap, TEST, SHIPPED)
        s = scores(m, TEST)
        print(f"{r} | {s[0]:.4f} | {s[1]:.4f} | {s[2]:.4f} | {s[3]:.4f} | {' '.join(added)} | {took:.0f}",
              flush=True)


def cv(a, tmp):
    folds_file = os.path.join(tmp, 'folds.csv')
    base = json.loads(run(['evaluate', '--data', TEST, '--cv', str(a.folds), '-f', 'json',
                           '--folds-out', folds_file] + a.flags.split()))
    for level in ('sentence', 'segment', 'document'):
        if level in base:
            m = base[level]['micro_f1']
            print(f"without self-training (evaluate --cv), {level} micro: {m['mean']:.4f} ± {m['std']:.4f}")
    m = base['sentence']['macro_f1']
    print(f"without self-training (evaluate --cv), sentence macro: {m['mean']:.4f} ± {m['std']:.4f}", flush=True)
    fold = [int(r['fold']) for r in csv.DictReader(open(folds_file))]
    rows = list(csv.reader(open(TEST, newline='')))
    header, body = rows[0], rows[1:]
    assert len(body) == len(fold), (len(body), len(fold))
    for cap in a.caps:
        cv_folds(a, tmp, cap, header, body, fold)


def cv_folds(a, tmp, cap, header, body, fold):
    per = []
    for f in range(a.folds):
        tr, te = os.path.join(tmp, f'train{f}.csv'), os.path.join(tmp, f'test{f}.csv')
        for path, keep in ((tr, lambda x: x != f), (te, lambda x: x == f)):
            with open(path, 'w', newline='') as out:
                w = csv.writer(out)
                w.writerow(header)
                w.writerows(r for r, k in zip(body, fold) if keep(k))
        m = os.path.join(tmp, f'fold{f}.model')
        took, added = train([tr], m, a.rounds, cap, te, a.flags.split())
        s = scores(m, te)
        per.append(s)
        print(f"cap {cap}, fold {f}: sentence {s[0]:.4f} segment {s[1]:.4f} document {s[2]:.4f} macro {s[3]:.4f}; "
              f"added {' '.join(added)}; {took:.0f} s", flush=True)
    for i, name in enumerate(['sentence micro', 'segment micro', 'document micro', 'sentence macro']):
        v = [p[i] for p in per]
        print(f"self-trained (cap {cap}, {a.rounds} round(s)), {name}: {statistics.mean(v):.4f} ± {statistics.stdev(v):.4f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['shipped', 'cv'])
    ap.add_argument('--rounds', type=int, default=None)
    ap.add_argument('--cap', type=float, default=0.5)
    ap.add_argument('--folds', type=int, default=5)
    ap.add_argument('--caps', type=lambda x: [float(c) for c in x.split(',')], default=[0.5],
                    help='cv: the caps to measure, comma-separated')
    ap.add_argument('--flags', default='--representations ' + os.path.join(REPO, 'models', 'representations.bin'))
    a = ap.parse_args()
    if a.rounds is None:
        a.rounds = 3 if a.mode == 'shipped' else 1
    for p in (TEST, UNLABELLED):
        if not os.path.exists(p):
            sys.exit(f'{p} is missing: this benchmark needs ../shared beside the checkout')
    with tempfile.TemporaryDirectory() as tmp:
        (shipped if a.mode == 'shipped' else cv)(a, tmp)


if __name__ == '__main__':
    main()
