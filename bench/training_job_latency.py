"""Training job latency: the lesson's Boston job (RecordIO train + validation channels, Linear
Learner, boto3 CreateTrainingJob) from CreateTrainingJob to Completed, against the SDK's 5 s
poll floor: `fit()` sleeps 5 s before its first DescribeTrainingJob, so a job done by then
returns at that first poll. Target: wall < 3 s, ratio < 0.6.

    python bench/training_job_latency.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from sagelab.testing import SagelabServer

SDK_POLL_FLOOR = 5.0
IMAGE = "382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1"
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


def _recordio(rows: int = 333) -> bytes:
    """The Boston housing shape: 13 float32 features and a label per record."""
    import sagemaker.amazon.common as smac

    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, 13)).astype("float32")
    y = (x @ rng.normal(size=13) + 22.0).astype("float32")
    buf = io.BytesIO()
    smac.write_numpy_to_dense_tensor(buf, x, y)
    return buf.getvalue()


def _setup(server: SagelabServer) -> tuple[str, str]:
    iam = server.client("iam")
    role = iam.create_role(RoleName="BenchRole", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(
        RoleName="BenchRole", PolicyArn="arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
    )
    bucket = "sagemaker-bench-latency"
    s3 = server.client("s3")
    s3.create_bucket(Bucket=bucket)
    for channel in ("train", "validation"):
        s3.put_object(Bucket=bucket, Key=f"boston/{channel}/recordio-pb-data", Body=_recordio())
    return role["Role"]["Arn"], bucket


def _request(name: str, role: str, bucket: str) -> dict[str, Any]:
    return {
        "TrainingJobName": name,
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        "RoleArn": role,
        "InputDataConfig": [
            {
                "ChannelName": channel,
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": f"s3://{bucket}/boston/{channel}/",
                        "S3DataDistributionType": "FullyReplicated",
                    }
                },
            }
            for channel in ("train", "validation")
        ],
        "OutputDataConfig": {"S3OutputPath": f"s3://{bucket}/boston/output"},
        "ResourceConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
        "HyperParameters": {
            "feature_dim": "13",
            "predictor_type": "regressor",
            "mini_batch_size": "200",
            "epochs": "10",
        },
    }


def _one_job(sm: Any, request: dict[str, Any]) -> float:
    start = time.perf_counter()
    sm.create_training_job(**request)
    while True:
        job = sm.describe_training_job(TrainingJobName=request["TrainingJobName"])
        if job["TrainingJobStatus"] != "InProgress":
            break
        time.sleep(0.02)
    if job["TrainingJobStatus"] != "Completed":
        raise SystemExit(f"job ended {job['TrainingJobStatus']}: {job.get('FailureReason')}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = SagelabServer(Path(tmp) / "data")
        server.start()
        try:
            role, bucket = _setup(server)
            sm = server.client("sagemaker")
            walls = [
                _one_job(sm, _request(f"boston-ll-{i}", role, bucket)) for i in range(args.rounds)
            ]
        finally:
            server.stop()
    wall = statistics.median(walls)
    print(f"job wall times (s): {', '.join(f'{w:.2f}' for w in walls)}")
    print(f"median CreateTrainingJob → Completed: {wall:.2f} s (target < 3 s)")
    print(f"ratio to the SDK's {SDK_POLL_FLOOR:.0f} s first poll: {wall / SDK_POLL_FLOOR:.2f}")


if __name__ == "__main__":
    main()
