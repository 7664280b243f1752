"""Fixtures of the training stories: an execution role, a bucket it may use, lesson data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from training_kit import make_role, recordio, regression_data, unique

from sagelab.testing import SagelabServer


@pytest.fixture
def role(server: SagelabServer) -> str:
    """An execution role as notebooks make it: trusts SageMaker, AmazonSageMakerFullAccess."""
    return make_role(server, ["AmazonSageMakerFullAccess"])


@pytest.fixture
def bucket(server: SagelabServer) -> str:
    """A bucket the role reaches: its name contains "sagemaker"."""
    name = unique("sagemaker-training")
    server.client("s3").create_bucket(Bucket=name)
    return name


@pytest.fixture
def boston(server: SagelabServer, bucket: str) -> Callable[[str], str]:
    """Uploads the lesson's RecordIO train/validation objects; answers their S3 prefix."""

    def upload(channel_name: str) -> str:
        x, y = regression_data()
        key = f"boston/{channel_name}/recordio-pb-data"
        server.client("s3").put_object(Bucket=bucket, Key=key, Body=recordio(x, y))
        return f"s3://{bucket}/boston/{channel_name}"

    return upload
