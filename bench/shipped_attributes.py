#!/usr/bin/env python3
"""The shipped model's attribute values on real policies, scored at segment level.

usage: python3 bench/shipped_attributes.py [--model models/default.model]

Runs `classify evaluate --predictions` on ../shared/opp115/sentences_attributes.csv (every
sentence predicted in its paragraph), takes the union of each segment's predicted values and
scores it against the segment labels of ../shared/opp115/segments_attributes.csv (values that
at least two annotators gave to a practice of the segment): micro-F1 pooled over the core
families (Does/Does Not on `Does Not` only), with precision and recall.
"""
import argparse, csv, os, subprocess, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.join(REPO, '..', 'shared', 'opp115')
BIN = os.environ.get('CLASSIFY', os.path.join(REPO, 'target', 'release', 'classify'))
CORE = ["Personal Information Type", "Purpose", "Third Party Entity", "Choice Type", "Access Type",
        "Retention Period", "Security Measure", "Audience Type", "Does/Does Not"]


def core(v):
    f = v.split(':')[0]
    return f in CORE and (f != 'Does/Does Not' or v == 'Does/Does Not: Does Not')


def values(field):
    return {a for a in (field or '').split(';') if a and core(a)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default=os.path.join(REPO, 'models', 'default.model'))
    a = ap.parse_args()
    sentences = os.path.join(SHARED, 'sentences_attributes.csv')
    with tempfile.TemporaryDirectory() as tmp:
        pred_file = os.path.join(tmp, 'pred.csv')
        subprocess.run([BIN, 'evaluate', '--model', a.model, '--data', sentences,
                        '--predictions', pred_file], check=True, capture_output=True)
        pred = list(csv.DictReader(open(pred_file, encoding='utf-8')))
    rows = list(csv.DictReader(open(sentences, encoding='utf-8')))
    gold = {(r['policy_id'], r['segment_id']): values(r['attributes'])
            for r in csv.DictReader(open(os.path.join(SHARED, 'segments_attributes.csv'), encoding='utf-8'))}
    union = {}
    for r, p in zip(rows, pred):
        union.setdefault((r['policy_id'], r['segment_id']), set()).update(values(p['attributes']))
    tp = sum(len(g & union.get(k, set())) for k, g in gold.items())
    predicted = sum(len(union.get(k, set())) for k in gold)
    support = sum(len(g) for g in gold.values())
    print(f"{len(gold)} segments: core micro-F1 {2 * tp / (predicted + support):.3f} "
          f"(precision {tp / max(predicted, 1):.3f}, recall {tp / support:.3f})")


if __name__ == '__main__':
    main()
