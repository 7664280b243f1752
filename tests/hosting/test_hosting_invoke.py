"""Endpoints through boto3: create, invoke, describe, errors the SDK and users key on."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hosting_kit import csv_body

from sagelab.testing import SagelabServer


def test_create_invoke_delete(server: SagelabServer, deploy: Callable[..., str]) -> None:
    name = deploy()
    sm, runtime = server.client("sagemaker"), server.client("sagemaker-runtime")
    described = sm.describe_endpoint(EndpointName=name)
    assert described["EndpointStatus"] == "InService", described.get("FailureReason")
    variant = described["ProductionVariants"][0]
    assert variant["VariantName"] == "AllTraffic"
    assert variant["CurrentInstanceCount"] == 1 and variant["CurrentWeight"] == 1.0
    answer = runtime.invoke_endpoint(
        EndpointName=name, Body=csv_body(3), ContentType="text/csv", Accept="application/json"
    )
    assert answer["InvokedProductionVariant"] == "AllTraffic"
    assert answer["ContentType"] == "application/json"
    predictions = json.loads(answer["Body"].read())["predictions"]
    assert len(predictions) == 3 and all(isinstance(p["score"], float) for p in predictions)
    # A body too big to be read on the event loop first: its steps run in a worker thread,
    # its exchange with the model server is still awaited on the loop.
    big = csv_body(3000)
    assert len(big) > 64 * 1024
    answer = runtime.invoke_endpoint(
        EndpointName=name, Body=big, ContentType="text/csv", Accept="application/json"
    )
    assert len(json.loads(answer["Body"].read())["predictions"]) == 3000

    sm.delete_endpoint(EndpointName=name)
    waiter = sm.get_waiter("endpoint_deleted")
    waiter.wait(EndpointName=name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 100})
    with pytest.raises(ClientError) as exc:
        sm.describe_endpoint(EndpointName=name)
    assert exc.value.response["Error"]["Message"] == (
        f'Could not find endpoint "arn:aws:sagemaker:us-east-1:{server.account_id}:'
        f'endpoint/{name.lower()}".'
    )


def test_bad_payload_is_a_model_error(server: SagelabServer, deploy: Callable[..., str]) -> None:
    name = deploy()
    runtime = server.client("sagemaker-runtime")
    with pytest.raises(ClientError) as exc:
        runtime.invoke_endpoint(EndpointName=name, Body=b"1,2,x", ContentType="text/csv")
    error: dict[str, Any] = exc.value.response["Error"]
    assert error["Code"] == "ModelError"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 424
    assert error["Message"].startswith("Received client error (400) from primary with message")
    assert f"/aws/sagemaker/Endpoints/{name}" in error["Message"]
    assert exc.value.response["OriginalStatusCode"] == 400
