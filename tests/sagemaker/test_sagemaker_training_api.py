"""What the training API refuses before it looks at the store: empty lists, validation."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _job(server: Any, **changes: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "TrainingJobName": f"job-{uuid.uuid4().hex[:10]}",
        "AlgorithmSpecification": {
            "TrainingImage": "382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1",
            "TrainingInputMode": "File",
        },
        "RoleArn": f"arn:aws:iam::{server.account_id}:role/SageMakerRole",
        "InputDataConfig": [
            {
                "ChannelName": "train",
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": "s3://bucket/train/",
                        "S3DataDistributionType": "FullyReplicated",
                    }
                },
            }
        ],
        "OutputDataConfig": {"S3OutputPath": "s3://bucket/output"},
        "ResourceConfig": {
            "InstanceCount": 1,
            "InstanceType": "ml.m5.large",
            "VolumeSizeInGB": 30,
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
    }
    request.update(changes)
    return request


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = exc.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_list_training_jobs_with_no_match_is_empty(client: Any) -> None:
    # The session's server is shared with other tests' jobs: filter on a name nobody uses.
    sm = client("sagemaker")
    nobody = "no-job-has-this-name-" + uuid.uuid4().hex[:8]
    listed = sm.list_training_jobs(
        NameContains=nobody, StatusEquals="InProgress", SortBy="Name", SortOrder="Ascending"
    )
    assert listed["TrainingJobSummaries"] == []
    assert "NextToken" not in listed
    pages = sm.get_paginator("list_training_jobs").paginate(NameContains=nobody)
    assert [s for p in pages for s in p["TrainingJobSummaries"]] == []


def test_duplicate_channel_names(client: Any, server: Any) -> None:
    request = _job(server)
    request["InputDataConfig"] = request["InputDataConfig"] * 2
    with pytest.raises(ClientError) as exc:
        client("sagemaker").create_training_job(**request)
    code, message, status = _error(exc)
    assert (code, status) == ("ValidationException", 400)
    assert "train" in message


def test_role_must_be_of_this_account(client: Any, server: Any) -> None:
    role = "arn:aws:iam::111122223333:role/Other"
    with pytest.raises(ClientError) as exc:
        client("sagemaker").create_training_job(**_job(server, RoleArn=role))
    code, message, _ = _error(exc)
    assert code == "ValidationException"
    assert message.startswith(f"Could not assume role {role}.")


def test_stopping_condition_and_output_path(client: Any, server: Any) -> None:
    sm = client("sagemaker")
    with pytest.raises(ClientError) as exc:
        sm.create_training_job(**_job(server, StoppingCondition={"MaxWaitTimeInSeconds": 60}))
    assert "stoppingCondition.maxRuntimeInSeconds" in _error(exc)[1]
    with pytest.raises(ClientError) as exc:
        sm.create_training_job(
            **_job(server, OutputDataConfig={"S3OutputPath": "https://bucket/out"})
        )
    assert _error(exc)[0] == "ValidationException"
    with pytest.raises(ClientError) as exc:
        sm.create_training_job(**_job(server, ResourceConfig={"VolumeSizeInGB": 30}))
    assert "resourceConfig.instanceType" in _error(exc)[1]
