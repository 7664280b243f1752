"""What the training stories share: roles, data in the formats notebooks write, a
CreateTrainingJob request to vary, and waiting for a job to end."""

from __future__ import annotations

import io
import json
import time
import uuid
from typing import Any

import numpy as np

from sagelab.testing import SagelabServer

LL_IMAGE = "382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": ["sagemaker.amazonaws.com"]},
            "Action": "sts:AssumeRole",
        }
    ],
}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def make_role(server: SagelabServer, policies: list[str]) -> str:
    iam = server.client("iam")
    name = unique("SageMakerRole")
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"][
        "Arn"
    ]
    for policy in policies:
        iam.attach_role_policy(RoleName=name, PolicyArn=f"arn:aws:iam::aws:policy/{policy}")
    return arn


def regression_data(rows: int = 200, features: int = 13) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(rows, features)).astype("float32")
    y = (x @ rng.normal(size=features) + 3.0).astype("float32")
    return x, y


def recordio(x: np.ndarray, y: np.ndarray) -> bytes:
    import sagemaker.amazon.common as smac

    buf = io.BytesIO()
    smac.write_numpy_to_dense_tensor(buf, x, y)
    return buf.getvalue()


def csv_rows(x: np.ndarray, y: np.ndarray) -> bytes:
    lines = [",".join(str(v) for v in [label, *row]) for label, row in zip(y, x, strict=True)]
    return ("\n".join(lines) + "\n").encode()


def channel(name: str, uri: str, **extra: Any) -> dict[str, Any]:
    source = {"S3DataType": "S3Prefix", "S3Uri": uri, "S3DataDistributionType": "FullyReplicated"}
    source.update(extra.pop("source", {}))
    return {"ChannelName": name, "DataSource": {"S3DataSource": source}, **extra}


def job_request(
    role: str, bucket: str, channels: list[dict[str, Any]], **changes: Any
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "TrainingJobName": unique("ll"),
        "AlgorithmSpecification": {"TrainingImage": LL_IMAGE, "TrainingInputMode": "File"},
        "RoleArn": role,
        "InputDataConfig": channels,
        "OutputDataConfig": {"S3OutputPath": f"s3://{bucket}/output"},
        "ResourceConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 30},
        # Bounded so that a job a failed test never stopped cannot starve the tests after it.
        "StoppingCondition": {"MaxRuntimeInSeconds": 180},
        "HyperParameters": {
            "feature_dim": "13",
            "predictor_type": "regressor",
            "mini_batch_size": "50",
            "epochs": "3",
        },
    }
    request.update(changes)
    return request


def wait_done(sm: Any, name: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = sm.describe_training_job(TrainingJobName=name)
        if job["TrainingJobStatus"] not in ("InProgress", "Stopping"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"{name} still {job['TrainingJobStatus']} after {timeout}s")
