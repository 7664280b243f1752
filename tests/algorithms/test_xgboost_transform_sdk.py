"""The built-in XGBoost through the unchanged SDK v2, into batch transform: a generic
`Estimator` trains on CSV in S3, `transformer(...).transform(...)` scores a CSV of features
(one prediction per line), and the predictions equal the booster's own."""

from __future__ import annotations

import io
import json
import tarfile
import uuid
from pathlib import Path

import numpy as np
import pytest
import xgboost
from sklearn.datasets import load_breast_cancer

from sagelab.testing import SagelabServer, run_sdk

pytestmark = pytest.mark.slow
TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}  # fmt: skip

CELLS = """
import json, sys
import sagemaker
from sagemaker import image_uris
from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput

role, bucket = sys.argv[1], sys.argv[2]
session = sagemaker.Session()
xgb = Estimator(image_uris.retrieve("xgboost", session.boto_region_name, "1.7-1"), role,
                instance_count=1, instance_type="ml.m5.large",
                output_path=f"s3://{bucket}/output", sagemaker_session=session)
xgb.set_hyperparameters(objective="binary:logistic", num_round=20, max_depth=3)
xgb.fit({"train": TrainingInput(f"s3://{bucket}/train/", content_type="text/csv")})
transformer = xgb.transformer(instance_count=1, instance_type="ml.m5.large",
                              output_path=f"s3://{bucket}/scored", accept="text/csv")
transformer.transform(f"s3://{bucket}/batch/", content_type="text/csv", split_type="Line")
transformer.wait()
print(json.dumps({"model": xgb.model_data}))
"""


def _csv(rows: np.ndarray) -> bytes:
    return "\n".join(",".join(f"{v:g}" for v in row) for row in rows).encode()


def test_xgboost_estimator_then_batch_transform(server: SagelabServer, tmp_path: Path) -> None:
    iam, s3 = server.client("iam"), server.client("s3")
    role_name = f"xgb-transform-{uuid.uuid4().hex[:8]}"
    role = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(
        RoleName=role_name, PolicyArn="arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
    )
    bucket = f"sagemaker-xgb-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    data = load_breast_cancer()
    x, y = data.data[:400], data.target[:400]
    s3.put_object(Bucket=bucket, Key="train/train.csv", Body=_csv(np.column_stack([y, x])))
    batch = data.data[400:]
    s3.put_object(Bucket=bucket, Key="batch/features.csv", Body=_csv(batch))

    result = run_sdk(server, tmp_path, CELLS, role["Role"]["Arn"], bucket)

    scored = s3.get_object(Bucket=bucket, Key="scored/features.csv.out")["Body"].read()
    predictions = np.array([float(line) for line in scored.decode().split()])
    assert len(predictions) == len(batch)  # one prediction per line
    model_key = result["model"].removeprefix(f"s3://{bucket}/")
    archive = s3.get_object(Bucket=bucket, Key=model_key)["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tmp_path / "model", filter="data")
    booster = xgboost.Booster()
    booster.load_model(str(tmp_path / "model" / "xgboost-model"))
    expected = booster.predict(xgboost.DMatrix(np.array([[float(f"{v:g}") for v in row]
                                                         for row in batch])))
    np.testing.assert_allclose(predictions, expected, rtol=1e-5, atol=1e-6)
    accuracy = float(((predictions > 0.5) == data.target[400:]).mean())
    assert accuracy > 0.9
