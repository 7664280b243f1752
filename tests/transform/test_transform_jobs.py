"""Batch transform through boto3: a trained Linear Learner model over S3 objects, as the
lesson's notebooks and the AWS docs' data-processing examples run it."""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np
import pytest
from botocore.exceptions import ClientError
from training_kit import recordio, regression_data, unique

from sagelab.testing import SagelabServer

JSONLINES = "application/jsonlines"


def _features_csv(x: np.ndarray, ids: bool = False) -> bytes:
    rows = [[str(i), *map(str, row)] if ids else list(map(str, row)) for i, row in enumerate(x)]
    return ("\n".join(",".join(r) for r in rows) + "\n").encode()


def _request(model: str, source: str, output: str, **changes: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "TransformJobName": unique("tj"),
        "ModelName": model,
        "TransformInput": {
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": source}},
            "ContentType": "text/csv",
            "SplitType": "Line",
        },
        "TransformOutput": {"S3OutputPath": output, "Accept": JSONLINES, "AssembleWith": "Line"},
        "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1},
    }
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(request.get(key), dict):
            request[key] = {**request[key], **value}
        else:
            request[key] = value
    return request


def _wait(sm: Any, name: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = sm.describe_transform_job(TransformJobName=name)
        if job["TransformJobStatus"] not in ("InProgress", "Stopping"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"{name} still {job['TransformJobStatus']} after {timeout}s")


def _run(server: SagelabServer, request: dict[str, Any]) -> dict[str, Any]:
    sm = server.client("sagemaker")
    sm.create_transform_job(**request)
    return _wait(sm, request["TransformJobName"])


def _body(server: SagelabServer, bucket: str, key: str) -> bytes:
    data: bytes = server.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    return data


def _log_text(server: SagelabServer, job: str) -> str:
    logs = server.client("logs")
    group = "/aws/sagemaker/TransformJobs"
    streams = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix=f"{job}/")
    (stream,) = streams["logStreams"]
    events = logs.get_log_events(logGroupName=group, logStreamName=stream["logStreamName"])
    return "\n".join(e["message"] for e in events["events"])


def test_csv_lines_give_one_prediction_per_line_in_order(
    server: SagelabServer, bucket: str, model: str
) -> None:
    x, y = regression_data()
    x, y = x[:120], y[:120]
    s3 = server.client("s3")
    s3.put_object(Bucket=bucket, Key="batch/a/part1.csv", Body=_features_csv(x[:70]))
    s3.put_object(Bucket=bucket, Key="batch/a/sub/part2.csv", Body=_features_csv(x[70:]))
    request = _request(model, f"s3://{bucket}/batch/a", f"s3://{bucket}/out/a")
    job = _run(server, request)

    assert job["TransformJobStatus"] == "Completed", job.get("FailureReason")
    assert job["TransformResources"]["InstanceCount"] == 1
    assert job["DataProcessing"] == {"InputFilter": "$", "OutputFilter": "$", "JoinSource": "None"}
    assert job["TransformEndTime"] >= job["TransformStartTime"] >= job["CreationTime"]
    first = _body(server, bucket, "out/a/part1.csv.out").decode().splitlines()
    second = _body(server, bucket, "out/a/sub/part2.csv.out").decode().splitlines()
    scores = np.array([json.loads(line)["score"] for line in first + second])
    assert len(scores) == 120
    # A fitted regressor: in input order, the predictions track the labels.
    assert np.corrcoef(scores, y)[0, 1] > 0.95
    assert "Transformed" in _log_text(server, request["TransformJobName"])


def test_join_with_input_and_filters_keep_the_id_and_the_score(
    server: SagelabServer, bucket: str, model: str
) -> None:
    x, _ = regression_data(rows=30)
    server.client("s3").put_object(Bucket=bucket, Key="batch/ids.csv", Body=_features_csv(x, True))
    request = _request(
        model,
        f"s3://{bucket}/batch/ids.csv",
        f"s3://{bucket}/out/ids",
        DataProcessing={"InputFilter": "$[1:]", "JoinSource": "Input", "OutputFilter": "$[0,-1]"},
    )
    job = _run(server, request)

    assert job["TransformJobStatus"] == "Completed", job.get("FailureReason")
    lines = _body(server, bucket, "out/ids/ids.csv.out").decode().splitlines()
    assert [line.split(",")[0] for line in lines] == [str(i) for i in range(30)]
    assert all(len(line.split(",")) == 2 for line in lines)
    float(lines[0].split(",")[1])


def test_json_records_join_adds_sagemaker_output(
    server: SagelabServer, bucket: str, model: str
) -> None:
    x, _ = regression_data(rows=5)
    body = "".join(
        json.dumps({"id": i, "features": row.tolist()}) + "\n" for i, row in enumerate(x)
    )
    server.client("s3").put_object(Bucket=bucket, Key="batch/json/r.jsonl", Body=body.encode())
    request = _request(
        model,
        f"s3://{bucket}/batch/json",
        f"s3://{bucket}/out/json",
        TransformInput={"ContentType": JSONLINES},
        DataProcessing={"JoinSource": "Input", "OutputFilter": "$['id','SageMakerOutput']"},
    )
    job = _run(server, request)

    assert job["TransformJobStatus"] == "Completed", job.get("FailureReason")
    rows = [json.loads(ln) for ln in _body(server, bucket, "out/json/r.jsonl.out").splitlines()]
    assert [r[0] for r in rows] == list(range(5))
    assert all(set(r[1]) == {"score"} for r in rows)


def test_multi_record_packs_requests_under_max_payload(
    server: SagelabServer, bucket: str, model: str
) -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(25000, 13)).round(5)
    data = _features_csv(x)
    assert 2.5 * (1 << 20) < len(data) < 3 * (1 << 20)
    server.client("s3").put_object(Bucket=bucket, Key="batch/big/x.csv", Body=data)
    request = _request(
        model,
        f"s3://{bucket}/batch/big",
        f"s3://{bucket}/out/big",
        MaxPayloadInMB=1,
        BatchStrategy="MultiRecord",
        MaxConcurrentTransforms=4,
    )
    job = _run(server, request)

    assert job["TransformJobStatus"] == "Completed", job.get("FailureReason")
    assert (job["MaxPayloadInMB"], job["BatchStrategy"]) == (1, "MultiRecord")
    assert len(_body(server, bucket, "out/big/x.csv.out").splitlines()) == 25000
    assert "in 3 requests" in _log_text(server, request["TransformJobName"])


def test_recordio_split_sends_recordio_protobuf(
    server: SagelabServer, bucket: str, model: str
) -> None:
    x, y = regression_data(rows=40)
    server.client("s3").put_object(Bucket=bucket, Key="batch/rio/data", Body=recordio(x, y))
    request = _request(
        model,
        f"s3://{bucket}/batch/rio",
        f"s3://{bucket}/out/rio",
        TransformInput={"ContentType": "application/x-recordio-protobuf", "SplitType": "RecordIO"},
        BatchStrategy="SingleRecord",
    )
    job = _run(server, request)

    assert job["TransformJobStatus"] == "Completed", job.get("FailureReason")
    lines = _body(server, bucket, "out/rio/data.out").splitlines()
    assert len(lines) == 40
    assert "in 40 requests" in _log_text(server, request["TransformJobName"])


def test_a_bad_record_fails_its_file_only_and_the_job_names_it(
    server: SagelabServer, bucket: str, model: str
) -> None:
    x, _ = regression_data(rows=10)
    s3 = server.client("s3")
    good = _features_csv(x)
    bad = good.replace(_features_csv(x[6:7]), b"1.0,not-a-number\n")
    s3.put_object(Bucket=bucket, Key="batch/mixed/good.csv", Body=good)
    s3.put_object(Bucket=bucket, Key="batch/mixed/bad.csv", Body=bad)
    request = _request(model, f"s3://{bucket}/batch/mixed", f"s3://{bucket}/out/mixed")
    job = _run(server, request)

    assert job["TransformJobStatus"] == "Failed"
    assert f"s3://{bucket}/batch/mixed/bad.csv: record 7" in job["FailureReason"]
    assert job["FailureReason"].startswith("ClientError: ")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="out/mixed/")["Contents"]]
    assert keys == ["out/mixed/good.csv.out"]


def test_stop_ends_stopped_and_stopping_again_is_refused(
    server: SagelabServer, bucket: str, model: str
) -> None:
    rng = np.random.default_rng(4)
    data = _features_csv(rng.normal(size=(4000, 13)))
    s3 = server.client("s3")
    for i in range(40):
        s3.put_object(Bucket=bucket, Key=f"batch/many/{i:02d}.csv", Body=data)
    request = _request(
        model, f"s3://{bucket}/batch/many", f"s3://{bucket}/out/many", BatchStrategy="SingleRecord"
    )
    sm = server.client("sagemaker")
    sm.create_transform_job(**request)
    sm.stop_transform_job(TransformJobName=request["TransformJobName"])
    assert sm.describe_transform_job(TransformJobName=request["TransformJobName"])[
        "TransformJobStatus"
    ] in ("InProgress", "Stopping", "Stopped")
    job = _wait(sm, request["TransformJobName"])

    assert job["TransformJobStatus"] == "Stopped"
    with pytest.raises(ClientError) as err:
        sm.stop_transform_job(TransformJobName=request["TransformJobName"])
    assert err.value.response["Error"]["Code"] == "ValidationException"


def test_create_refuses_what_sagemaker_refuses(
    server: SagelabServer, bucket: str, model: str
) -> None:
    sm = server.client("sagemaker")
    source, output = f"s3://{bucket}/batch/a", f"s3://{bucket}/out/x"
    with pytest.raises(ClientError) as missing:
        sm.create_transform_job(**_request("no-such-model", source, output))
    assert missing.value.response["Error"]["Code"] == "ValidationException"
    assert missing.value.response["Error"]["Message"].startswith('Could not find model "arn:aws:')
    with pytest.raises(ClientError) as tfrecord:
        sm.create_transform_job(
            **_request(model, source, output, TransformInput={"SplitType": "TFRecord"})
        )
    assert tfrecord.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    with pytest.raises(ClientError) as payload:
        sm.create_transform_job(
            **_request(model, source, output, MaxPayloadInMB=60, MaxConcurrentTransforms=2)
        )
    assert payload.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as path:
        sm.create_transform_job(
            **_request(model, source, output, DataProcessing={"InputFilter": "x"})
        )
    assert "JSONPath" in path.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as describe:
        sm.describe_transform_job(TransformJobName="no-such-job")
    assert describe.value.response["Error"]["Code"] == "ValidationException"


def test_list_filters_sorts_and_pages(server: SagelabServer, bucket: str, model: str) -> None:
    x, _ = regression_data(rows=3)
    server.client("s3").put_object(Bucket=bucket, Key="batch/list/x.csv", Body=_features_csv(x))
    tag = unique("lst")
    names = []
    for i in range(3):
        request = _request(model, f"s3://{bucket}/batch/list", f"s3://{bucket}/out/list{i}")
        request["TransformJobName"] = f"{tag}-{i}"
        names.append(_run(server, request)["TransformJobName"])
    sm = server.client("sagemaker")
    first = sm.list_transform_jobs(
        NameContains=tag, SortBy="Name", SortOrder="Ascending", MaxResults=2
    )
    rest = sm.list_transform_jobs(
        NameContains=tag,
        SortBy="Name",
        SortOrder="Ascending",
        MaxResults=2,
        NextToken=first["NextToken"],
    )
    listed = first["TransformJobSummaries"] + rest["TransformJobSummaries"]
    assert [s["TransformJobName"] for s in listed] == names
    assert "NextToken" not in rest
    assert all(s["TransformJobStatus"] == "Completed" and "LastModifiedTime" in s for s in listed)
    done = sm.list_transform_jobs(NameContains=tag, StatusEquals="Failed")
    assert done["TransformJobSummaries"] == []
