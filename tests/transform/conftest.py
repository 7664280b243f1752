"""Fixtures of the transform stories: a role, a bucket, and a Linear Learner model trained
once per module through the training API (the training stories' kit, reused)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "training"))

from training_kit import (
    LL_IMAGE,
    channel,
    csv_rows,
    job_request,
    make_role,
    regression_data,
    unique,
    wait_done,
)

from sagelab.testing import SagelabServer


@pytest.fixture(scope="module")
def role(server: SagelabServer) -> str:
    return make_role(server, ["AmazonSageMakerFullAccess"])


@pytest.fixture(scope="module")
def bucket(server: SagelabServer) -> str:
    name = unique("sagemaker-transform")
    server.client("s3").create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="module")
def trained(server: SagelabServer, role: str, bucket: str) -> dict[str, Any]:
    """A finished Linear Learner training job (regressor over 13 features)."""
    x, y = regression_data()
    server.client("s3").put_object(Bucket=bucket, Key="train/data.csv", Body=csv_rows(x, y))
    request = job_request(
        role,
        bucket,
        [channel("train", f"s3://{bucket}/train", ContentType="text/csv")],
    )
    sm = server.client("sagemaker")
    sm.create_training_job(**request)
    job = wait_done(sm, request["TrainingJobName"])
    assert job["TrainingJobStatus"] == "Completed", job.get("FailureReason")
    return job


@pytest.fixture(scope="module")
def model(server: SagelabServer, role: str, trained: dict[str, Any]) -> str:
    name = unique("ll-model")
    server.client("sagemaker").create_model(
        ModelName=name,
        ExecutionRoleArn=role,
        PrimaryContainer={
            "Image": LL_IMAGE,
            "ModelDataUrl": trained["ModelArtifacts"]["S3ModelArtifacts"],
        },
    )
    return name
