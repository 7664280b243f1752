"""XGBoost algorithm mode through `run_training` and `invoke`: formats, metrics log lines,
early stopping, the booster artifact, serving shapes, and quality against the library."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import xgboost
from algo_kit import csv_bytes, make_job, recordio_bytes
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split

from sagelab.algorithms import registry
from sagelab.algorithms.contract import run_training
from sagelab.algorithms.errors import InvocationError
from sagelab.algorithms.io import recordio_protobuf
from sagelab.algorithms.io.recordio import read_records
from sagelab.algorithms.xgboost_builtin.hyperparameters import resolve

XGB = registry.get("xgboost")
BINARY = {"objective": "binary:logistic", "num_round": 30, "max_depth": 3, "eta": 0.3}


@pytest.fixture(scope="module")
def cancer():
    x, y = load_breast_cancer(return_X_y=True)
    return train_test_split(x.astype(np.float32), y.astype(np.float32), test_size=0.3,
                            random_state=3)


def libsvm_bytes(x: np.ndarray, y: np.ndarray) -> bytes:
    lines = (" ".join([f"{label:g}", *(f"{j}:{v:.8g}" for j, v in enumerate(row) if v)])
             for label, row in zip(y, x, strict=True))
    return ("\n".join(lines) + "\n").encode()


def _train(tmp_path, hyperparameters, channels, content_type="text/csv"):
    types = {name: content_type for name in channels}
    job = make_job(tmp_path, hyperparameters, channels, types)
    return run_training("xgboost", tmp_path), job


def test_csv_quality_matches_the_library_and_logs_monitor_lines(tmp_path, cancer, capsys):
    x_tr, x_te, y_tr, y_te = cancer
    rc, job = _train(tmp_path, {**BINARY, "eval_metric": "auc,accuracy"},
                     {"train": {"t.csv": csv_bytes(x_tr, y_tr)},
                      "validation": {"v.csv": csv_bytes(x_te, y_te)}})
    assert rc == 0, job.failure
    out = capsys.readouterr().out
    assert "[29]\ttrain-auc:" in out and "\tvalidation-accuracy:" in out
    booster = xgboost.Booster()
    booster.load_model(str(job.model_dir / "xgboost-model"))
    ours = booster.predict(xgboost.DMatrix(x_te))
    params = {k: v for k, v in BINARY.items() if k != "num_round"}
    direct = xgboost.train(params, xgboost.DMatrix(x_tr, label=y_tr), num_boost_round=30)
    theirs = direct.predict(xgboost.DMatrix(x_te))
    assert abs(accuracy_score(y_te, ours > 0.5) - accuracy_score(y_te, theirs > 0.5)) <= 0.005
    assert abs(roc_auc_score(y_te, ours) - roc_auc_score(y_te, theirs)) <= 0.005


@pytest.mark.parametrize("content_type", [None, "text/libsvm", "application/x-parquet",
                                          "application/x-recordio-protobuf"])
def test_every_training_format_trains(tmp_path, cancer, content_type):
    x_tr, _, y_tr, _ = cancer
    if content_type == "application/x-parquet":
        import pandas as pd

        buf = io.BytesIO()
        pd.DataFrame(np.column_stack([y_tr, x_tr])).rename(columns=str).to_parquet(buf)
        body = buf.getvalue()
    elif content_type == "application/x-recordio-protobuf":
        body = recordio_bytes(x_tr, y_tr)
    else:
        body = libsvm_bytes(x_tr, y_tr)  # libsvm is the default without a content type
    rc, job = _train(tmp_path, BINARY, {"train": {"data": body}}, content_type)
    assert rc == 0, job.failure
    model = XGB.load(job.model_dir)
    answer, media = XGB.invoke(model, csv_bytes(x_tr[:5], None), "text/csv", "*/*")
    assert media.startswith("text/csv") and len(answer.decode().splitlines()) == 5


def test_early_stopping_keeps_the_best_round(tmp_path, cancer, capsys):
    x_tr, x_te, y_tr, y_te = cancer
    rc, job = _train(tmp_path, {**BINARY, "num_round": 500, "eta": 0.5,
                                "early_stopping_rounds": 3, "eval_metric": "logloss"},
                     {"train": {"t.csv": csv_bytes(x_tr, y_tr)},
                      "validation": {"v.csv": csv_bytes(x_te, y_te)}})
    assert rc == 0, job.failure
    assert "[499]" not in capsys.readouterr().out
    booster = xgboost.Booster()
    booster.load_model(str(job.model_dir / "xgboost-model"))
    assert booster.num_boosted_rounds() < 500


def test_multiclass_softprob_serves_every_shape(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.float32) + (x[:, 1] > 0.5)
    rc, job = _train(tmp_path, {"objective": "multi:softprob", "num_class": 3, "num_round": 5},
                     {"train": {"t.csv": csv_bytes(x, y)}})
    assert rc == 0, job.failure
    model = XGB.load(job.model_dir)
    body = csv_bytes(x[:2], None)
    text, _ = XGB.invoke(model, body, "text/csv", "text/csv")
    assert [len(line.split(",")) for line in text.decode().splitlines()] == [3, 3]
    answer, media = XGB.invoke(model, body, "text/csv", "application/json")
    assert media == "application/json" and len(json.loads(answer)["predictions"][0]["score"]) == 3
    lines, _ = XGB.invoke(model, body, "text/csv", "application/jsonlines")
    assert len(lines.decode().splitlines()) == 2
    packed, _ = XGB.invoke(model, recordio_bytes(x[:2], None), "application/x-recordio-protobuf",
                           "application/x-recordio-protobuf")
    records = [recordio_protobuf.parse(p) for p in read_records(io.BytesIO(packed))]
    assert len(records[0].label["score"].float32_tensor.values) == 3
    sparse, _ = XGB.invoke(model, b"0:1.5 2:0.3\n1:-1\n", "text/libsvm", "text/csv")
    assert len(sparse.decode().splitlines()) == 2
    with pytest.raises(InvocationError) as err:
        XGB.invoke(model, b'{"instances": []}', "application/json", "text/csv")
    assert err.value.status == 415 and "application/json" in str(err.value)


@pytest.mark.parametrize("raw, words", [
    ({"objective": "binary:logistic"}, "'num_round'"),
    ({"num_round": "0"}, "num_round"),
    ({"num_round": "5", "objective": "binary:nonsense"}, "objective"),
    ({"num_round": "5", "eval_metric": "auc,bogus"}, "eval_metric"),
    ({"num_round": "5", "objective": "multi:softmax"}, "num_class"),
    ({"num_round": "5", "eta": "2"}, "eta"),
])
def test_bad_hyperparameters_name_the_parameter(raw, words):
    from sagelab.algorithms.errors import HyperParameterError

    with pytest.raises(HyperParameterError, match=words):
        resolve(raw)


def test_tuning_objective_joins_the_watched_metrics():
    config = resolve({"num_round": "5", "eval_metric": "logloss",
                      "_tuning_objective_metric": "validation:auc"})
    assert config.eval_metrics == ["logloss", "auc"]


def test_wrong_content_type_and_labels_are_client_errors(tmp_path, cancer):
    x_tr, _, y_tr, _ = cancer
    rc, job = _train(tmp_path / "a", BINARY, {"train": {"t": csv_bytes(x_tr, y_tr)}},
                     "application/json")
    assert rc == 1 and "application/json" in job.failure
    rc, job = _train(tmp_path / "b", BINARY, {"train": {"t": csv_bytes(x_tr, y_tr + 2)}})
    assert rc == 1 and "label 3 is invalid" in job.failure
