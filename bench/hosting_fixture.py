"""What the hosting benchmarks share: a server with a trained Linear Learner model, and
endpoints made from it."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import numpy as np

from sagelab.testing import SagelabServer

LL_IMAGE = "382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def _recordio(x: np.ndarray, y: np.ndarray) -> bytes:
    import sagemaker.amazon.common as smac

    buf = io.BytesIO()
    smac.write_numpy_to_dense_tensor(buf, x, y)
    return buf.getvalue()


def trained_model(server: SagelabServer) -> tuple[str, str]:
    """(role ARN, model.tar.gz URI) of a regressor over 13 features."""
    iam, s3, sm = server.client("iam"), server.client("s3"), server.client("sagemaker")
    role = iam.create_role(RoleName="BenchRole", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(
        RoleName="BenchRole", PolicyArn="arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
    )
    rng = np.random.default_rng(7)
    x = rng.normal(size=(200, 13)).astype("float32")
    y = (x @ rng.normal(size=13)).astype("float32")
    s3.create_bucket(Bucket="sagemaker-bench")
    s3.put_object(Bucket="sagemaker-bench", Key="train/data", Body=_recordio(x, y))
    sm.create_training_job(
        TrainingJobName="bench",
        AlgorithmSpecification={"TrainingImage": LL_IMAGE, "TrainingInputMode": "File"},
        RoleArn=role["Role"]["Arn"],
        InputDataConfig=[
            {
                "ChannelName": "train",
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": "s3://sagemaker-bench/train",
                    }
                },
            }
        ],
        OutputDataConfig={"S3OutputPath": "s3://sagemaker-bench/out"},
        ResourceConfig={"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 1},
        StoppingCondition={"MaxRuntimeInSeconds": 600},
        HyperParameters={"feature_dim": "13", "predictor_type": "regressor", "epochs": "2"},
    )
    while True:
        job = sm.describe_training_job(TrainingJobName="bench")
        if job["TrainingJobStatus"] != "InProgress":
            break
        time.sleep(0.1)
    assert job["TrainingJobStatus"] == "Completed", job.get("FailureReason")
    return role["Role"]["Arn"], job["ModelArtifacts"]["S3ModelArtifacts"]


def endpoint(server: SagelabServer, role: str, model_data: str, name: str) -> dict[str, Any]:
    """Creates the endpoint; answers its Describe once it left Creating."""
    sm = server.client("sagemaker")
    sm.create_model(
        ModelName=name,
        ExecutionRoleArn=role,
        PrimaryContainer={"Image": LL_IMAGE, "ModelDataUrl": model_data},
    )
    sm.create_endpoint_config(
        EndpointConfigName=name,
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": name,
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 1,
            }
        ],
    )
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
    while True:
        described: dict[str, Any] = sm.describe_endpoint(EndpointName=name)
        if described["EndpointStatus"] != "Creating":
            return described
        time.sleep(0.02)
