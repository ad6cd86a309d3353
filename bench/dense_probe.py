#!/usr/bin/env python3
"""Which kind of word-representation feature helps a linear model (issue 21, item 2): a probe
in the peer's own pipeline, before building a variant into the product.

usage: cargo run --release -- embed --keep-vectors --out /tmp/reps.bin ../shared/corpus/unlabelled ../shared/corpus/longitudinal
       cargo run --release --example dump_reps -- /tmp/reps.bin > /tmp/reps.tsv
       python3 bench/dense_probe.py /tmp/reps.tsv

The peer (../shared/bench/sklearn_peer.py: TF-IDF word 1-2 grams, sublinear tf, min_df 2,
liblinear one-vs-rest, balanced, threshold 0.5) with extra features:
  clusters  one sparse term per cluster of the 200 and 1,000 clusterings, weighted like words
            (what the product's `--representations` does);
  dense     the TF-IDF-weighted mean of the words' unit vectors (100 dims), L2-normalised, × W;
  both      clusters and dense.
Scored two ways: trained on the team's corpus and tested on OPP-115 sentences (the shipped
setting), and grouped 5-fold CV on OPP-115 (folds by policy). Sentence micro-F1.
"""
import csv, re, sys
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer

csv.field_size_limit(10**9)
TOKEN = re.compile(r"[a-z0-9]+")


def read(path):
    rows = list(csv.DictReader(open(path, newline='', encoding='utf-8')))
    return ([r['text'] for r in rows], [[x for x in (r.get('labels') or '').split(';') if x] for r in rows],
            [r.get('policy_id') or str(i) for i, r in enumerate(rows)])


def load_reps(path):
    words, clusters, vecs = {}, [], []
    for i, line in enumerate(open(path, encoding='utf-8')):
        w, ids, v = line.rstrip('\n').split('\t')
        words[w] = i
        clusters.append([int(x) for x in ids.split(',')])
        vecs.append([int(x) for x in v.split()] if v else [])
    v = np.array(vecs, dtype=np.float32)
    if v.size:
        v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-6)
    return words, clusters, v


class Features:
    def __init__(self, reps, kind, weight):
        self.words, self.clusters, self.vecs = reps
        self.kind, self.weight = kind, weight

    def cluster_text(self, t):
        out = []
        for tok in TOKEN.findall(t.lower()):
            i = self.words.get(tok)
            if i is not None:
                out += [f"c{k}x{c}" for k, c in enumerate(self.clusters[i])]
        return ' '.join(out)

    def fit(self, texts):
        self.tfidf = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
        self.tfidf.fit(texts)
        if self.kind in ('clusters', 'both'):
            self.ctf = TfidfVectorizer(sublinear_tf=True, min_df=2, token_pattern=r'\S+', lowercase=False)
            self.ctf.fit([self.cluster_text(t) for t in texts])
        self.uni = TfidfVectorizer(sublinear_tf=True, min_df=1, token_pattern=r'[a-z0-9]+')
        self.uni.fit(texts)
        # Unigram column → representation row (or -1).
        self.col_rep = np.array([self.words.get(w, -1) for w in self.uni.get_feature_names_out()])
        return self

    def transform(self, texts):
        parts = [self.tfidf.transform(texts)]
        if self.kind in ('clusters', 'both'):
            parts.append(self.ctf.transform([self.cluster_text(t) for t in texts]))
        if self.kind in ('dense', 'both'):
            u = self.uni.transform(texts).tocsr()
            known = self.col_rep >= 0
            m = u[:, np.where(known)[0]]
            dense = m @ self.vecs[self.col_rep[known]]
            dense /= np.maximum(np.linalg.norm(dense, axis=1, keepdims=True), 1e-6)
            parts.append(sparse.csr_matrix(dense * self.weight))
        return sparse.hstack(parts).tocsr()


def score(train, test, kind, weight, reps):
    (tx, ty), (ex, ey) = train, test
    mlb = MultiLabelBinarizer()
    mlb.fit(ty + ey)
    f = Features(reps, kind, weight).fit(tx)
    clf = OneVsRestClassifier(LogisticRegression(solver='liblinear', class_weight='balanced'))
    clf.fit(f.transform(tx), mlb.transform(ty))
    p = clf.predict_proba(f.transform(ex)) >= 0.5
    return f1_score(mlb.transform(ey), p, average='micro', zero_division=0)


def main():
    reps = load_reps(sys.argv[1])
    corpus = read('datasets/corpus.csv')
    opp = read('../shared/opp115/sentences.csv')
    variants = [('none', 0), ('clusters', 0), ('dense', 1.0), ('dense', 2.0), ('both', 1.0)]
    print('variant | weight | shipped setting | OPP-115 grouped 5-fold CV (mean ± sd)')
    for kind, w in variants:
        shipped = score(corpus[:2], opp[:2], kind, w, reps)
        cv = []
        for tr, te in GroupKFold(5).split(opp[0], groups=opp[2]):
            sel = lambda idx: ([opp[0][i] for i in idx], [opp[1][i] for i in idx])
            cv.append(score(sel(tr), sel(te), kind, w, reps))
        print(f"{kind} | {w} | {shipped:.4f} | {np.mean(cv):.4f} ± {np.std(cv):.4f}", flush=True)


if __name__ == '__main__':
    main()
