"""Training jobs that really train, driven with boto3 as a notebook's cells would: the status
machine, artifacts, logs and metrics, input modes, failures the user can act on, stops."""

from __future__ import annotations

import io
import json
import tarfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from training_kit import (
    LL_IMAGE,
    channel,
    csv_rows,
    job_request,
    make_role,
    regression_data,
    wait_done,
)

from sagelab.testing import SagelabServer

GROUP = "/aws/sagemaker/TrainingJobs"
_LONG = {
    "feature_dim": "13",
    "predictor_type": "regressor",
    "mini_batch_size": "10",
    "epochs": "1000000",
    "early_stopping_patience": "1000000",
}


def _streams(client: Any, job: str) -> list[str]:
    found = client("logs").describe_log_streams(
        logGroupName=GROUP, logStreamNamePrefix=f"{job}/", orderBy="LogStreamName"
    )
    return [s["logStreamName"] for s in found["logStreams"]]


def _messages(client: Any, stream: str) -> list[str]:
    events = client("logs").get_log_events(
        logGroupName=GROUP, logStreamName=stream, startFromHead=True
    )
    return [e["message"] for e in events["events"]]


def test_recordio_job_completes_with_model_logs_and_metrics(
    client: Any, role: str, bucket: str, boston: Callable[[str], str]
) -> None:
    sm = client("sagemaker")
    request = job_request(
        role,
        bucket,
        [channel("train", boston("train")), channel("validation", boston("validation"))],
    )
    name = request["TrainingJobName"]
    sm.create_training_job(**request)
    job = wait_done(sm, name)

    assert job["TrainingJobStatus"] == "Completed", job.get("FailureReason")
    assert [t["Status"] for t in job["SecondaryStatusTransitions"]] == [
        "Starting",
        "Downloading",
        "Training",
        "Uploading",
        "Completed",
    ]
    assert all(t["StatusMessage"] for t in job["SecondaryStatusTransitions"])
    assert job["TrainingTimeInSeconds"] >= 1 and job["BillableTimeInSeconds"] >= 1
    assert job["LastModifiedTime"] >= job["CreationTime"]
    assert job["OutputDataConfig"]["KmsKeyId"] == ""
    uri = job["ModelArtifacts"]["S3ModelArtifacts"]
    assert uri == f"s3://{bucket}/output/{name}/output/model.tar.gz"
    body = client("s3").get_object(Bucket=bucket, Key=f"output/{name}/output/model.tar.gz")["Body"]
    with tarfile.open(fileobj=io.BytesIO(body.read())) as tar:
        assert "model_algo-1" in tar.getnames()

    (stream,) = _streams(client, name)
    assert stream.startswith(f"{name}/algo-1-")
    assert any(
        m.startswith("#quality_metric: host=algo-1, validation mse")
        for m in _messages(client, stream)
    )
    final = {m["MetricName"]: m["Value"] for m in job["FinalMetricDataList"]}
    assert final["validation:objective_loss"] > 0
    assert "validation:mse" in final
    names = [d["Name"] for d in job["AlgorithmSpecification"]["MetricDefinitions"]]
    assert "validation:objective_loss" in names

    stats = client("cloudwatch").get_metric_statistics(
        Namespace=GROUP,
        MetricName="validation:mse",
        Dimensions=[{"Name": "TrainingJobName", "Value": name}],
        StartTime=datetime.now(UTC) - timedelta(minutes=10),
        EndTime=datetime.now(UTC) + timedelta(minutes=1),
        Period=60,
        Statistics=["Average"],
    )
    assert [round(p["Average"], 6) for p in stats["Datapoints"]] == [
        round(final["validation:mse"], 6)
    ]


def test_csv_in_pipe_mode(client: Any, role: str, bucket: str) -> None:
    x, y = regression_data()
    client("s3").put_object(
        Bucket=bucket, Key="csv/train/part-1.csv", Body=csv_rows(x[:100], y[:100])
    )
    client("s3").put_object(
        Bucket=bucket, Key="csv/train/part-2.csv", Body=csv_rows(x[100:], y[100:])
    )
    request = job_request(
        role,
        bucket,
        [channel("train", f"s3://{bucket}/csv/train/", ContentType="text/csv")],
        AlgorithmSpecification={"TrainingImage": LL_IMAGE, "TrainingInputMode": "Pipe"},
    )
    client("sagemaker").create_training_job(**request)
    job = wait_done(client("sagemaker"), request["TrainingJobName"])
    assert job["TrainingJobStatus"] == "Completed", job.get("FailureReason")


def test_manifest_sharded_over_two_instances(client: Any, role: str, bucket: str) -> None:
    x, y = regression_data()
    s3 = client("s3")
    for i in range(2):
        s3.put_object(Bucket=bucket, Key=f"sets/ll/part_{i}.csv", Body=csv_rows(x[i::2], y[i::2]))
    manifest = [{"prefix": f"s3://{bucket}/sets/ll/"}, "part_0.csv", "part_1.csv"]
    s3.put_object(Bucket=bucket, Key="sets/.manifest", Body=json.dumps(manifest).encode())
    source = {"S3DataType": "ManifestFile", "S3DataDistributionType": "ShardedByS3Key"}
    request = job_request(
        role,
        bucket,
        [channel("train", f"s3://{bucket}/sets/.manifest", ContentType="text/csv", source=source)],
        ResourceConfig={"InstanceCount": 2, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 30},
    )
    name = request["TrainingJobName"]
    client("sagemaker").create_training_job(**request)
    job = wait_done(client("sagemaker"), name)
    assert job["TrainingJobStatus"] == "Completed", job.get("FailureReason")
    streams = _streams(client, name)
    assert [s.rsplit("-", 1)[0] for s in streams] == [f"{name}/algo-1", f"{name}/algo-2"]


def test_corrupt_csv_fails_naming_the_file_and_record(client: Any, role: str, bucket: str) -> None:
    x, y = regression_data(rows=20)
    rows = csv_rows(x, y).decode().splitlines()
    rows[6] = "1.0,abc," + ",".join(["0"] * 12)
    client("s3").put_object(Bucket=bucket, Key="bad/train.csv", Body="\n".join(rows).encode())
    request = job_request(
        role, bucket, [channel("train", f"s3://{bucket}/bad/", ContentType="text/csv")]
    )
    client("sagemaker").create_training_job(**request)
    job = wait_done(client("sagemaker"), request["TrainingJobName"])
    assert job["TrainingJobStatus"] == "Failed"
    reason = job["FailureReason"]
    assert reason.startswith("ClientError: ") and "train.csv" in reason and "7" in reason
    assert job["SecondaryStatus"] == "Failed"
    assert "ModelArtifacts" not in job


def test_role_without_s3_access_fails_with_access_denied(
    server: SagelabServer, client: Any, bucket: str, boston: Callable[[str], str]
) -> None:
    role = make_role(server, [])  # trusts SageMaker, may do nothing
    request = job_request(role, bucket, [channel("train", boston("train"))])
    client("sagemaker").create_training_job(**request)
    job = wait_done(client("sagemaker"), request["TrainingJobName"])
    assert job["TrainingJobStatus"] == "Failed"
    assert job["FailureReason"].startswith("ClientError: ")
    assert "AccessDenied" in job["FailureReason"]


def test_stop_a_long_job(client: Any, role: str, bucket: str, boston: Callable[[str], str]) -> None:
    sm = client("sagemaker")
    request = job_request(role, bucket, [channel("train", boston("train"))], HyperParameters=_LONG)
    name = request["TrainingJobName"]
    sm.create_training_job(**request)
    deadline = time.monotonic() + 30
    while sm.describe_training_job(TrainingJobName=name)["SecondaryStatus"] != "Training":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    stopped_at = time.monotonic()
    sm.stop_training_job(TrainingJobName=name)
    job = wait_done(sm, name, timeout=5)
    assert time.monotonic() - stopped_at < 5
    assert (job["TrainingJobStatus"], job["SecondaryStatus"]) == ("Stopped", "Stopped")
    assert "Stopping" in [t["Status"] for t in job["SecondaryStatusTransitions"]]


def test_max_runtime_stops_the_job(
    client: Any, role: str, bucket: str, boston: Callable[[str], str]
) -> None:
    request = job_request(
        role,
        bucket,
        [channel("train", boston("train"))],
        HyperParameters=_LONG,
        StoppingCondition={"MaxRuntimeInSeconds": 3},
    )
    client("sagemaker").create_training_job(**request)
    job = wait_done(client("sagemaker"), request["TrainingJobName"], timeout=20)
    assert (job["TrainingJobStatus"], job["SecondaryStatus"]) == ("Stopped", "MaxRuntimeExceeded")
    assert job["TrainingTimeInSeconds"] >= 3
