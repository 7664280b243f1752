"""DeepAR through the unchanged SageMaker SDK v2, as the forecasting notebooks use it: the
generic Estimator on `image_uris.retrieve("forecasting-deepar")` with JSON Lines channels in
S3, `fit` → `deploy` → `predict` with JSONSerializer → delete; a refused content type; a job
failed by a bad hyperparameter; a batch transform of JSON Lines configured by
`DEEPAR_INFERENCE_CONFIG`."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import numpy as np
import pytest
from algo_kit import make_job
from builtin_story import make_role, notebook

from sagelab.algorithms.deepar import evaluation
from sagelab.testing import SagelabServer, shared_data

pytestmark = pytest.mark.slow
HORIZON = 12
START = "1949-01-01 00:00:00"
HYPERPARAMETERS = {"time_freq": "M", "context_length": 24, "prediction_length": HORIZON,
                   "epochs": 10, "mini_batch_size": 32, "learning_rate": 0.003}
_LOAD = f"""
import csv
from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
with open({str(shared_data("air_passengers.csv"))!r}) as f:
    y = [float(row[1]) for row in list(csv.reader(f))[1:]]
start, H = {START!r}, {HORIZON}
hp = {HYPERPARAMETERS!r}
image = image_uris.retrieve("forecasting-deepar", session.boto_region_name)
def upload(name, *series):
    with open(name, "w") as f:
        f.writelines(json.dumps(s) + "\\n" for s in series)
    return session.upload_data(name, key_prefix="deepar/" + name)
train = upload("train.json", {{"start": start, "target": y[:-H]}})
"""


def _air_passengers() -> list[float]:
    with shared_data("air_passengers.csv").open() as f:
        return [float(row[1]) for row in list(csv.reader(f))[1:]]


def test_estimator_fits_deploys_and_forecasts(server: SagelabServer, tmp_path: Path) -> None:
    out, result = notebook(server, tmp_path, make_role(server), _LOAD + textwrap.dedent("""
        from sagemaker.serializers import JSONSerializer
        from sagemaker.deserializers import JSONDeserializer
        test = upload("test.json", {"start": start, "target": y})
        est = Estimator(image, role, instance_count=1, instance_type="ml.m5.large",
                        sagemaker_session=session, hyperparameters=hp)
        est.fit({"train": TrainingInput(train, content_type="json"),
                 "test": TrainingInput(test, content_type="json")}, logs=True)
        predictor = est.deploy(1, "ml.m5.large", serializer=JSONSerializer(),
                               deserializer=JSONDeserializer())
        answer = predictor.predict({"instances": [{"start": start, "target": y[:-H]}],
                                    "configuration": {"num_samples": 100,
                                                      "output_types": ["mean", "quantiles"],
                                                      "quantiles": ["0.1", "0.5", "0.9"]}})
        try:
            session.sagemaker_runtime_client.invoke_endpoint(
                EndpointName=predictor.endpoint_name, Body=b"1,2,3", ContentType="text/csv")
            wrong = None
        except Exception as exc:
            wrong = str(exc)
        predictor.delete_model()  # first: it finds the model through the endpoint's config
        predictor.delete_endpoint()
        print()  # the waiters' progress dots end without one
        report(answer=answer, wrong=wrong)
        """))
    assert "#test_score (algo-1, RMSE):" in out
    forecast = result["answer"]["predictions"][0]
    low, mid, high = (np.array(forecast["quantiles"][q]) for q in ("0.1", "0.5", "0.9"))
    assert (low <= mid).all() and (mid <= high).all() and (low < high).any()
    y = np.array(_air_passengers())
    truth, last_season = y[None, -HORIZON:], y[None, -2 * HORIZON:-HORIZON]
    assert evaluation.rmse(truth, np.array([forecast["mean"]])) < evaluation.rmse(
        truth, last_season)
    assert result["wrong"] and "text/csv" in result["wrong"]


def _model_tarball(tmp_path: Path) -> bytes:
    """A model trained here, by the algorithm alone, packed as a job's output would be."""
    series = json.dumps({"start": START, "target": _air_passengers()[:-HORIZON]}) + "\n"
    job = make_job(tmp_path / "job", HYPERPARAMETERS, {"train": {"t.json": series.encode()}},
                   {"train": "json"})
    # As a job's child process: one BLAS thread, as the platform runs it.
    done = subprocess.run([sys.executable, "-m", "sagelab.algorithms", "forecasting-deepar",
                           str(job.base)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, job.failure
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for path in job.model_dir.iterdir():
            archive.add(path, path.name)
    return out.getvalue()


def test_bad_hyperparameter_fails_and_batch_transform_forecasts(
        server: SagelabServer, tmp_path: Path) -> None:
    bucket = "sagemaker-deepar-batch"  # the role's managed policy reaches sagemaker-* buckets
    server.client("s3").create_bucket(Bucket=bucket)
    server.client("s3").put_object(Bucket=bucket, Key="model/model.tar.gz",
                                   Body=_model_tarball(tmp_path))
    _, result = notebook(server, tmp_path, make_role(server), _LOAD + textwrap.dedent(f"""
        from sagemaker.model import Model
        from sagemaker.s3 import S3Downloader
        def fit(**bad_values):
            bad = Estimator(image, role, instance_count=1, instance_type="ml.m5.large",
                            sagemaker_session=session, hyperparameters=dict(hp, **bad_values))
            try:
                bad.fit({{"train": TrainingInput(train, content_type="json")}}, logs=False)
            except Exception as exc:
                return bad, str(exc)
            return bad, None
        refused, refusal = fit(likelihood="poisson")  # the spec's own check: at CreateTrainingJob
        failed, error = fit(time_freq="Q")  # the algorithm's check: the job fails
        described = session.sagemaker_client.describe_training_job(
            TrainingJobName=failed.latest_training_job.name)
        batch = upload("batch.json", {{"start": start, "target": y[:-H]}},
                       {{"start": start, "target": y[:-2 * H]}})
        model = Model(image, "s3://{bucket}/model/model.tar.gz", role=role,
                      sagemaker_session=session)
        config = {{"num_samples": 50, "output_types": ["quantiles"], "quantiles": ["0.1", "0.9"]}}
        transformer = model.transformer(1, "ml.m5.large", strategy="SingleRecord",
                                        assemble_with="Line", accept="application/jsonlines",
                                        output_path="s3://{bucket}/predictions",
                                        env={{"DEEPAR_INFERENCE_CONFIG": json.dumps(config)}})
        transformer.transform(batch, content_type="application/jsonlines", split_type="Line")
        transformer.wait(logs=False)
        lines = S3Downloader.read_file("s3://{bucket}/predictions/batch.json.out",
                                       sagemaker_session=session).splitlines()
        print()
        report(refusal=refusal, created=refused.latest_training_job is not None, error=error,
               status=described["TrainingJobStatus"],
               reason=described.get("FailureReason"), lines=[json.loads(ln) for ln in lines])
        """))
    assert "ValidationException" in result["refusal"] and "likelihood" in result["refusal"]
    assert not result["created"]
    assert result["status"] == "Failed"
    assert result["reason"].startswith("ClientError: ") and "time_freq" in result["reason"]
    assert result["error"] and "time_freq" in result["error"]
    assert len(result["lines"]) == 2
    for line in result["lines"]:
        assert set(line) == {"quantiles"} and set(line["quantiles"]) == {"0.1", "0.9"}
        low, high = np.array(line["quantiles"]["0.1"]), np.array(line["quantiles"]["0.9"])
        assert len(low) == HORIZON and (low <= high).all()
