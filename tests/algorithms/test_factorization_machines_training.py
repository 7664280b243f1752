"""Factorization Machines jobs through `run_training` (sparse RecordIO-protobuf in, `invoke`
on the saved model): quality against a reference FM fitted by full-batch L-BFGS on the same
objective, the test metric lines, response shapes, and the user's errors."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import scipy.sparse as sp
from algo_kit import csv_bytes, make_job
from scipy.optimize import minimize

from sagelab.algorithms import registry
from sagelab.algorithms.contract import run_training
from sagelab.algorithms.io import recordio_protobuf
from sagelab.algorithms.io.recordio import read_records

FM = registry.get("factorization-machines")
USERS, ITEMS, FACTORS = 40, 30, 3
RECORDIO = "application/x-recordio-protobuf"


def _ratings(rows: int, seed: int = 0) -> tuple[sp.csr_matrix, np.ndarray]:
    """User/item one-hot rows (as recommender notebooks build them), rated by a true FM."""
    rng = np.random.default_rng(seed)
    v = np.random.default_rng(99).normal(0, 0.7, (USERS + ITEMS, FACTORS))
    w = np.random.default_rng(98).normal(0, 0.5, USERS + ITEMS)
    users, items = rng.integers(0, USERS, rows), rng.integers(0, ITEMS, rows) + USERS
    x = sp.csr_matrix((np.ones(2 * rows, np.float32),
                       (np.repeat(np.arange(rows), 2), np.column_stack([users, items]).ravel())),
                      shape=(rows, USERS + ITEMS))
    y = 3 + w[users] + w[items] + (v[users] * v[items]).sum(1) + rng.normal(0, 0.3, rows)
    return x, y.astype(np.float32)


def _sparse_recordio(x: sp.csr_matrix, y: np.ndarray | None) -> bytes:
    out = io.BytesIO()
    recordio_protobuf.write_sparse(out, x, y)
    return out.getvalue()


def _reference_fm(x: sp.csr_matrix, y: np.ndarray, factors: int, wd: float) -> callable:
    """A plain dense FM on the same objective (mean squared error + L2), full-batch L-BFGS."""
    dense = x.toarray().astype(np.float64)
    d = dense.shape[1]

    def unpack(theta):
        return theta[0], theta[1:d + 1], theta[d + 1:].reshape(d, factors)

    def predict(theta, data):
        w0, w, v = unpack(theta)
        xv = data @ v
        return w0 + data @ w + 0.5 * (xv**2 - (data**2) @ (v**2)).sum(1)

    def objective(theta):
        _w0, _w, v = unpack(theta)
        error = predict(theta, dense) - y
        xv = dense @ v
        g = 2 * error / len(y)
        dv = dense.T @ (g[:, None] * xv) - v * ((dense**2).T @ g)[:, None]
        grad = np.concatenate([[g.sum()], dense.T @ g, dv.ravel()]) + wd * theta
        return float(np.mean(error**2) + 0.5 * wd * theta @ theta), grad

    start = np.random.default_rng(0).normal(0, 0.1, 1 + d + d * factors)
    theta = minimize(objective, start, jac=True, method="L-BFGS-B",
                     options={"maxiter": 2000}).x
    return lambda data: predict(theta, data.toarray())


REGRESSOR = {"feature_dim": USERS + ITEMS, "num_factors": FACTORS, "predictor_type": "regressor",
             "epochs": 40, "mini_batch_size": 32, "bias_lr": 0.05, "linear_lr": 0.01,
             "factors_lr": 0.01, "factors_init_sigma": 0.1, "bias_wd": 0.0, "linear_wd": 0.001,
             "factors_wd": 0.001}


def _train(tmp_path, hyperparameters, channels, content_type=None):
    types = {name: content_type for name in channels}
    job = make_job(tmp_path, hyperparameters, channels, types)
    return run_training("factorization-machines", tmp_path), job


def test_regressor_rmse_is_within_five_percent_of_a_reference_fm(tmp_path, capsys):
    x, y = _ratings(3000)
    x_test, y_test = _ratings(600, seed=1)
    code, job = _train(tmp_path, REGRESSOR, {"train": {"t": _sparse_recordio(x, y)},
                                             "test": {"t": _sparse_recordio(x_test, y_test)}})
    assert code == 0, job.failure
    reference = _reference_fm(x, y, FACTORS, 0.001)
    reference_rmse = float(np.sqrt(np.mean((reference(x_test) - y_test) ** 2)))
    body, _media = FM.invoke(FM.load(job.model_dir), _sparse_recordio(x_test, None), RECORDIO,
                            "application/json")
    ours = np.array([p["score"] for p in json.loads(body)["predictions"]])
    rmse = float(np.sqrt(np.mean((ours - y_test) ** 2)))
    assert rmse <= reference_rmse * 1.05, (rmse, reference_rmse)
    logged = [ln for ln in capsys.readouterr().out.splitlines() if " test " in ln]
    assert len(logged) == 1
    assert logged[0].startswith("#quality_metric: host=algo-1, test rmse <loss>=")
    assert float(logged[0].split("=")[-1]) == pytest.approx(rmse, rel=1e-4)


def test_binary_classifier_accuracy_and_its_answers(tmp_path, capsys):
    x, y = _ratings(3000)
    labels = (y > np.median(y)).astype(np.float32)
    x_test, y_test = _ratings(600, seed=1)
    test_labels = (y_test > np.median(y)).astype(np.float32)
    hyperparameters = REGRESSOR | {"predictor_type": "binary_classifier"}
    code, job = _train(tmp_path, hyperparameters, {
        "train": {"t": _sparse_recordio(x, labels)},
        "test": {"t": _sparse_recordio(x_test, test_labels)}})
    assert code == 0, job.failure
    out = capsys.readouterr().out
    for metric in ("binary_classification_accuracy <score>", "binary_f_beta <score>",
                   "binary_classification_cross_entropy <loss>"):
        assert f"test {metric}=" in out
    accuracy = float(out.split("test binary_classification_accuracy <score>=")[1].split()[0])
    assert accuracy >= 0.8
    body, media = FM.invoke(FM.load(job.model_dir), json.dumps({"instances": [
        {"data": {"features": {"keys": [0, USERS], "shape": [USERS + ITEMS],
                               "values": [1, 1]}}}]}).encode(), "application/json", "*/*")
    prediction = json.loads(body)["predictions"][0]
    assert media == "application/json"
    assert set(prediction) == {"score", "predicted_label"}
    assert prediction["predicted_label"] in (0.0, 1.0) and 0 <= prediction["score"] <= 1
    body, media = FM.invoke(FM.load(job.model_dir), _sparse_recordio(x_test[:3], None),
                            RECORDIO, RECORDIO)
    records = [recordio_protobuf.parse(p) for p in read_records(io.BytesIO(body))]
    assert len(records) == 3 and set(records[0].label) == {"score", "predicted_label"}


def test_csv_is_refused_for_training_and_inference(tmp_path):
    x, y = _ratings(100)
    code, job = _train(tmp_path, REGRESSOR, {"train": {"t.csv": csv_bytes(x.toarray(), y)}},
                       "text/csv")
    assert code == 1 and "'text/csv' is not supported" in job.failure
    x, y = _ratings(200)
    code, job = _train(tmp_path / "ok", REGRESSOR | {"epochs": 1},
                       {"train": {"t": _sparse_recordio(x, y)}})
    assert code == 0
    with pytest.raises(Exception, match="text/csv") as raised:
        FM.invoke(FM.load(job.model_dir), b"1,0", "text/csv", "application/json")
    assert raised.value.status == 415


@pytest.mark.parametrize(("extra", "words"), [
    ({"predictor_type": "multiclass_classifier"}, ["predictor_type", "is not one of"]),
    ({"num_factors": 0}, ["num_factors", "minimum of 0"]),
    ({"factors_init_method": "xavier"}, ["factors_init_method", "'xavier'"]),
    ({"linear_wd": -1}, ["linear_wd", "minimum of 0"]),
])
def test_bad_hyperparameters_fail_naming_them(tmp_path, extra, words):
    x, y = _ratings(50)
    code, job = _train(tmp_path, REGRESSOR | extra, {"train": {"t": _sparse_recordio(x, y)}})
    assert code == 1
    for word in words:
        assert word in job.failure


def test_init_methods_start_where_they_say(tmp_path):
    from sagelab.algorithms.factorization_machines.hyperparameters import resolve
    from sagelab.algorithms.factorization_machines.train import Trainer
    config = resolve({k: str(v) for k, v in (REGRESSOR | {
        "bias_init_method": "constant", "bias_init_value": 2.5,
        "linear_init_method": "uniform", "linear_init_scale": 0.01}).items()})
    trainer = Trainer(config)
    assert trainer.params.w0[0] == pytest.approx(2.5)
    assert np.abs(trainer.params.w).max() <= 0.01
