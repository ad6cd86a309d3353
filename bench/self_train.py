#!/usr/bin/env python3
"""Self-training experiment (issue 21, item 3): tag unlabelled real policies with a model, add
the confident sentences as training rows, retrain, score on OPP-115; ROUNDS times.

usage: CLASSIFY=path/to/classify python3 bench/self_train.py [--rounds 3] [--files 1500]
           [--hi 0.9] [--lo 0.05] [--cap 1000] [--flags "--alpha 0.25 --representations models/representations.bin"]

A sentence becomes a row when the model is confident about every label: each label it decides
has P ≥ hi and every other label P ≤ lo (rows with no label: all P ≤ lo). At most `cap` rows
per label (highest P first) and `cap` rows with no label; the model's attribute decisions go in
the `attributes` column. The OPP-115 policies' domains are left out of the unlabelled files (no
test policy is tagged). Pseudo-labelled rows are written to a temporary folder only: real text
never enters the repository.
"""
import argparse, csv, json, os, random, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.join(REPO, '..', 'shared')
BIN = os.environ.get('CLASSIFY', os.path.join(REPO, 'target', 'release', 'classify'))
TEST = os.path.join(SHARED, 'opp115', 'sentences.csv')
csv.field_size_limit(10**9)


def evaluate(model):
    out = subprocess.run([BIN, 'evaluate', '--data', TEST, '--model', model, '-f', 'json'],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def pseudo_rows(model, files, hi, lo, cap):
    out = subprocess.run([BIN, 'predict', '-f', 'jsonl', '--model', model] + files,
                         capture_output=True, text=True).stdout
    per_label, empty, seen = {}, [], set()
    for line in out.splitlines():
        d = json.loads(line)
        t = d['text']
        if t in seen or len(t) < 20:
            continue
        seen.add(t)
        probs, labels = d['probabilities'], set(d['labels'])
        if any(probs[l] < hi for l in labels) or any(p > lo for l, p in probs.items() if l not in labels):
            continue
        row = (t, sorted(labels), d.get('attributes', []), d['company'])
        if not labels:
            empty.append((max(probs.values()), row))
        else:
            key = min(labels, key=lambda l: probs[l])
            per_label.setdefault(key, []).append((-min(probs[l] for l in labels), row))
    rows = []
    for l, v in sorted(per_label.items()):
        v.sort(key=lambda x: (x[0], x[1][0]))
        rows += [r for _, r in v[:cap]]
    empty.sort(key=lambda x: (x[0], x[1][0]))
    rows += [r for _, r in empty[:cap]]
    counts = {l: min(len(v), cap) for l, v in per_label.items()}
    counts['(no label)'] = min(len(empty), cap)
    return rows, counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--files', type=int, default=1500)
    ap.add_argument('--hi', type=float, default=0.9)
    ap.add_argument('--lo', type=float, default=0.05)
    ap.add_argument('--cap', type=int, default=1000)
    ap.add_argument('--flags', default='--alpha 0.25 --representations models/representations.bin')
    ap.add_argument('--model', default=os.path.join(REPO, 'models', 'default.model'))
    a = ap.parse_args()
    test_domains = {r['company'] for r in csv.DictReader(open(TEST))}
    udir = os.path.join(SHARED, 'corpus', 'unlabelled')
    files = sorted(f for f in os.listdir(udir) if f.endswith('.txt') and f[:-4] not in test_domains)
    random.Random(42).shuffle(files)
    files = [os.path.join(udir, f) for f in files[:a.files]]
    model = a.model
    e = evaluate(model)
    print(f"round 0: sentence {e['sentence']['micro_f1']:.3f} document {e['document']['micro_f1']:.3f}", flush=True)
    with tempfile.TemporaryDirectory() as t:
        for r in range(1, a.rounds + 1):
            rows, counts = pseudo_rows(model, files, a.hi, a.lo, a.cap)
            path = os.path.join(t, f'pseudo{r}.csv')
            with open(path, 'w', newline='') as f:
                w = csv.writer(f)
                w.writerow(['text', 'labels', 'attributes', 'company', 'policy_id'])
                for text, labels, attrs, company in rows:
                    w.writerow([text, ';'.join(labels), ';'.join(attrs), company, 'st-' + company])
            model = os.path.join(t, f'round{r}.model')
            subprocess.run([BIN, 'train', '--data', os.path.join(REPO, 'datasets', 'corpus.csv'),
                            '--data', path, '--model', model] + a.flags.split(),
                           capture_output=True, text=True, check=True)
            e = evaluate(model)
            print(f"round {r}: {len(rows)} pseudo rows {counts}; sentence {e['sentence']['micro_f1']:.3f} "
                  f"macro {e['sentence']['macro_f1']:.3f} segment {e.get('segment', {}).get('micro_f1', 0):.3f} "
                  f"document {e['document']['micro_f1']:.3f}", flush=True)


if __name__ == '__main__':
    main()
