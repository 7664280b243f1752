"""Variants: traffic split by weight, TargetVariant, new weights, and a failed endpoint."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

import pytest
from botocore.exceptions import ClientError
from hosting_kit import csv_body, wait_endpoint

from sagelab.testing import SagelabServer


def test_weights_split_traffic_and_target_variant_bypasses_them(
    server: SagelabServer, deploy: Callable[..., str]
) -> None:
    name = deploy(
        [
            {"VariantName": "A", "InitialVariantWeight": 1.0},
            {"VariantName": "B", "InitialVariantWeight": 3.0},
        ]
    )
    runtime, sm = server.client("sagemaker-runtime"), server.client("sagemaker")
    body = csv_body(1)
    seen = Counter(
        runtime.invoke_endpoint(EndpointName=name, Body=body, ContentType="text/csv")[
            "InvokedProductionVariant"
        ]
        for _ in range(400)
    )
    assert 0.17 < seen["A"] / 400 < 0.33, seen  # 25 % expected
    targeted = {
        runtime.invoke_endpoint(
            EndpointName=name, Body=body, ContentType="text/csv", TargetVariant="A"
        )["InvokedProductionVariant"]
        for _ in range(20)
    }
    assert targeted == {"A"}
    with pytest.raises(ClientError) as exc:
        runtime.invoke_endpoint(
            EndpointName=name, Body=body, ContentType="text/csv", TargetVariant="C"
        )
    assert exc.value.response["Error"]["Code"] == "ValidationError"

    sm.update_endpoint_weights_and_capacities(
        EndpointName=name,
        DesiredWeightsAndCapacities=[{"VariantName": "A", "DesiredWeight": 0.0}],
    )
    described = wait_endpoint(sm, name)
    assert described["EndpointStatus"] == "InService"
    weights = {v["VariantName"]: v["CurrentWeight"] for v in described["ProductionVariants"]}
    assert weights == {"A": 0.0, "B": 3.0}
    # New weights reach the request path within a moment, as on AWS.
    deadline = time.monotonic() + 5
    while True:
        after = {
            runtime.invoke_endpoint(EndpointName=name, Body=body, ContentType="text/csv")[
                "InvokedProductionVariant"
            ]
            for _ in range(30)
        }
        if after == {"B"} or time.monotonic() > deadline:
            break
    assert after == {"B"}


def test_missing_artifact_fails_the_endpoint_with_a_reason(
    server: SagelabServer, deploy: Callable[..., str], hosting_bucket: str
) -> None:
    missing = f"s3://{hosting_bucket}/nowhere/model.tar.gz"
    name = deploy(model_data_url=missing)
    described = server.client("sagemaker").describe_endpoint(EndpointName=name)
    assert described["EndpointStatus"] == "Failed"
    assert described["FailureReason"].startswith("ClientError: Failed to download model data")
    assert missing in described["FailureReason"]
    with pytest.raises(ClientError) as exc:
        server.client("sagemaker-runtime").invoke_endpoint(
            EndpointName=name, Body=b"1", ContentType="text/csv"
        )
    assert exc.value.response["Error"]["Message"] == (
        f"Endpoint {name} of account {server.account_id} not found."
    )


def test_models_and_configs_answer_as_sagemaker(
    server: SagelabServer, deploy: Callable[..., str]
) -> None:
    name = deploy()
    sm = server.client("sagemaker")
    config = sm.describe_endpoint_config(EndpointConfigName=name)
    model = config["ProductionVariants"][0]["ModelName"]
    assert sm.describe_model(ModelName=model)["PrimaryContainer"]["Image"].endswith(
        "linear-learner:1"
    )
    with pytest.raises(ClientError) as exc:
        sm.create_endpoint_config(
            EndpointConfigName=name,
            ProductionVariants=config["ProductionVariants"],
        )
    assert exc.value.response["Error"]["Message"] == (
        f'Cannot create already existing endpoint configuration "{name}".'
    )
    assert name in [c["EndpointConfigName"] for c in sm.list_endpoint_configs()["EndpointConfigs"]]
    assert name in [e["EndpointName"] for e in sm.list_endpoints()["Endpoints"]]
    sm.delete_model(ModelName=model)
    with pytest.raises(ClientError) as exc:
        sm.describe_model(ModelName=model)
    assert exc.value.response["Error"]["Message"] == (
        f'Could not find model "arn:aws:sagemaker:us-east-1:{server.account_id}:'
        f'model/{model.lower()}".'
    )
