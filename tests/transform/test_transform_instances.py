"""Batch transform over several instances: the input objects dealt out over the instances,
each instance with its own log stream, the job ending when all have."""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np
from test_transform_jobs import _body, _features_csv, _request, _run, _wait
from training_kit import regression_data

from sagelab.testing import SagelabServer

GROUP = "/aws/sagemaker/TransformJobs"


def _streams(server: SagelabServer, job: str) -> dict[str, str]:
    """Each instance's log stream and its text."""
    logs = server.client("logs")
    found = logs.describe_log_streams(logGroupName=GROUP, logStreamNamePrefix=f"{job}/")
    return {
        s["logStreamName"]: "\n".join(
            e["message"]
            for e in logs.get_log_events(logGroupName=GROUP, logStreamName=s["logStreamName"])[
                "events"
            ]
        )
        for s in found["logStreams"]
    }


def _two(request: dict[str, Any]) -> dict[str, Any]:
    request["TransformResources"]["InstanceCount"] = 2
    return request


def test_two_instances_share_the_objects_and_log_apart(
    server: SagelabServer, bucket: str, model: str
) -> None:
    x, y = regression_data()  # the model's own weights: only 200 rows give them
    x, y = x[:120], y[:120]
    s3 = server.client("s3")
    for i in range(6):
        s3.put_object(Bucket=bucket, Key=f"multi/in/p{i}.csv", Body=_features_csv(x[i * 20 :][:20]))
    request = _two(_request(model, f"s3://{bucket}/multi/in", f"s3://{bucket}/multi/out"))
    job = _run(server, request)

    assert job["TransformJobStatus"] == "Completed", job.get("FailureReason")
    assert job["TransformResources"]["InstanceCount"] == 2
    lines = [
        line
        for i in range(6)
        for line in _body(server, bucket, f"multi/out/p{i}.csv.out").decode().splitlines()
    ]
    scores = np.array([json.loads(line)["score"] for line in lines])
    assert len(scores) == 120
    assert np.corrcoef(scores, y)[0, 1] > 0.95
    streams = _streams(server, request["TransformJobName"])
    assert len(streams) == 2
    shares = [
        {f"p{i}.csv" for i in range(6) if f"/multi/in/p{i}.csv " in text}
        for text in streams.values()
    ]
    # Dealt out one object at a time: each instance did half, and none did one twice.
    assert [len(s) for s in shares] == [3, 3]
    assert shares[0] | shares[1] == {f"p{i}.csv" for i in range(6)}


def test_one_object_is_not_split_across_instances(
    server: SagelabServer, bucket: str, model: str
) -> None:
    x, _ = regression_data(rows=50)
    server.client("s3").put_object(Bucket=bucket, Key="single/in/x.csv", Body=_features_csv(x))
    request = _two(_request(model, f"s3://{bucket}/single/in", f"s3://{bucket}/single/out"))
    job = _run(server, request)

    assert job["TransformJobStatus"] == "Completed", job.get("FailureReason")
    assert len(_body(server, bucket, "single/out/x.csv.out").splitlines()) == 50
    texts = list(_streams(server, request["TransformJobName"]).values())
    assert sorted("Transformed" in t for t in texts) == [False, True]


def test_a_bad_object_fails_the_job_while_both_instances_finish_the_rest(
    server: SagelabServer, bucket: str, model: str
) -> None:
    x, _ = regression_data(rows=10)
    good = _features_csv(x)
    s3 = server.client("s3")
    for i in range(4):
        body = b"1.0,not-a-number\n" + good if i == 1 else good
        s3.put_object(Bucket=bucket, Key=f"bad/in/o{i}.csv", Body=body)
    request = _two(_request(model, f"s3://{bucket}/bad/in", f"s3://{bucket}/bad/out"))
    job = _run(server, request)

    assert job["TransformJobStatus"] == "Failed"
    assert job["FailureReason"].startswith(f"ClientError: Bad input data in s3://{bucket}/bad/")
    assert "o1.csv: record 1" in job["FailureReason"]
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="bad/out/")["Contents"]
    assert sorted(o["Key"] for o in listed) == [f"bad/out/o{i}.csv.out" for i in (0, 2, 3)]


def test_stop_stops_every_instance(server: SagelabServer, bucket: str, model: str) -> None:
    rng = np.random.default_rng(5)
    data = _features_csv(rng.normal(size=(4000, 13)))
    s3 = server.client("s3")
    for i in range(20):
        s3.put_object(Bucket=bucket, Key=f"stop/in/{i:02d}.csv", Body=data)
    request = _two(
        _request(
            model, f"s3://{bucket}/stop/in", f"s3://{bucket}/stop/out", BatchStrategy="SingleRecord"
        )
    )
    sm = server.client("sagemaker")
    sm.create_transform_job(**request)
    name = request["TransformJobName"]
    _wait_for_streams(server, name)
    sm.stop_transform_job(TransformJobName=name)
    job = _wait(sm, name)

    assert job["TransformJobStatus"] == "Stopped"
    assert len(_streams(server, name)) == 2
    done = s3.list_objects_v2(Bucket=bucket, Prefix="stop/out/").get("KeyCount", 0)
    assert done < 20


def _wait_for_streams(server: SagelabServer, job: str) -> None:
    """Until both instances have logged a line: both are running."""
    sm = server.client("sagemaker")
    for _ in range(300):
        if len([t for t in _streams(server, job).values() if t]) == 2:
            return
        assert sm.describe_transform_job(TransformJobName=job)["TransformJobStatus"] == "InProgress"
        time.sleep(0.1)
    raise AssertionError(f"{job}: the instances never both logged")
