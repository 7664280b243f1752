"""InvokeEndpointAsync through boto3 and the SDK's AsyncPredictor: the input is read from S3,
the answer lands at OutputLocation (`<S3OutputPath>/<id>.out`), a model error at
FailureLocation (`<S3FailurePath>/<id>-error.out`); an async endpoint refuses InvokeEndpoint
and a real-time one refuses InvokeEndpointAsync."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hosting_kit import csv_body, serve
from training_kit import LL_IMAGE, unique

from sagelab.testing import SagelabServer, run_sdk


def _split(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


def _wait_object(s3: Any, uri: str) -> Any:
    bucket, key = _split(uri)
    s3.get_waiter("object_exists").wait(
        Bucket=bucket, Key=key, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100}
    )
    return s3.get_object(Bucket=bucket, Key=key)


@pytest.fixture
def async_endpoint(
    server: SagelabServer, hosting_role: str, model_data: str, hosting_bucket: str
) -> Iterator[str]:
    sm = server.client("sagemaker")
    name = unique("async")
    async_config = {
        "ClientConfig": {"MaxConcurrentInvocationsPerInstance": 2},
        "OutputConfig": {
            "S3OutputPath": f"s3://{hosting_bucket}/async-out",
            "S3FailurePath": f"s3://{hosting_bucket}/async-failures/",
            "NotificationConfig": {"SuccessTopic": "arn:aws:sns:us-east-1:123456789012:ok"},
        },
    }
    found = serve(sm, name, hosting_role, model_data, AsyncInferenceConfig=async_config)
    assert found["EndpointStatus"] == "InService", found.get("FailureReason")
    yield name
    sm.delete_endpoint(EndpointName=name)


def test_async_invocation_writes_its_answer_to_s3(
    server: SagelabServer, async_endpoint: str, hosting_bucket: str
) -> None:
    sm, s3 = server.client("sagemaker"), server.client("s3")
    runtime = server.client("sagemaker-runtime")
    config = sm.describe_endpoint_config(EndpointConfigName=async_endpoint)
    assert config["AsyncInferenceConfig"]["OutputConfig"]["NotificationConfig"] == {
        "SuccessTopic": "arn:aws:sns:us-east-1:123456789012:ok"
    }
    described = sm.describe_endpoint(EndpointName=async_endpoint)
    assert described["AsyncInferenceConfig"]["ClientConfig"] == {
        "MaxConcurrentInvocationsPerInstance": 2
    }
    s3.put_object(Bucket=hosting_bucket, Key="async-in/good.csv", Body=csv_body(2))
    answer = runtime.invoke_endpoint_async(
        EndpointName=async_endpoint,
        InputLocation=f"s3://{hosting_bucket}/async-in/good.csv",
        ContentType="text/csv",
        Accept="application/json",
    )
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    inference_id = answer["InferenceId"]
    assert answer["OutputLocation"] == f"s3://{hosting_bucket}/async-out/{inference_id}.out"
    assert answer["FailureLocation"] == (
        f"s3://{hosting_bucket}/async-failures/{inference_id}-error.out"
    )
    out = _wait_object(s3, answer["OutputLocation"])
    assert out["ContentType"] == "application/json"
    predictions = json.loads(out["Body"].read())["predictions"]
    assert len(predictions) == 2 and all(isinstance(p["score"], float) for p in predictions)


def test_a_model_error_goes_to_the_failure_path(
    server: SagelabServer, async_endpoint: str, hosting_bucket: str
) -> None:
    s3, runtime = server.client("s3"), server.client("sagemaker-runtime")
    s3.put_object(Bucket=hosting_bucket, Key="async-in/bad.csv", Body=b"1,2,x")
    answer = runtime.invoke_endpoint_async(
        EndpointName=async_endpoint,
        InputLocation=f"s3://{hosting_bucket}/async-in/bad.csv",
        ContentType="text/csv",
        InferenceId="my-request",
    )
    assert answer["InferenceId"] == "my-request"
    failure = _wait_object(s3, answer["FailureLocation"])["Body"].read().decode()
    assert failure.startswith("Received client error (400) from primary with message")
    missing = runtime.invoke_endpoint_async(
        EndpointName=async_endpoint,
        InputLocation=f"s3://{hosting_bucket}/async-in/no-such-input",
    )
    reason = _wait_object(s3, missing["FailureLocation"])["Body"].read().decode()
    assert reason == "The specified key does not exist."
    bucket, key = _split(missing["OutputLocation"])
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix=key)


def test_each_kind_of_endpoint_refuses_the_other_kind_of_call(
    server: SagelabServer, async_endpoint: str, hosting_bucket: str, client: Any
) -> None:
    runtime = client("sagemaker-runtime")
    with pytest.raises(ClientError) as exc:
        runtime.invoke_endpoint(
            EndpointName=async_endpoint, Body=csv_body(1), ContentType="text/csv"
        )
    assert exc.value.response["Error"]["Code"] == "ValidationError"
    assert exc.value.response["Error"]["Message"] == (
        f"Endpoint {async_endpoint} of account {server.account_id} not found."
    )
    with pytest.raises(ClientError) as exc:
        runtime.invoke_endpoint_async(
            EndpointName="no-such-endpoint", InputLocation=f"s3://{hosting_bucket}/x"
        )
    assert exc.value.response["Error"]["Message"] == (
        f"Endpoint no-such-endpoint of account {server.account_id} not found."
    )


def test_sdk_async_predictor(
    server: SagelabServer, hosting_role: str, model_data: str, hosting_bucket: str, tmp_path: Path
) -> None:
    """`deploy(async_inference_config=...)`, `predict_async`, `get_result(WaiterConfig)`."""
    cells = """
        import json, sys, time
        import boto3
        from sagemaker.async_inference import AsyncInferenceConfig, WaiterConfig
        from sagemaker.model import Model
        from sagemaker.predictor import Predictor
        from sagemaker.predictor_async import AsyncPredictor
        from sagemaker.serializers import CSVSerializer
        from sagemaker.deserializers import JSONDeserializer

        role, data, bucket, image, name = sys.argv[1:6]
        config = AsyncInferenceConfig(output_path=f"s3://{bucket}/sdk-async-out",
                                      failure_path=f"s3://{bucket}/sdk-async-fail")
        Model(image_uri=image, model_data=data, role=role).deploy(
            initial_instance_count=1, instance_type="ml.m5.large", endpoint_name=name,
            async_inference_config=config, wait=False)
        sm = boto3.client("sagemaker")
        while sm.describe_endpoint(EndpointName=name)["EndpointStatus"] == "Creating":
            time.sleep(0.1)
        predictor = AsyncPredictor(Predictor(name, serializer=CSVSerializer(),
                                             deserializer=JSONDeserializer()))
        response = predictor.predict_async(data=[[0.5] * 13, [1.0] * 13])
        result = response.get_result(WaiterConfig(max_attempts=100, delay=0.2))
        direct = predictor.predict(data=[[0.5] * 13],
                                   waiter_config=WaiterConfig(max_attempts=100, delay=0.2))
        predictor.delete_endpoint()
        print(json.dumps({"result": result, "direct": direct,
                          "output": response.output_path}))
    """
    name = unique("sdk-async")
    args = [hosting_role, model_data, hosting_bucket, LL_IMAGE, name]
    result = run_sdk(server, tmp_path, cells, *args)
    assert len(result["result"]["predictions"]) == 2
    assert len(result["direct"]["predictions"]) == 1
    assert result["output"].startswith(f"s3://{hosting_bucket}/sdk-async-out/")
