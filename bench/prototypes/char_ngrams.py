"""Prototype: do character n-grams add to word 1-2-gram TF-IDF + LR on OPP-115 sentences
(grouped 5-fold by policy)? Same folds for every variant.

usage: python3 bench/prototypes/char_ngrams.py ../shared/opp115/sentences.csv
(needs scikit-learn; research data stays in ../shared)"""
import csv, sys, numpy as np, scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.metrics import f1_score
csv.field_size_limit(10**9)
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
texts = [r['text'] for r in rows]
# paragraph context: the segment's text
seg = {}
for r in rows: seg.setdefault((r['policy_id'], r['segment_id']), []).append(r['text'])
ctx = [' '.join(seg[(r['policy_id'], r['segment_id'])]) for r in rows]
names = sorted({l for r in rows for l in r['labels'].split(';') if l})
Y = np.array([[n in r['labels'].split(';') for n in names] for r in rows])
groups = [r['policy_id'] for r in rows]
def feats(tr, te, char, context):
    mats_tr, mats_te = [], []
    w = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    mats_tr.append(w.fit_transform([texts[i] for i in tr])); mats_te.append(w.transform([texts[i] for i in te]))
    if context:
        c = TfidfVectorizer(sublinear_tf=True, min_df=2)
        mats_tr.append(0.5 * c.fit_transform([ctx[i] for i in tr])); mats_te.append(0.5 * c.transform([ctx[i] for i in te]))
    if char:
        ch = TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 5), sublinear_tf=True, min_df=2, max_features=50000)
        mats_tr.append(char * ch.fit_transform([texts[i] for i in tr])); mats_te.append(char * ch.transform([texts[i] for i in te]))
    return sp.hstack(mats_tr).tocsr(), sp.hstack(mats_te).tocsr()
for char, context in [(0, True), (0.5, True), (1.0, True)]:
    mi, ma = [], []
    for tr, te in GroupKFold(5).split(texts, groups=groups):
        Xtr, Xte = feats(tr, te, char, context)
        P = np.zeros((len(te), len(names)), bool)
        for j in range(len(names)):
            m = LogisticRegression(solver='liblinear', class_weight='balanced', C=1.0).fit(Xtr, Y[tr, j])
            P[:, j] = m.predict(Xte)
        mi.append(f1_score(Y[te], P, average='micro')); ma.append(f1_score(Y[te], P, average='macro', zero_division=0))
    print(f'char weight {char} context {context}: micro {np.mean(mi):.3f} ± {np.std(mi):.3f}  macro {np.mean(ma):.3f} ± {np.std(ma):.3f}', flush=True)
