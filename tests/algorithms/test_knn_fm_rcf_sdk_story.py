"""The first-party k-NN, Factorization Machines and Random Cut Forest estimators of the
unchanged SageMaker SDK v2 (`record_set` → `fit`) against a real server; the trained artifact
is then downloaded from S3 and answered by the algorithm's own `invoke`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import textwrap
import uuid
from pathlib import Path

import pytest

from sagelab.algorithms import registry
from sagelab.testing import SagelabServer

pytestmark = pytest.mark.slow
TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": ["sagemaker.amazonaws.com"]},
    "Action": "sts:AssumeRole"}]}
_PREAMBLE = """
import json, sys
import numpy as np
import sagemaker
rng = np.random.default_rng(7)
session = sagemaker.Session()
role = sys.argv[1]
"""


def _role(server: SagelabServer) -> str:
    iam = server.client("iam")
    name = f"SageMakerRole-{uuid.uuid4().hex[:8]}"
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))[
        "Role"]["Arn"]
    iam.attach_role_policy(RoleName=name,
                           PolicyArn="arn:aws:iam::aws:policy/AmazonSageMakerFullAccess")
    return arn


def _fit(server: SagelabServer, tmp_path: Path, cells: str) -> str:
    """Runs a notebook's cells in a fresh interpreter; answers the model's S3 URI."""
    env = server.env() | {"HOME": str(tmp_path), "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", _PREAMBLE + textwrap.dedent(cells),
                           _role(server)], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=150)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def _invoke(server: SagelabServer, tmp_path: Path, algorithm: str, model_data: str,
            body: bytes, content_type: str) -> dict:
    bucket, key = model_data.removeprefix("s3://").split("/", 1)
    tarball = server.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(tarball)) as archive:
        archive.extractall(tmp_path / "model", filter="data")
    implementation = registry.get(algorithm)
    answer, _ = implementation.invoke(implementation.load(tmp_path / "model"), body,
                                      content_type, "application/json")
    return json.loads(answer)


def test_knn_estimator_fits_a_record_set(server: SagelabServer, tmp_path: Path) -> None:
    model_data = _fit(server, tmp_path, """
        X = rng.normal(size=(300, 4)).astype("float32")
        y = (X[:, 0] > 0).astype("float32")
        est = sagemaker.KNN(role=role, instance_count=1, instance_type="ml.m5.large", k=5,
                            sample_size=300, predictor_type="classifier",
                            sagemaker_session=session)
        est.fit(est.record_set(X, labels=y))
        print(est.model_data)
        """)
    answer = _invoke(server, tmp_path, "knn", model_data, b"3,0,0,0\n-3,0,0,0", "text/csv")
    assert answer == {"predictions": [{"predicted_label": 1.0}, {"predicted_label": 0.0}]}


def test_factorization_machines_estimator_fits_a_record_set(
        server: SagelabServer, tmp_path: Path) -> None:
    model_data = _fit(server, tmp_path, """
        X = rng.integers(0, 2, size=(400, 6)).astype("float32")
        y = X[:, 0].astype("float32")
        est = sagemaker.FactorizationMachines(
            role=role, instance_count=1, instance_type="ml.m5.large", num_factors=2,
            predictor_type="binary_classifier", epochs=5, sagemaker_session=session)
        est.fit(est.record_set(X, labels=y), mini_batch_size=50)
        print(est.model_data)
        """)
    answer = _invoke(server, tmp_path, "factorization-machines", model_data,
                     b'{"instances": [{"features": [1, 0, 0, 0, 0, 0]}]}', "application/json")
    assert set(answer["predictions"][0]) == {"score", "predicted_label"}


def test_random_cut_forest_estimator_fits_a_record_set(
        server: SagelabServer, tmp_path: Path) -> None:
    model_data = _fit(server, tmp_path, """
        X = rng.normal(size=(500, 3)).astype("float32")
        est = sagemaker.RandomCutForest(role=role, instance_count=1,
                                        instance_type="ml.m5.large", num_trees=50,
                                        num_samples_per_tree=64, sagemaker_session=session)
        est.fit(est.record_set(X))
        print(est.model_data)
        """)
    answer = _invoke(server, tmp_path, "randomcutforest", model_data, b"0,0,0\n20,20,20",
                     "text/csv")
    near, far = (row["score"] for row in answer["scores"])
    assert far > near
