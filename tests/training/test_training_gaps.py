"""Training stories at the edges of the issue, through boto3: Linear Learner data-parallel
over two hosts, CheckpointConfig restored and saved, augmented manifests, gzip in Pipe mode."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from training_kit import LL_IMAGE, channel, csv_rows, job_request, regression_data, wait_done

from sagelab.testing import SagelabServer

_GROUP = "/aws/sagemaker/TrainingJobs"
_PIPE = {"TrainingImage": LL_IMAGE, "TrainingInputMode": "Pipe"}


def _final(job: dict[str, Any]) -> dict[str, float]:
    assert job["TrainingJobStatus"] == "Completed", job.get("FailureReason")
    return {m["MetricName"]: m["Value"] for m in job["FinalMetricDataList"]}


def _run(client: Any, request: dict[str, Any]) -> dict[str, Any]:
    client("sagemaker").create_training_job(**request)
    return wait_done(client("sagemaker"), request["TrainingJobName"])


def test_two_hosts_train_one_model_from_both_shards(
    client: Any, role: str, bucket: str
) -> None:
    """Each shard varies half the features only: a host alone learns half the model."""
    x, y = regression_data(rows=400)
    x[:200, 7:] = 0
    x[200:, :7] = 0
    y = (x @ np.linspace(1, 2, 13) + 3).astype("float32")
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="dp/train/a.csv", Body=csv_rows(x[:200], y[:200]))
    s3.put_object(Bucket=bucket, Key="dp/train/b.csv", Body=csv_rows(x[200:], y[200:]))
    held_x, _ = regression_data(rows=100)
    held_y = (held_x @ np.linspace(1, 2, 13) + 3).astype("float32")
    s3.put_object(Bucket=bucket, Key="dp/validation/v.csv", Body=csv_rows(held_x, held_y))
    sharded = {"S3DataDistributionType": "ShardedByS3Key"}
    validation = channel("validation", f"s3://{bucket}/dp/validation/", ContentType="text/csv")
    params = {"feature_dim": "13", "predictor_type": "regressor", "mini_batch_size": "20",
              "epochs": "15", "num_models": "4"}

    def train(prefix: str, hosts: int) -> float:
        train = channel("train", f"s3://{bucket}/dp/{prefix}", ContentType="text/csv",
                        source=sharded)
        resources = {"InstanceCount": hosts, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 1}
        request = job_request(role, bucket, [train, validation], HyperParameters=params,
                              ResourceConfig=resources)
        return _final(_run(client, request))["validation:mse"]

    both = train("train/", 2)
    one_shard = train("train/a.csv", 1)
    assert both < 0.2 * one_shard, (both, one_shard)
    assert both < 0.5


def _job_dir(server: SagelabServer, name: str) -> Path:
    return server.data_dir / "jobs" / "us-east-1" / name


def test_checkpoints_restored_at_start_and_saved_on_stop(
    server: SagelabServer, client: Any, role: str, bucket: str
) -> None:
    s3, sm = client("s3"), client("sagemaker")
    x, y = regression_data()
    s3.put_object(Bucket=bucket, Key="ck/train/t.csv", Body=csv_rows(x, y))
    s3.put_object(Bucket=bucket, Key="ck/saved/step-1/state.bin", Body=b"earlier run")
    long_run = {"feature_dim": "13", "predictor_type": "regressor", "mini_batch_size": "10",
                "epochs": "1000000", "early_stopping_patience": "1000000"}
    request = job_request(
        role, bucket, [channel("train", f"s3://{bucket}/ck/train/", ContentType="text/csv")],
        HyperParameters=long_run,
        CheckpointConfig={"S3Uri": f"s3://{bucket}/ck/saved"},
    )
    name = request["TrainingJobName"]
    sm.create_training_job(**request)
    try:
        deadline = time.monotonic() + 60
        while sm.describe_training_job(TrainingJobName=name)["SecondaryStatus"] != "Training":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        local = _job_dir(server, name) / "algo-1" / "checkpoints"
        assert (local / "step-1" / "state.bin").read_bytes() == b"earlier run"
        (local / "step-2").mkdir()
        (local / "step-2" / "state.bin").write_bytes(b"this run")
    finally:  # never leave an endless job running for the tests after this one
        sm.stop_training_job(TrainingJobName=name)
    assert wait_done(sm, name)["TrainingJobStatus"] == "Stopped"
    saved = s3.get_object(Bucket=bucket, Key="ck/saved/step-2/state.bin")["Body"].read()
    assert saved == b"this run"
    assert sm.describe_training_job(TrainingJobName=name)["CheckpointConfig"] == {
        "S3Uri": f"s3://{bucket}/ck/saved"
    }


def _augmented_manifest(client: Any, bucket: str) -> str:
    """JSON Lines: a CSV row per line under `row`, and a `note` that must not be read."""
    x, y = regression_data()
    rows = csv_rows(x, y).decode().splitlines()
    lines = [json.dumps({"row": row, "note": "not,a,number"}) for row in rows]
    client("s3").put_object(Bucket=bucket, Key="aug/train.manifest",
                            Body="\n".join(lines).encode())
    return f"s3://{bucket}/aug/train.manifest"


def _augmented_channel(uri: str) -> dict[str, Any]:
    source = {"S3DataType": "AugmentedManifestFile", "AttributeNames": ["row"]}
    return channel("train", uri, ContentType="text/csv", RecordWrapperType="RecordIO",
                   source=source)


def test_augmented_manifest_streams_its_attributes_in_pipe_mode(
    client: Any, role: str, bucket: str
) -> None:
    uri = _augmented_manifest(client, bucket)
    request = job_request(role, bucket, [_augmented_channel(uri)], AlgorithmSpecification=_PIPE)
    _final(_run(client, request))


def test_augmented_manifest_in_file_mode_fails_as_a_client_error(
    client: Any, role: str, bucket: str
) -> None:
    uri = _augmented_manifest(client, bucket)
    job = _run(client, job_request(role, bucket, [_augmented_channel(uri)]))
    assert job["TrainingJobStatus"] == "Failed"
    assert job["FailureReason"].startswith("ClientError: ")
    assert "AugmentedManifestFile" in job["FailureReason"] and "Pipe" in job["FailureReason"]


def test_gzip_objects_are_decompressed_in_pipe_mode(client: Any, role: str, bucket: str) -> None:
    x, y = regression_data()
    for part in range(2):
        body = gzip.compress(csv_rows(x[part::2], y[part::2]))
        client("s3").put_object(Bucket=bucket, Key=f"gz/train/part-{part}.csv.gz", Body=body)
    train = channel("train", f"s3://{bucket}/gz/train/", ContentType="text/csv",
                    CompressionType="Gzip")
    request = job_request(role, bucket, [train], AlgorithmSpecification=_PIPE)
    assert _final(_run(client, request))["train:objective_loss"] < 1.0

    logs = client("logs")
    (stream,) = logs.describe_log_streams(
        logGroupName=_GROUP, logStreamNamePrefix=request["TrainingJobName"] + "/")["logStreams"]
    events = logs.get_log_events(logGroupName=_GROUP, logStreamName=stream["logStreamName"],
                                 startFromHead=True)["events"]
    records = [json.loads(e["message"][len("#metrics "):]) for e in events
               if e["message"].startswith("#metrics ")]
    assert [r["Dimensions"]["epoch"] for r in records] == [0, 1, 2]
    assert records[0]["Dimensions"]["Algorithm"] == "Linear Learner"
    last = records[-1]["Metrics"]["train_mse_objective"]
    assert last["count"] == 1 and 0 < last["sum"] == last["min"] == last["max"] < 1.0
