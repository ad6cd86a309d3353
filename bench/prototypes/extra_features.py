"""Prototype: do character n-grams, the section heading's words or the position in the policy
add to word 1-2-gram TF-IDF + paragraph words + LR on OPP-115 sentences? Grouped 5-fold by
policy, the same folds for every variant.

usage: python3 bench/prototypes/extra_features.py ../shared/opp115/sentences.csv [char|heading]...
(no experiment named: both; needs scikit-learn; research data stays in ../shared)
"""
import csv, re, sys, numpy as np, scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.metrics import f1_score
csv.field_size_limit(10**9)
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
experiments = sys.argv[2:] or ['char', 'heading']
texts = [r['text'] for r in rows]
# paragraph context: the segment's text
seg = {}
for r in rows: seg.setdefault((r['policy_id'], r['segment_id']), []).append(r['text'])
ctx = [' '.join(seg[(r['policy_id'], r['segment_id'])]) for r in rows]
# heading: the text of the nearest earlier one-sentence segment without final punctuation (same policy)
order = {}
for k in seg: order.setdefault(k[0], []).append(k)
head_of = {}
nseg = {}
for p, ks in order.items():
    ks.sort(key=lambda k: int(k[1])); nseg[p] = len(ks); h = ''
    for i, k in enumerate(ks):
        s = seg[k]
        if len(s) == 1 and not re.search(r'[.!?;]\s*$', s[0]) and len(s[0]) < 120:
            h = s[0]
        head_of[k] = (h, i)
heads = [head_of[(r['policy_id'], r['segment_id'])][0] for r in rows]
# position: the fifth of the policy the segment is in, one-hot
pos = np.array([head_of[(r['policy_id'], r['segment_id'])][1] / max(1, nseg[r['policy_id']] - 1) for r in rows])
P5 = sp.csr_matrix(np.eye(5)[np.minimum((pos * 5).astype(int), 4)])
names = sorted({l for r in rows for l in r['labels'].split(';') if l})
Y = np.array([[n in r['labels'].split(';') for n in names] for r in rows])
groups = [r['policy_id'] for r in rows]


def feats(tr, te, char=0, hw=0, pw=0):
    A, B = [], []
    def add(vec, weight, docs):
        A.append(weight * vec.fit_transform([docs[i] for i in tr])); B.append(weight * vec.transform([docs[i] for i in te]))
    add(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2), 1.0, texts)
    add(TfidfVectorizer(sublinear_tf=True, min_df=2), 0.5, ctx)
    if hw:
        add(TfidfVectorizer(sublinear_tf=True, min_df=2), hw, heads)
    if pw:
        A.append(pw * P5[tr]); B.append(pw * P5[te])
    if char:
        add(TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 5), sublinear_tf=True, min_df=2, max_features=50000), char, texts)
    return sp.hstack(A).tocsr(), sp.hstack(B).tocsr()


variants = [{}]  # the baseline, once
if 'char' in experiments:
    variants += [dict(char=w) for w in (0.5, 1.0)]
if 'heading' in experiments:
    print('rows with a heading:', sum(1 for h in heads if h), 'of', len(heads), flush=True)
    variants += [dict(hw=h, pw=p) for h, p in [(0.5, 0), (0, 0.5), (0.5, 0.5)]]
for v in variants:
    mi, ma = [], []
    for tr, te in GroupKFold(5).split(texts, groups=groups):
        Xtr, Xte = feats(tr, te, **v)
        P = np.zeros((len(te), len(names)), bool)
        for j in range(len(names)):
            P[:, j] = LogisticRegression(solver='liblinear', class_weight='balanced').fit(Xtr, Y[tr, j]).predict(Xte)
        mi.append(f1_score(Y[te], P, average='micro')); ma.append(f1_score(Y[te], P, average='macro', zero_division=0))
    print(f'{v or "baseline"}: micro {np.mean(mi):.3f} ± {np.std(mi):.3f}  macro {np.mean(ma):.3f} ± {np.std(ma):.3f}', flush=True)
