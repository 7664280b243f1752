"""Random Cut Forest jobs through `run_training`, then `invoke` on the saved model: AUC on a
labelled synthetic anomaly set, the test f1 line, the `scores` answers, the user's errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from algo_kit import csv_bytes, make_job, recordio_bytes
from sklearn.metrics import roc_auc_score

from sagelab.algorithms import registry
from sagelab.algorithms.contract import run_training

RCF = registry.get("randomcutforest")
BASIC = {"feature_dim": 4, "num_trees": 50, "num_samples_per_tree": 128}


def _anomalies(rows: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clusters with 2% of rows scattered uniformly far wider (label 1)."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0, 0, 0, 0], [5, 5, 0, -3]], np.float32)
    x = centres[rng.integers(0, 2, rows)] + rng.normal(0, 0.6, (rows, 4))
    labels = (rng.random(rows) < 0.02).astype(np.float32)
    x[labels == 1] = rng.uniform(-8, 12, (int(labels.sum()), 4))
    return x.astype(np.float32), labels


def _train(tmp_path, hyperparameters, channels, content_types):
    job = make_job(tmp_path, hyperparameters, channels, content_types)
    return run_training("randomcutforest", tmp_path), job


def test_anomalies_score_higher_auc_and_the_test_f1_line(tmp_path, capsys):
    x, _ = _anomalies(5000, 0)
    x_test, labels = _anomalies(2000, 1)
    code, job = _train(tmp_path, BASIC, {"train": {"t": recordio_bytes(x, None)},
                                         "test": {"t.csv": csv_bytes(x_test, labels)}},
                       {"train": None, "test": "text/csv;label_size=1"})
    assert code == 0, job.failure
    body, media = RCF.invoke(RCF.load(job.model_dir), csv_bytes(x_test, None), "text/csv", "")
    scores = [row["score"] for row in json.loads(body)["scores"]]
    assert media == "application/json" and len(scores) == len(x_test)
    assert roc_auc_score(labels, scores) >= 0.85
    assert min(scores) > 0
    out = capsys.readouterr().out
    f1 = float(out.split("#quality_metric: host=algo-1, test f1 <score>=")[1].split()[0])
    assert f1 > 0.5
    assert "test accuracy <score>=" in out


def test_jsonlines_answers_and_unlabelled_csv_training(tmp_path):
    x, _ = _anomalies(600, 2)
    code, job = _train(tmp_path, BASIC | {"eval_metrics": '["accuracy"]'},
                       {"train": {"t.csv": csv_bytes(x, None)}},
                       {"train": "text/csv;label_size=0"})
    assert code == 0, job.failure
    body, media = RCF.invoke(RCF.load(job.model_dir),
                             b'{"features": [0, 0, 0, 0]}\n{"features": [30, -30, 30, -30]}\n',
                             "application/jsonlines", "application/jsonlines")
    near, far = (json.loads(line)["score"] for line in body.decode().splitlines())
    assert media == "application/jsonlines" and far > near


@pytest.mark.parametrize(("extra", "words"), [
    ({"num_trees": 10}, ["num_trees", "minimum of 50"]),
    ({"num_samples_per_tree": 4096}, ["num_samples_per_tree", "maximum of 2048"]),
    ({"eval_metrics": '["auc"]'}, ["eval_metrics", "'auc'"]),
    ({"feature_dim": "four"}, ["feature_dim", "'four' is not of type 'integer'"]),
])
def test_bad_hyperparameters_fail_naming_them(tmp_path, extra, words):
    x, _ = _anomalies(100, 3)
    code, job = _train(tmp_path, BASIC | extra, {"train": {"t.csv": csv_bytes(x, None)}},
                       {"train": "text/csv;label_size=0"})
    assert code == 1
    for word in words:
        assert word in job.failure


def test_a_wrong_content_type_is_the_users_error(tmp_path):
    _x, _ = _anomalies(100, 3)
    code, job = _train(tmp_path, BASIC, {"train": {"t.json": b"{}"}},
                       {"train": "application/json"})
    assert code == 1 and "'application/json' is not supported" in job.failure
