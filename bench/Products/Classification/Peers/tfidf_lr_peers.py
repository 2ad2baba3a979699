"""The classifier's strongest simple peers, for `bench classify-split`: TF-IDF word 1-2-grams (sublinear tf, name +
brand + description) and one logistic regression per label of the whole tree (one-vs-rest, scikit-learn's
liblinear, C given), decoded three ways: every label with probability >= 0.5 ("threshold"), plus the most probable
label when that is empty ("top-1 fill"), plus the most probable label of every level left empty ("top-1 per empty
level"). Train and test rows come from the bench (id files). Writes one TSV line per test product and decoding:
decoding, id, labels joined by '|'; prints one JSON line with fit and predict seconds.

usage: tfidf_lr_peers.py data.csv label_info.csv train_ids.txt test_ids.txt predictions.tsv C
"""
import csv
import json
import sys
import time
import warnings

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer

warnings.filterwarnings("ignore")

data_path, label_path, train_ids_path, test_ids_path, out_path, c = sys.argv[1:7]
csv.field_size_limit(10**8)
level = {r["name"]: int(r["level"]) for r in csv.DictReader(open(label_path, encoding="utf-8"))}
rows = {r["id"]: r for r in csv.DictReader(open(data_path, encoding="utf-8"))}
train_ids = open(train_ids_path, encoding="utf-8").read().split("\n")
test_ids = open(test_ids_path, encoding="utf-8").read().split("\n")
train_ids = [i for i in train_ids if i]
test_ids = [i for i in test_ids if i]


def text(r):
    return r["name"] + " " + r["brand"] + " " + r["description"]


def labels(r):
    return [l for l in r["labels"].split(",") if l in level]


mlb = MultiLabelBinarizer()
y_train = mlb.fit_transform([labels(rows[i]) for i in train_ids])
start = time.perf_counter()
vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
x_train = vectorizer.fit_transform([text(rows[i]) for i in train_ids])
model = OneVsRestClassifier(LogisticRegression(C=float(c), solver="liblinear"), n_jobs=2)
model.fit(x_train, y_train)
fit_seconds = time.perf_counter() - start
start = time.perf_counter()
proba = model.predict_proba(vectorizer.transform([text(rows[i]) for i in test_ids]))
predict_seconds = time.perf_counter() - start

classes = list(mlb.classes_)
levels = np.array([level[c] for c in classes])
with open(out_path, "w", encoding="utf-8") as f:
    for i, p in zip(test_ids, proba):
        chosen = set(np.flatnonzero(p >= 0.5))
        f.write("threshold\t" + i + "\t" + "|".join(classes[j] for j in sorted(chosen)) + "\n")
        fill = chosen if chosen else {int(np.argmax(p))}
        f.write("top-1 fill\t" + i + "\t" + "|".join(classes[j] for j in sorted(fill)) + "\n")
        per_level = set(chosen)
        for lv in sorted(set(levels)):
            if not any(levels[j] == lv for j in per_level):
                idx = np.flatnonzero(levels == lv)
                per_level.add(int(idx[np.argmax(p[idx])]))
        f.write("top-1 per empty level\t" + i + "\t" + "|".join(classes[j] for j in sorted(per_level)) + "\n")
print(json.dumps({"fit_seconds": fit_seconds, "predict_seconds": predict_seconds}))
