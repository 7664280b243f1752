"""Fixtures of the hosting stories: a role, a bucket, one trained Linear Learner model (trained
once per session), and helpers to stand endpoints up with boto3 and a short poll."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# The training stories' helpers (roles, lesson data, job requests) are reused as they are.
sys.path.append(str(Path(__file__).parents[1] / "training"))

from hosting_kit import create_model, trained_job, variant, wait_endpoint
from training_kit import make_role, unique

from sagelab.testing import SagelabServer


@pytest.fixture(scope="session")
def hosting_role(server: SagelabServer) -> str:
    return make_role(server, ["AmazonSageMakerFullAccess"])


@pytest.fixture(scope="session")
def hosting_bucket(server: SagelabServer) -> str:
    name = unique("sagemaker-hosting")
    server.client("s3").create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="session")
def model_data(server: SagelabServer, hosting_role: str, hosting_bucket: str) -> str:
    """The S3 URI of a trained regressor's model.tar.gz (13 features)."""
    job = trained_job(server, hosting_role, hosting_bucket)
    uri: str = job["ModelArtifacts"]["S3ModelArtifacts"]
    return uri


@pytest.fixture
def deploy(
    server: SagelabServer, hosting_role: str, model_data: str
) -> Iterator[Callable[..., str]]:
    """Creates a model per variant, a config and an endpoint; answers the endpoint's name
    once it left Creating. Deletes the endpoints afterwards."""
    sm = server.client("sagemaker")
    made: list[str] = []

    def make(
        variants: list[dict[str, Any]] | None = None,
        model_data_url: str | None = None,
        wait: bool = True,
    ) -> str:
        name = unique("ep")
        specs = variants or [{"VariantName": "AllTraffic"}]
        production = []
        for spec in specs:
            model = unique("model")
            create_model(sm, model, hosting_role, model_data_url or model_data)
            production.append(variant(model, **{"InitialVariantWeight": 1.0, **spec}))
        sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=production)
        sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
        made.append(name)
        if wait:
            wait_endpoint(sm, name)
        return name

    yield make
    for name in made:
        with contextlib.suppress(sm.exceptions.ClientError):
            sm.delete_endpoint(EndpointName=name)
