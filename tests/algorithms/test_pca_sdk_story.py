"""PCA through the unchanged SageMaker SDK v2, as a notebook does it: `sagemaker.PCA` →
`record_set` → `fit` → `deploy` → `predict` with the PCA predictor's default RecordIO
serializer and deserializer → the subspace compared with scikit-learn's → a request of the
wrong content type → delete; a batch transform with the trained model; hyperparameters the
algorithm refuses."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from builtin_story import make_role, notebook
from sklearn.decomposition import PCA

from sagelab.testing import SagelabServer

pytestmark = pytest.mark.slow
_DATA = """
rng = np.random.default_rng(3)
basis = np.linalg.qr(rng.normal(size=(12, 12)))[0]
X = ((rng.normal(size=(600, 12)) * np.geomspace(6, 0.2, 12)) @ basis + 4).astype("float32")
"""


def _data() -> np.ndarray:
    scope: dict[str, object] = {"np": np}
    exec(_DATA, scope)  # the notebook's own rows, rebuilt here for the baseline
    return np.asarray(scope["X"])


def test_fit_deploy_predict_delete(server: SagelabServer, tmp_path: Path) -> None:
    _, result = notebook(server, tmp_path, make_role(server), _DATA + textwrap.dedent("""
        pca = sagemaker.PCA(role=role, instance_count=1, instance_type="ml.m5.large",
                            num_components=3, algorithm_mode="regular", subtract_mean=True,
                            sagemaker_session=session)
        pca.fit(pca.record_set(X), logs=False)
        predictor = pca.deploy(initial_instance_count=1, instance_type="ml.m5.large")
        records = predictor.predict(X[:50])
        projections = [list(r.label["projection"].float32_tensor.values) for r in records]
        runtime = session.sagemaker_runtime_client
        try:
            runtime.invoke_endpoint(EndpointName=predictor.endpoint_name, Body=b"<x/>",
                                    ContentType="application/xml")
            refused = None
        except runtime.exceptions.ModelError as err:
            refused = err.response
        name = predictor.endpoint_name
        predictor.delete_endpoint()
        session.sagemaker_client.get_waiter("endpoint_deleted").wait(
            EndpointName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
        print()  # deploy's progress dots end without a newline
        report(projections=projections, refused=refused)
        """))
    x = _data()
    ours = np.array(result["projections"])
    assert ours.shape == (50, 3)
    sklearn = PCA(3).fit(x)
    # The same subspace: sklearn's projections are a rotation of ours (R² of the fit).
    theirs = sklearn.transform(x[:50])
    coef, residual, *_ = np.linalg.lstsq(ours, theirs, rcond=None)
    r2 = 1 - residual.sum() / ((theirs - theirs.mean(axis=0)) ** 2).sum()
    assert r2 >= 0.98
    # Ascending order of singular value, as the real one answers: the last is the largest.
    assert np.var(ours[:, 2]) > np.var(ours[:, 1]) > np.var(ours[:, 0])
    assert np.allclose(np.abs(coef), np.eye(3)[:, ::-1], atol=0.05)
    refused = result["refused"]
    assert refused["Error"]["Code"] == "ModelError"
    assert refused["OriginalStatusCode"] == 415
    assert "application/xml" in refused["OriginalMessage"]


def test_batch_transform_and_refused_hyperparameters(server: SagelabServer, tmp_path: Path
                                                     ) -> None:
    _, result = notebook(server, tmp_path, make_role(server), _DATA + textwrap.dedent("""
        import boto3
        from sagemaker.estimator import Estimator
        pca = sagemaker.PCA(role=role, instance_count=1, instance_type="ml.m5.large",
                            num_components=2, algorithm_mode="randomized",
                            sagemaker_session=session)
        records = pca.record_set(X)
        pca.fit(records, logs=False)
        bucket = session.default_bucket()
        np.savetxt("rows.csv", X[:40], delimiter=",")
        source = session.upload_data("rows.csv", bucket=bucket, key_prefix="pca-batch/in")
        transformer = pca.transformer(instance_count=1, instance_type="ml.m5.large",
                                      strategy="MultiRecord", assemble_with="Line",
                                      accept="application/jsonlines",
                                      output_path=f"s3://{bucket}/pca-batch/out")
        transformer.transform(source, content_type="text/csv", split_type="Line", wait=True,
                              logs=False)
        out = boto3.client("s3").get_object(Bucket=bucket, Key="pca-batch/out/rows.csv.out")
        lines = out["Body"].read().decode().splitlines()
        image = image_uris.retrieve("pca", session.boto_region_name)
        def failure(**hyperparameters):
            est = Estimator(image, role, instance_count=1, instance_type="ml.m5.large",
                            sagemaker_session=session, hyperparameters=hyperparameters)
            try:
                est.fit({"train": records.records_s3_input()}, logs=False)
            except Exception as exc:
                job = est.latest_training_job
                described = job.describe() if job else {}
                return [type(exc).__name__, str(exc), described.get("FailureReason")]
            return None
        base = {"feature_dim": 12, "mini_batch_size": 100}
        report(lines=[json.loads(line) for line in lines],
               too_many=failure(**base, num_components=20),
               bad_mode=failure(**base, num_components=2, algorithm_mode="fast"),
               missing=failure(feature_dim=12, num_components=2))
        """))
    x = _data()
    projections = np.array([row["projection"] for row in result["lines"]])
    assert projections.shape == (40, 2)
    theirs = PCA(2).fit(x).transform(x[:40])
    tolerance = 0.05 * np.abs(theirs).max()
    assert np.allclose(np.abs(projections[:, ::-1]), np.abs(theirs), atol=tolerance)
    kind, _, reason = result["too_many"]
    assert kind == "UnexpectedStatusException"
    assert reason.startswith("ClientError: ") and "num_components" in reason
    kind, message, _ = result["bad_mode"]
    assert "ValidationException" in message and "algorithm_mode" in message
    kind, message, _ = result["missing"]
    assert "ValidationException" in message and "mini_batch_size" in message
