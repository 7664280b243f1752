"""PCA through `run_training` and `invoke`: both modes' subspaces against scikit-learn, the
MXNet-format artifact in ascending order, `subtract_mean`, every answer shape, the hosts'
sums combining exactly, and the errors a user can cause."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from algo_kit import csv_bytes, make_job, recordio_bytes
from sklearn.decomposition import PCA

from sagelab.algorithms import registry
from sagelab.algorithms.contract import run_training
from sagelab.algorithms.errors import HyperParameterError, InvocationError
from sagelab.algorithms.io import recordio_protobuf
from sagelab.algorithms.io.recordio import read_records
from sagelab.algorithms.kmeans import ndarray
from sagelab.algorithms.pca.hyperparameters import SPEC, resolve
from sagelab.algorithms.pca.scatter import Read, combine

ALGO = registry.get("pca")
FEATURES = 10


@pytest.fixture(scope="module")
def data() -> np.ndarray:
    rng = np.random.default_rng(5)
    rotation = np.linalg.qr(rng.normal(size=(FEATURES, FEATURES)))[0]
    scales = np.geomspace(8, 0.1, FEATURES)
    return ((rng.normal(size=(3000, FEATURES)) * scales) @ rotation + 50).astype(np.float32)


def _train(tmp_path: Path, x: np.ndarray, content_type: str | None = "text/csv",
           **hyperparameters: object):
    body = csv_bytes(x, None) if content_type and "csv" in content_type else recordio_bytes(
        x, None)
    hps = {"feature_dim": FEATURES, "num_components": 3, "mini_batch_size": 256,
           **hyperparameters}
    job = make_job(tmp_path, hps, {"train": {"part-0": body[:len(body)], "part-1": body}},
                   {"train": content_type})
    return run_training("pca", tmp_path), job


def _captured(v: np.ndarray, x: np.ndarray) -> float:
    centred = x - x.mean(axis=0)
    q = np.linalg.qr(v)[0]
    return float(np.linalg.norm(centred @ q) ** 2 / np.linalg.norm(centred) ** 2)


@pytest.mark.parametrize(("mode", "content_type"), [
    ("regular", "text/csv"), ("randomized", None),  # no type: RecordIO-protobuf
])
def test_subspace_matches_sklearn(tmp_path, data, mode, content_type):
    rc, job = _train(tmp_path, data, content_type, algorithm_mode=mode)
    assert rc == 0, job.failure
    arrays, names = ndarray.load(job.model_dir / "model_algo-1")
    saved = dict(zip(names, arrays, strict=True))
    assert saved["v"].shape == (FEATURES, 3) and saved["mean"].shape == (1, FEATURES)
    assert list(saved["s"]) == sorted(saved["s"])  # ascending, as the real one stores them
    sklearn = PCA(3).fit(data)
    # Each file holds the rows once more: the same subspace, twice the scatter.
    assert np.allclose(saved["s"][::-1], sklearn.singular_values_ * np.sqrt(2), rtol=1e-3)
    assert _captured(saved["v"], data) >= 0.98 * _captured(sklearn.components_.T, data)
    cosines = np.linalg.svd(saved["v"].T @ sklearn.components_.T, compute_uv=False)
    assert cosines.min() > 0.99
    assert np.allclose(saved["mean"][0], data.mean(axis=0), atol=1e-3)


def test_answers_in_every_shape(tmp_path, data):
    rc, job = _train(tmp_path, data)
    assert rc == 0, job.failure
    model = ALGO.load(job.model_dir)
    expected = (data[:3] - data.mean(axis=0)) @ model.v
    body, media = ALGO.invoke(model, csv_bytes(data[:3], None), "text/csv", "*/*")
    assert media == "application/json"
    answer = json.loads(body)
    assert list(answer) == ["projections"]
    assert np.allclose([p["projection"] for p in answer["projections"]], expected, atol=1e-3)
    instances = {"instances": [{"features": row.tolist()} for row in data[:3]]}
    body, _ = ALGO.invoke(model, json.dumps(instances).encode(), "application/json",
                          "application/jsonlines")
    assert np.allclose([json.loads(line)["projection"] for line in body.splitlines()],
                       expected, atol=1e-3)
    body, media = ALGO.invoke(model, recordio_bytes(data[:3], None),
                              "application/x-recordio-protobuf",
                              "application/x-recordio-protobuf")
    assert media == "application/x-recordio-protobuf"
    records = [recordio_protobuf.parse(p) for p in read_records(io.BytesIO(body))]
    assert np.allclose([list(r.label["projection"].float32_tensor.values) for r in records],
                       expected, atol=1e-3)


def test_without_subtract_mean_the_components_pass_through_the_origin(tmp_path, data):
    rc, job = _train(tmp_path, data, subtract_mean="False", num_components=1)
    assert rc == 0, job.failure
    model = ALGO.load(job.model_dir)
    assert not model.mean.any()
    # Uncentred, the mean dominates: the one component points at it.
    direction = data.mean(axis=0) / np.linalg.norm(data.mean(axis=0))
    assert abs(float(model.v[:, 0] @ direction)) > 0.99


def test_hosts_sums_combine_into_the_whole(data):
    basis = np.linalg.qr(np.random.default_rng(0).normal(size=(FEATURES, 4)))[0]
    for q, centre in ((None, True), (basis, True), (basis, False)):
        whole = Read(FEATURES, q, None)
        whole.add(data)
        parts = [Read(FEATURES, q, None), Read(FEATURES, q, data[0].astype(np.float64))]
        for index, part in enumerate(parts):
            for rows in np.array_split(data[index::2], 3):
                part.add(rows)
        rows, mean, product = combine([p.arrays() for p in parts], q, centre)
        expected = combine([whole.arrays()], q, centre)
        assert rows == expected[0] == len(data)
        assert np.allclose(mean, expected[1])
        scale = np.abs(expected[2]).max()
        assert np.abs(product - expected[2]).max() < 1e-5 * scale


@pytest.mark.parametrize(("raw", "words"), [
    ({"feature_dim": "10", "num_components": "2"}, "'mini_batch_size'"),
    ({"feature_dim": "10", "num_components": "0", "mini_batch_size": "5"},
     "(hyperparameter: num_components)"),
    ({"feature_dim": "10", "num_components": "2", "mini_batch_size": "5",
      "algorithm_mode": "fast"}, "(hyperparameter: algorithm_mode)"),
    ({"feature_dim": "10", "num_components": "2", "mini_batch_size": "5",
      "extra_components": "-2"}, "(hyperparameter: extra_components)"),
    ({"feature_dim": "10", "num_components": "2", "mini_batch_size": "5",
      "subtract_mean": "maybe"}, "(hyperparameter: subtract_mean)"),
    ({"feature_dim": "10", "num_components": "2", "mini_batch_size": "5", "k": "3"},
     "'k' was unexpected"),
])
def test_bad_hyperparameters_name_the_parameter(raw, words):
    with pytest.raises(HyperParameterError, match=None) as err:
        SPEC.validate(raw)
    assert words in str(err.value)


def test_hyperparameter_defaults_as_documented():
    config = resolve({"feature_dim": "40", "num_components": "4", "mini_batch_size": "9",
                      "subtract_mean": "True"})
    assert (config.algorithm_mode, config.subtract_mean, config.extra_components) == (
        "regular", True, 10)
    assert resolve({"feature_dim": "40", "num_components": "25", "mini_batch_size": "9"}
                   ).sketch_size == 40


def test_more_components_than_features_fails_the_job(tmp_path, data, capsys):
    rc, job = _train(tmp_path, data, num_components=11)
    assert rc == 1
    assert "num_components" in job.failure and "feature_dim" in job.failure
    assert "[ERROR] Customer Error" in capsys.readouterr().out


def test_rows_wider_than_feature_dim_fail_naming_the_record(tmp_path, data):
    wide = np.column_stack([data, data[:, :1]])
    rc, job = _train(tmp_path, wide)
    assert rc == 1 and "record 1" in job.failure and "part-0" in job.failure


def test_wrong_content_types_are_refused(tmp_path, data):
    rc, job = _train(tmp_path, data, "application/json")
    assert rc == 1 and "application/json" in job.failure
    rc, job = _train(tmp_path / "ok", data)
    model = ALGO.load(job.model_dir)
    with pytest.raises(InvocationError) as err:
        ALGO.invoke(model, b"<x/>", "application/xml", "*/*")
    assert err.value.status == 415
    with pytest.raises(InvocationError) as err:
        ALGO.invoke(model, csv_bytes(data[:1], None), "text/csv", "text/html")
    assert err.value.status == 406
