"""Prototype: heading-of-section and position-in-policy features on top of word 1-2-grams +
paragraph words (grouped 5-fold by policy, same folds for every variant).

usage: python3 bench/prototypes/heading_position.py ../shared/opp115/sentences.csv
(needs scikit-learn; research data stays in ../shared)"""
import csv, re, sys, numpy as np, scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.metrics import f1_score
csv.field_size_limit(10**9)
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
texts = [r['text'] for r in rows]
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
pos = np.array([head_of[(r['policy_id'], r['segment_id'])][1] / max(1, nseg[r['policy_id']] - 1) for r in rows])
P5 = sp.csr_matrix(np.eye(5)[np.minimum((pos * 5).astype(int), 4)])
names = sorted({l for r in rows for l in r['labels'].split(';') if l})
Y = np.array([[n in r['labels'].split(';') for n in names] for r in rows])
groups = [r['policy_id'] for r in rows]
def feats(tr, te, hw, pw):
    A, B = [], []
    w = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    A.append(w.fit_transform([texts[i] for i in tr])); B.append(w.transform([texts[i] for i in te]))
    c = TfidfVectorizer(sublinear_tf=True, min_df=2)
    A.append(0.5 * c.fit_transform([ctx[i] for i in tr])); B.append(0.5 * c.transform([ctx[i] for i in te]))
    if hw:
        h = TfidfVectorizer(sublinear_tf=True, min_df=2)
        A.append(hw * h.fit_transform([heads[i] for i in tr])); B.append(hw * h.transform([heads[i] for i in te]))
    if pw:
        A.append(pw * P5[tr]); B.append(pw * P5[te])
    return sp.hstack(A).tocsr(), sp.hstack(B).tocsr()
print('rows with a heading:', sum(1 for h in heads if h), 'of', len(heads), flush=True)
for hw, pw in [(0, 0), (0.5, 0), (0, 0.5), (0.5, 0.5)]:
    mi, ma = [], []
    for tr, te in GroupKFold(5).split(texts, groups=groups):
        Xtr, Xte = feats(tr, te, hw, pw)
        P = np.zeros((len(te), len(names)), bool)
        for j in range(len(names)):
            P[:, j] = LogisticRegression(solver='liblinear', class_weight='balanced').fit(Xtr, Y[tr, j]).predict(Xte)
        mi.append(f1_score(Y[te], P, average='micro')); ma.append(f1_score(Y[te], P, average='macro', zero_division=0))
    print(f'heading weight {hw} position weight {pw}: micro {np.mean(mi):.3f} ± {np.std(mi):.3f}  macro {np.mean(ma):.3f} ± {np.std(ma):.3f}', flush=True)
