"""k-NN jobs through `run_training` on an `/opt/ml` tree, then `invoke` on the saved model:
quality against scikit-learn on digits, every index type and reduction, the test metric line,
the response shapes, and the user's errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from algo_kit import csv_bytes, make_job, recordio_bytes
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

from sagelab.algorithms import registry
from sagelab.algorithms.contract import run_training
from sagelab.algorithms.io import recordio_protobuf
from sagelab.algorithms.io.recordio import read_records

KNN = registry.get("knn")


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, ...]:
    x, y = load_digits(return_X_y=True)
    return tuple(a.astype(np.float32) for a in train_test_split(
        x, y, test_size=0.25, random_state=3, stratify=y))


def _train(tmp_path, hyperparameters, x, y, test=None, content_type="text/csv"):
    channels = {"train": {"train.csv": csv_bytes(x, y)}}
    if test is not None:
        channels["test"] = {"test.csv": csv_bytes(*test)}
    job = make_job(tmp_path, hyperparameters, channels,
                   {"train": content_type, "test": "text/csv"})
    return run_training("knn", tmp_path), job


def _accuracy(model, x, y) -> float:
    body, _media = KNN.invoke(model, csv_bytes(x, None), "text/csv", "application/json")
    predicted = [p["predicted_label"] for p in json.loads(body)["predictions"]]
    return float(np.mean(np.asarray(predicted) == y))


def _classifier(x, **extra):
    return {"feature_dim": x.shape[1], "k": 5, "predictor_type": "classifier",
            "sample_size": 5000} | extra


def test_digits_accuracy_matches_scikit_learn_and_the_test_metric_is_logged(
        tmp_path, digits, capsys):
    x_train, x_test, y_train, y_test = digits
    code, job = _train(tmp_path, _classifier(x_train), x_train, y_train, (x_test, y_test))
    assert code == 0, job.failure
    baseline = KNeighborsClassifier(5).fit(x_train, y_train).score(x_test, y_test)
    accuracy = _accuracy(KNN.load(job.model_dir), x_test, y_test)
    assert accuracy >= baseline - 0.01
    logged = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("#test_score")]
    assert logged == [f"#test_score (algo-1) : ('accuracy', {accuracy!r})"]
    assert {p.name for p in job.model_dir.iterdir()} == {
        "model_algo-1", "model_algo-1.labels", "model_algo-1.json"}


@pytest.mark.parametrize("extra", [
    {"index_type": "faiss.IVFFlat"},
    {"index_type": "faiss.IVFPQ", "faiss_index_pq_m": 16},
    {"index_type": "faiss.IVFFlat", "index_metric": "COSINE", "faiss_index_ivf_nlists": 10},
    {"dimension_reduction_type": "sign", "dimension_reduction_target": 32},
    {"dimension_reduction_type": "fjlt", "dimension_reduction_target": 32},
])
def test_approximate_indexes_and_reductions_stay_close_to_exact(tmp_path, digits, extra):
    x_train, x_test, y_train, y_test = digits
    code, job = _train(tmp_path, _classifier(x_train, **extra), x_train, y_train)
    assert code == 0, job.failure
    assert _accuracy(KNN.load(job.model_dir), x_test, y_test) >= 0.93


def test_regressor_matches_scikit_learn_on_recordio(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(600, 5)).astype(np.float32)
    y = (np.sin(x[:, 0]) + x[:, 1] ** 2).astype(np.float32)
    job = make_job(tmp_path, {"feature_dim": 5, "k": 7, "predictor_type": "regressor",
                              "sample_size": 500},
                   {"train": {"t": recordio_bytes(x[:500], y[:500])}}, {"train": None})
    assert run_training("knn", tmp_path) == 0, job.failure
    body, media = KNN.invoke(KNN.load(job.model_dir), recordio_bytes(x[500:], None),
                             "application/x-recordio-protobuf", "application/jsonlines")
    ours = [json.loads(line)["predicted_label"] for line in body.decode().splitlines()]
    expected = KNeighborsRegressor(7).fit(x[:500], y[:500]).predict(x[500:])
    assert media == "application/jsonlines"
    np.testing.assert_allclose(ours, expected, rtol=1e-4)


def test_sample_size_bounds_the_index_and_verbose_answers_neighbours(tmp_path, digits):
    x_train, x_test, y_train, _ = digits
    code, job = _train(tmp_path, _classifier(x_train, sample_size=100, k=3), x_train, y_train)
    assert code == 0, job.failure
    model = KNN.load(job.model_dir)
    assert len(model.labels) == 100
    body, _ = KNN.invoke(model, csv_bytes(x_test[:2], None), "text/csv",
                             "application/json; verbose=true")
    first = json.loads(body)["predictions"][0]
    assert set(first) == {"predicted_label", "distances", "labels"}
    assert first["distances"] == sorted(first["distances"]) and len(first["labels"]) == 3
    body, _media = KNN.invoke(model, csv_bytes(x_test[:2], None), "text/csv",
                             "application/x-recordio-protobuf")
    records = [recordio_protobuf.parse(p) for p in read_records(__import__("io").BytesIO(body))]
    assert len(records) == 2 and "predicted_label" in records[0].label


def test_editing_k_in_the_json_changes_the_answer(tmp_path, digits):
    x_train, x_test, y_train, _ = digits
    code, job = _train(tmp_path, _classifier(x_train), x_train, y_train)
    assert code == 0
    state_path = job.model_dir / "model_algo-1.json"
    state = json.loads(state_path.read_text())
    state["k"] = 1
    state_path.write_text(json.dumps(state))
    body, _ = KNN.invoke(KNN.load(job.model_dir), csv_bytes(x_test[:1], None), "text/csv",
                         "application/json; verbose=true")
    assert len(json.loads(body)["predictions"][0]["labels"]) == 1


@pytest.mark.parametrize(("extra", "words"), [
    ({"predictor_type": "classifer"}, ["predictor_type", "'classifer' is not one of"]),
    ({"index_type": "faiss.HNSW"}, ["index_type", "'faiss.HNSW'"]),
    ({"dimension_reduction_type": "sign"}, ["dimension_reduction_target", "required"]),
    ({"dimension_reduction_type": "sign", "dimension_reduction_target": 64},
     ["dimension_reduction_target", "less than feature_dim"]),
    ({"index_type": "faiss.IVFPQ", "faiss_index_pq_m": 7}, ["faiss_index_pq_m", "divide"]),
    ({"index_type": "faiss.IVFPQ", "index_metric": "COSINE"}, ["index_metric", "COSINE"]),
    ({"k": 0}, ["k", "minimum of 1"]),
])
def test_bad_hyperparameters_fail_as_client_errors_naming_them(tmp_path, digits, extra, words):
    x_train, _, y_train, _ = digits
    code, job = _train(tmp_path, _classifier(x_train, **extra), x_train[:50], y_train[:50])
    assert code == 1
    for word in words:
        assert word in job.failure


def test_missing_required_hyperparameter_and_wrong_content_type(tmp_path, digits):
    x_train, _, y_train, _ = digits
    hyperparameters = _classifier(x_train)
    del hyperparameters["sample_size"]
    code, job = _train(tmp_path / "a", hyperparameters, x_train[:50], y_train[:50])
    assert code == 1 and "'sample_size' which are required" in job.failure
    code, job = _train(tmp_path / "b", _classifier(x_train), x_train[:50], y_train[:50],
                       content_type="application/json")
    assert code == 1 and "'application/json' is not supported" in job.failure


def test_unlabelled_train_data_is_the_users_error(tmp_path, digits):
    x_train = digits[0]
    job = make_job(tmp_path, _classifier(x_train), {"train": {"t.csv": csv_bytes(x_train, None)}},
                   {"train": "text/csv;label_size=0"})
    assert run_training("knn", tmp_path) == 1
    assert "needs a finite label" in job.failure
