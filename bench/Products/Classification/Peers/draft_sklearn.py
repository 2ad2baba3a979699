"""The take-home's draft.py, as a peer for `bench classify`: CountVectorizer + OneVsRestClassifier(LogisticRegression)
on the level-2 labels, exact-match accuracy. Train/test rows come from the bench (id files) so every model sees the
same split. Prints one JSON line: fit and predict seconds, accuracy; writes the predicted level-2 sets.

usage: draft_sklearn.py data.csv label_info.csv train_ids.txt test_ids.txt predictions.tsv
"""
import csv
import json
import sys
import time
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer

warnings.filterwarnings("ignore", category=ConvergenceWarning)
warnings.filterwarnings("ignore", category=UserWarning)

data_path, label_path, train_ids_path, test_ids_path, out_path = sys.argv[1:6]
csv.field_size_limit(10**8)
level2 = {r["name"] for r in csv.DictReader(open(label_path, encoding="utf-8")) if r["level"] == "2"}
rows = {r["id"]: r for r in csv.DictReader(open(data_path, encoding="utf-8"))}
train_ids = open(train_ids_path, encoding="utf-8").read().split()
test_ids = open(test_ids_path, encoding="utf-8").read().split()


def text(r):
    return r["name"] + " " + r["description"]


def labels(r):
    return [l for l in r["labels"].split(",") if l in level2]


mlb = MultiLabelBinarizer()
y_train = mlb.fit_transform([labels(rows[i]) for i in train_ids])
y_test = mlb.transform([labels(rows[i]) for i in test_ids])

start = time.perf_counter()
vectorizer = CountVectorizer()
x_train = vectorizer.fit_transform([text(rows[i]) for i in train_ids])
model = OneVsRestClassifier(LogisticRegression())
model.fit(x_train, y_train)
fit_seconds = time.perf_counter() - start

start = time.perf_counter()
predicted = model.predict(vectorizer.transform([text(rows[i]) for i in test_ids]))
predict_seconds = time.perf_counter() - start

with open(out_path, "w", encoding="utf-8") as f:
    for i, row in zip(test_ids, mlb.inverse_transform(predicted)):
        f.write(i + "\t" + "|".join(row) + "\n")
print(json.dumps({"fit_seconds": fit_seconds, "predict_seconds": predict_seconds,
                  "accuracy": accuracy_score(y_test, predicted)}))
