"""K-Means through the unchanged SageMaker SDK v2, as the lesson's notebook does it:
`sagemaker.KMeans` → `record_set` → `fit` → `deploy` → `predict` with the K-Means predictor's
default RecordIO serializer and deserializer → clusters of iris as good as scikit-learn's
(adjusted Rand index) → delete the endpoint."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from builtin_story import make_role, notebook
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from sagelab.testing import SagelabServer, shared_data

pytestmark = pytest.mark.slow


def test_fit_deploy_predict_delete_on_iris(server: SagelabServer, tmp_path: Path) -> None:
    with shared_data("iris.csv").open() as f:
        rows = list(csv.reader(f))[1:]
    # Shuffled, as users upload it: the file is sorted by species.
    rows = [rows[i] for i in np.random.default_rng(1).permutation(len(rows))]
    x = np.array([[float(v) for v in r[1:5]] for r in rows], np.float32)
    species = [r[5] for r in rows]
    np.save(tmp_path / "iris.npy", x)
    _, result = notebook(server, tmp_path, make_role(server), """
        X = np.load("iris.npy")
        kmeans = sagemaker.KMeans(role=role, instance_count=1, instance_type="ml.m5.large",
                                  k=3, epochs=5, init_method="kmeans++",
                                  sagemaker_session=session)
        kmeans.fit(kmeans.record_set(X), mini_batch_size=50, logs=False)
        predictor = kmeans.deploy(initial_instance_count=1, instance_type="ml.m5.large")
        records = predictor.predict(X)
        clusters = [r.label["closest_cluster"].float32_tensor.values[0] for r in records]
        distances = [r.label["distance_to_cluster"].float32_tensor.values[0] for r in records]
        name = predictor.endpoint_name
        predictor.delete_endpoint()
        sm = session.sagemaker_client
        sm.get_waiter("endpoint_deleted").wait(
            EndpointName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
        print()  # deploy's progress dots end without a newline
        report(clusters=clusters, distances=distances,
               endpoints=[e["EndpointName"] for e in sm.list_endpoints()["Endpoints"]],
               name=name)
        """)
    assert len(result["clusters"]) == len(x)
    assert all(d >= 0 for d in result["distances"])
    ours = adjusted_rand_score(species, [int(c) for c in result["clusters"]])
    theirs = adjusted_rand_score(species, KMeans(3, n_init=10, random_state=0).fit_predict(x))
    assert ours >= 0.9 * theirs
    assert result["name"] not in result["endpoints"]
