"""Batch transform throughput: 1,000,000 CSV lines through a Linear Learner model, measured
from CreateTransformJob to Completed, against scikit-learn doing the same work in one
process (read the CSV with numpy, `LinearRegression.predict`, write the predictions), in the
same run. Target: ratio (sklearn time / job time) >= 0.3. The pure `predict` time is printed
too, for scale.

Then the same rows cut into `--objects` objects, transformed by a job with InstanceCount=1
and by one with InstanceCount=2 (the objects dealt out over the instances): the ratio
(1-instance time / 2-instance time) shows what the second instance buys (> 1 is faster).

    python bench/transform_throughput.py [--rows 1000000] [--features 10] [--objects 16]
"""

from __future__ import annotations

import argparse
import io
import json
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LinearRegression

from sagelab.algorithms.linear_learner.model import LinearModel
from sagelab.testing import SagelabServer

BUCKET = "sagemaker-transform-bench"
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


def _data(rows: int, features: int) -> tuple[np.ndarray, np.ndarray, bytes]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, features)).round(4).astype(np.float32)
    y = x @ rng.normal(size=features).astype(np.float32) + 1.5
    buffer = io.BytesIO()
    np.savetxt(buffer, x, delimiter=",", fmt="%.4f")
    return x, y, buffer.getvalue()


def _baseline(fitted: LinearRegression, csv_path: Path, out: Path) -> tuple[float, float]:
    """(whole one-process time, predict alone)."""
    started = time.perf_counter()
    x = np.loadtxt(csv_path, delimiter=",", dtype=np.float32)
    predict_started = time.perf_counter()
    predictions = fitted.predict(x)
    predict_time = time.perf_counter() - predict_started
    np.savetxt(out, predictions, fmt="%.6g")
    return time.perf_counter() - started, predict_time


def _model_tar(fitted: LinearRegression, folder: Path) -> bytes:
    """The same linear model, written through Linear Learner's own model module."""
    model = LinearModel(
        "regressor",
        "squared_loss",
        fitted.coef_.astype(np.float32)[:, None],
        np.array([fitted.intercept_], np.float32),
    )
    model.save(folder)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(folder / "model_algo-1", arcname="model_algo-1")
    return buffer.getvalue()


def _setup(server: SagelabServer, model_tar: bytes, data: bytes, objects: int) -> None:
    """The model, the input as one object (`input/`) and cut into `objects` (`parts/`)."""
    s3, sm, iam = server.client("s3"), server.client("sagemaker"), server.client("iam")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="model/model.tar.gz", Body=model_tar)
    s3.put_object(Bucket=BUCKET, Key="input/data.csv", Body=data)
    lines = data.splitlines(keepends=True)
    step = -(-len(lines) // objects)
    for i in range(objects):
        part = b"".join(lines[i * step : (i + 1) * step])
        s3.put_object(Bucket=BUCKET, Key=f"parts/{i:03d}.csv", Body=part)
    role = iam.create_role(RoleName="BenchRole", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(
        RoleName="BenchRole", PolicyArn="arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
    )
    sm.create_model(
        ModelName="bench-model",
        ExecutionRoleArn=role["Role"]["Arn"],
        PrimaryContainer={"Image": IMAGE, "ModelDataUrl": f"s3://{BUCKET}/model/model.tar.gz"},
    )


def _job(server: SagelabServer, name: str, prefix: str, instances: int) -> float:
    """Seconds from CreateTransformJob to Completed."""
    sm = server.client("sagemaker")
    started = time.perf_counter()
    sm.create_transform_job(
        TransformJobName=name,
        ModelName="bench-model",
        MaxConcurrentTransforms=4,
        MaxPayloadInMB=6,
        BatchStrategy="MultiRecord",
        TransformInput={
            "DataSource": {
                "S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://{BUCKET}/{prefix}"}
            },
            "ContentType": "text/csv",
            "SplitType": "Line",
        },
        TransformOutput={
            "S3OutputPath": f"s3://{BUCKET}/output/{name}",
            "Accept": "application/jsonlines",
            "AssembleWith": "Line",
        },
        TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": instances},
    )
    while True:
        job = sm.describe_transform_job(TransformJobName=name)
        if job["TransformJobStatus"] not in ("InProgress", "Stopping"):
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    assert job["TransformJobStatus"] == "Completed", job.get("FailureReason")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=10)
    parser.add_argument("--objects", type=int, default=16)
    args = parser.parse_args()
    x, y, data = _data(args.rows, args.features)
    fitted = LinearRegression().fit(x, y)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "data.csv").write_bytes(data)
        whole, predict = _baseline(fitted, root / "data.csv", root / "predictions.txt")
        (root / "model").mkdir()
        model_tar = _model_tar(fitted, root / "model")
        server = SagelabServer(root / "server")
        server.start()
        try:
            _setup(server, model_tar, data, args.objects)
            job = _job(server, "bench", "input", 1)
            one = _job(server, "bench-1-instance", "parts", 1)
            two = _job(server, "bench-2-instances", "parts", 2)
        finally:
            server.stop()
    print(f"rows={args.rows} csv={len(data) / 2**20:.1f} MiB")
    print(f"sklearn one process: {whole:.2f} s (predict alone {predict * 1000:.0f} ms)")
    print(f"sagelab transform job: {job:.2f} s")
    print(f"ratio (sklearn / job) = {whole / job:.2f}  (target >= 0.3)")
    print(f"ratio (predict alone / job) = {predict / job:.3f}")
    print(f"{args.objects} objects: 1 instance {one:.2f} s, 2 instances {two:.2f} s")
    print(f"ratio (1 instance / 2 instances) = {one / two:.2f}  (> 1: the second instance helps)")


if __name__ == "__main__":
    main()
