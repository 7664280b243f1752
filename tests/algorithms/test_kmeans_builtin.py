"""K-Means through `run_training` and `invoke`: quality on iris against scikit-learn, the
MXNet-format artifact, test metrics, every answer shape, bad hyperparameters and types."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from algo_kit import csv_bytes, make_job, recordio_bytes
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from sagelab.algorithms import registry
from sagelab.algorithms.contract import run_training
from sagelab.algorithms.errors import HyperParameterError
from sagelab.algorithms.io import recordio_protobuf
from sagelab.algorithms.io.recordio import read_records
from sagelab.algorithms.kmeans import ndarray
from sagelab.algorithms.kmeans.hyperparameters import resolve
from sagelab.testing import shared_data

KM = registry.get("kmeans")
IRIS = shared_data("iris.csv")


@pytest.fixture(scope="module")
def iris():
    with IRIS.open() as f:
        rows = list(csv.reader(f))[1:]
    # The file is sorted by species; a streaming first batch must see them all, as it
    # would for users, who shuffle before uploading.
    rows = [rows[i] for i in np.random.default_rng(1).permutation(len(rows))]
    x = np.array([[float(v) for v in r[1:5]] for r in rows], np.float32)
    names = sorted({r[5] for r in rows})
    return x, np.array([names.index(r[5]) for r in rows])


def _train(tmp_path, hyperparameters, channels, content_type="text/csv;label_size=0"):
    job = make_job(tmp_path, {"feature_dim": 4, "k": 3, **hyperparameters}, channels,
                   {name: content_type for name in channels})
    return run_training("kmeans", tmp_path), job


@pytest.mark.parametrize("init", ["random", "kmeans++"])
def test_iris_clusters_as_well_as_sklearn(tmp_path, iris, init, capsys):
    x, species = iris
    rc, job = _train(tmp_path, {"init_method": init, "mini_batch_size": 50, "epochs": 5,
                                "eval_metrics": '["msd", "ssd"]'},
                     {"train": {"iris.csv": csv_bytes(x, None)},
                      "test": {"iris.csv": csv_bytes(x, None)}})
    assert rc == 0, job.failure
    out = capsys.readouterr().out
    assert "#quality_metric: host=algo-1, test msd <loss>=" in out
    assert "#quality_metric: host=algo-1, test ssd <loss>=" in out
    arrays, names = ndarray.load(job.model_dir / "model_algo-1")
    assert names == [] and arrays[0].shape == (3, 4)
    answer, _ = KM.invoke(KM.load(job.model_dir), csv_bytes(x, None), "text/csv", "*/*")
    ours = [int(p["closest_cluster"]) for p in json.loads(answer)["predictions"]]
    theirs = KMeans(3, n_init=10, random_state=0).fit_predict(x)
    assert adjusted_rand_score(species, ours) >= 0.9 * adjusted_rand_score(species, theirs)


def test_answers_in_every_shape(tmp_path, iris):
    x, _ = iris
    rc, job = _train(tmp_path, {"extra_center_factor": 1, "half_life_time_size": 100},
                     {"train": {"d": recordio_bytes(x, None)}}, None)  # no type: recordio
    assert rc == 0, job.failure
    model = KM.load(job.model_dir)
    body = csv_bytes(x[:2], None)
    parsed = json.loads(KM.invoke(model, body, "text/csv", "application/json")[0])
    first = parsed["predictions"][0]
    centroid = model.centroids[int(first["closest_cluster"])]
    assert first["distance_to_cluster"] == pytest.approx(float(np.linalg.norm(x[0] - centroid)),
                                                         rel=1e-4)
    text, media = KM.invoke(model, body, "text/csv", "text/csv")
    assert media == "text/csv" and text.decode().splitlines()[0].count(",") == 1
    lines, _ = KM.invoke(model, b'{"features": [5.1, 3.5, 1.4, 0.2]}\n',
                         "application/jsonlines", "application/jsonlines")
    assert set(json.loads(lines)) == {"closest_cluster", "distance_to_cluster"}
    packed, _ = KM.invoke(model, recordio_bytes(x[:3], None), "application/x-recordio-protobuf",
                          "application/x-recordio-protobuf")
    records = [recordio_protobuf.parse(p) for p in read_records(io.BytesIO(packed))]
    assert len(records) == 3 and "closest_cluster" in records[0].label


@pytest.mark.parametrize("raw, words", [
    ({"feature_dim": "4"}, "'k'"),
    ({"feature_dim": "4", "k": "0"}, "k"),
    ({"feature_dim": "4", "k": "3", "init_method": "forgy"}, "init_method"),
    ({"feature_dim": "4", "k": "3", "eval_metrics": '["rmse"]'}, "eval_metrics"),
    ({"feature_dim": "4", "k": "3", "local_lloyd_tol": "2"}, "local_lloyd_tol"),
])
def test_bad_hyperparameters_name_the_parameter(raw, words):
    with pytest.raises(HyperParameterError, match=words):
        resolve(raw)


def test_wrong_content_type_is_a_client_error(tmp_path, iris):
    x, _ = iris
    rc, job = _train(tmp_path, {}, {"train": {"d": csv_bytes(x, None)}}, "application/json")
    assert rc == 1 and "application/json" in job.failure
