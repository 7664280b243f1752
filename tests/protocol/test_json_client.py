"""Real boto3 SageMaker and CloudWatch clients against the json codec, in process."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest
from strategies import serve_client

from sagelab.gateway.codec.json import JsonCodec
from sagelab.gateway.errors import ServiceError
from sagelab.gateway.models import service_model

CREATED = dt.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=dt.UTC)


def client(service: str, handler: Any) -> Any:
    made = boto3.client(
        service,
        endpoint_url="http://sagelab.invalid",
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )
    serve_client(made, JsonCodec(service_model(service)), handler)
    return made


def missing(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    raise ServiceError("ValidationException", "Could not find requested job with name x")


def test_results_reach_the_caller_typed() -> None:
    def sagemaker(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        assert params == {"MaxResults": 5, "CreationTimeAfter": CREATED}
        summary = {
            "TrainingJobName": "j",
            "TrainingJobArn": "arn",
            "CreationTime": CREATED,
            "TrainingJobStatus": "Completed",
        }
        return {"TrainingJobSummaries": [summary]}

    answer = client("sagemaker", sagemaker).list_training_jobs(
        MaxResults=5, CreationTimeAfter=CREATED
    )
    assert answer["TrainingJobSummaries"][0]["CreationTime"] == CREATED


def test_errors_raise_client_errors_with_code_and_message() -> None:
    made = client("sagemaker", missing)
    with pytest.raises(made.exceptions.ClientError) as caught:
        made.describe_training_job(TrainingJobName="x")
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "ValidationException",
        "Could not find requested job with name x",
    )


def test_query_compatible_errors_raise_their_exception_class() -> None:
    def cloudwatch(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        raise ServiceError("InvalidParameterValue", "bad value")

    made = client("cloudwatch", cloudwatch)
    with pytest.raises(made.exceptions.InvalidParameterValueException) as caught:
        made.get_dashboard(DashboardName="d")
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
