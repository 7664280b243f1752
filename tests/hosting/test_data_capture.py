"""Data capture through boto3 and the SDK: sampled requests and responses land in S3 as JSON
Lines under `<dest>/<endpoint>/<variant>/yyyy/mm/dd/hh/<mm-ss-SSS>-<uuid>.jsonl`, encoded as
the config's content-type lists say; DescribeEndpoint reports the capture; UpdateEndpoint
switches it."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hosting_kit import create_model, csv_body, variant, wait_endpoint
from training_kit import LL_IMAGE, unique

from sagelab.testing import SagelabServer, run_sdk

_KEY = re.compile(
    r"^capture/(?P<ep>[^/]+)/AllTraffic/\d{4}/\d{2}/\d{2}/\d{2}/\d{2}-\d{2}-\d{3}-"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.jsonl$"
)


def _capture(bucket: str, **extra: Any) -> dict[str, Any]:
    return {
        "EnableCapture": True,
        "InitialSamplingPercentage": 100,
        "DestinationS3Uri": f"s3://{bucket}/capture",
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        **extra,
    }


class Endpoints:
    """Endpoints of one model, made from configs with or without capture; deleted after."""

    def __init__(self, server: SagelabServer, role: str, model_data: str) -> None:
        self.sm = server.client("sagemaker")
        self.model = unique("model")
        create_model(self.sm, self.model, role, model_data)
        self.made: list[str] = []

    def config(self, capture: dict[str, Any] | None = None) -> str:
        name = unique("cfg")
        extra = {"DataCaptureConfig": capture} if capture else {}
        self.sm.create_endpoint_config(
            EndpointConfigName=name, ProductionVariants=[variant(self.model)], **extra
        )
        return name

    def endpoint(self, capture: dict[str, Any] | None = None) -> str:
        name = unique("ep")
        self.sm.create_endpoint(EndpointName=name, EndpointConfigName=self.config(capture))
        self.made.append(name)
        found = wait_endpoint(self.sm, name)
        assert found["EndpointStatus"] == "InService", found.get("FailureReason")
        return name


@pytest.fixture
def endpoints(server: SagelabServer, hosting_role: str, model_data: str) -> Iterator[Endpoints]:
    made = Endpoints(server, hosting_role, model_data)
    yield made
    for name in made.made:
        made.sm.delete_endpoint(EndpointName=name)


def _records(s3: Any, bucket: str, endpoint: str, count: int, timeout: float = 15.0) -> Any:
    """(keys, records) once `count` records were written under the endpoint's prefix."""
    deadline = time.monotonic() + timeout
    while True:
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"capture/{endpoint}/")
        keys = [o["Key"] for o in listed.get("Contents", [])]
        records = [
            json.loads(line)
            for key in keys
            for line in s3.get_object(Bucket=bucket, Key=key)["Body"].read().splitlines()
        ]
        if len(records) >= count or time.monotonic() > deadline:
            return keys, records
        time.sleep(0.25)


def test_requests_and_responses_are_captured_as_aws_lays_them_out(
    server: SagelabServer, endpoints: Endpoints, hosting_bucket: str
) -> None:
    header = {"CsvContentTypes": ["text/csv"], "JsonContentTypes": ["application/json"]}
    name = endpoints.endpoint(_capture(hosting_bucket, CaptureContentTypeHeader=header))
    described = endpoints.sm.describe_endpoint(EndpointName=name)["DataCaptureConfig"]
    assert described == {
        "EnableCapture": True,
        "CaptureStatus": "Started",
        "CurrentSamplingPercentage": 100,
        "DestinationS3Uri": f"s3://{hosting_bucket}/capture",
    }
    runtime, s3 = server.client("sagemaker-runtime"), server.client("s3")
    body = csv_body(2)
    answers = [
        runtime.invoke_endpoint(
            EndpointName=name,
            Body=body,
            ContentType="text/csv",
            Accept="application/json",
            **({"InferenceId": f"req-{i}"} if i == 0 else {}),
        )["Body"].read()
        for i in range(3)
    ]
    keys, records = _records(s3, hosting_bucket, name, 3)
    assert len(records) == 3 and keys
    assert all(_KEY.match(k) and _KEY.match(k)["ep"] == name for k in keys), keys
    first = next(r for r in records if r["eventMetadata"].get("inferenceId") == "req-0")
    assert first["eventVersion"] == "0"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", first["eventMetadata"]["inferenceTime"])
    assert first["captureData"]["endpointInput"] == {
        "observedContentType": "text/csv",
        "mode": "INPUT",
        "data": body.decode(),
        "encoding": "CSV",
    }
    output = first["captureData"]["endpointOutput"]
    assert output["mode"] == "OUTPUT" and output["encoding"] == "JSON"
    assert output["observedContentType"] == "application/json"
    assert output["data"].encode() == answers[0]
    assert len({r["eventMetadata"]["eventId"] for r in records}) == 3


def test_other_content_types_are_base64_and_modes_are_honoured(
    server: SagelabServer, endpoints: Endpoints, hosting_bucket: str
) -> None:
    name = endpoints.endpoint(
        _capture(hosting_bucket, CaptureOptions=[{"CaptureMode": "Input"}], KmsKeyId="alias/k")
    )
    described = endpoints.sm.describe_endpoint(EndpointName=name)["DataCaptureConfig"]
    assert described["KmsKeyId"] == "alias/k"
    body = csv_body(1)
    server.client("sagemaker-runtime").invoke_endpoint(
        EndpointName=name, Body=body, ContentType="text/csv"
    )
    _, records = _records(server.client("s3"), hosting_bucket, name, 1)
    [captured] = [r["captureData"] for r in records]
    assert set(captured) == {"endpointInput"}
    assert captured["endpointInput"]["encoding"] == "BASE64"
    assert base64.b64decode(captured["endpointInput"]["data"]) == body


def test_update_endpoint_switches_capture_on_and_off(
    server: SagelabServer, endpoints: Endpoints, hosting_bucket: str
) -> None:
    sm, runtime, s3 = endpoints.sm, server.client("sagemaker-runtime"), server.client("s3")
    name = endpoints.endpoint()
    assert "DataCaptureConfig" not in sm.describe_endpoint(EndpointName=name)

    def invoke() -> None:
        runtime.invoke_endpoint(EndpointName=name, Body=csv_body(1), ContentType="text/csv")

    invoke()
    sm.update_endpoint(
        EndpointName=name, EndpointConfigName=endpoints.config(_capture(hosting_bucket))
    )
    found = wait_endpoint(sm, name)
    assert found["DataCaptureConfig"]["CaptureStatus"] == "Started"
    time.sleep(0.6)  # the runtime's routing cache (0.5 s) moves to the new generation
    invoke()
    invoke()
    _, records = _records(s3, hosting_bucket, name, 2)
    assert len(records) == 2

    stopped = endpoints.config(_capture(hosting_bucket, EnableCapture=False))
    sm.update_endpoint(EndpointName=name, EndpointConfigName=stopped)
    found = wait_endpoint(sm, name)
    assert found["DataCaptureConfig"]["CaptureStatus"] == "Stopped"
    time.sleep(0.6)
    invoke()
    _, records = _records(s3, hosting_bucket, name, 3, timeout=4.0)
    assert len(records) == 2


def test_sdk_deploy_with_data_capture_config(
    server: SagelabServer, hosting_role: str, model_data: str, hosting_bucket: str, tmp_path: Path
) -> None:
    """The SDK's DataCaptureConfig on deploy(); its S3Downloader reads the captured files."""
    cells = """
        import json, sys, time
        import boto3
        from sagemaker.model import Model
        from sagemaker.model_monitor import DataCaptureConfig
        from sagemaker.predictor import Predictor
        from sagemaker.s3 import S3Downloader
        from sagemaker.serializers import CSVSerializer
        from sagemaker.deserializers import JSONDeserializer

        role, data, bucket, image, name = sys.argv[1:6]
        capture = DataCaptureConfig(enable_capture=True, sampling_percentage=100,
                                    destination_s3_uri=f"s3://{bucket}/sdk-capture")
        Model(image_uri=image, model_data=data, role=role).deploy(
            initial_instance_count=1, instance_type="ml.m5.large", endpoint_name=name,
            data_capture_config=capture, wait=False)
        sm = boto3.client("sagemaker")
        while sm.describe_endpoint(EndpointName=name)["EndpointStatus"] == "Creating":
            time.sleep(0.1)
        predictor = Predictor(name, serializer=CSVSerializer(), deserializer=JSONDeserializer())
        predictor.predict([[0.5] * 13, [1.0] * 13])
        prefix = f"s3://{bucket}/sdk-capture/{name}"
        files = []
        for _ in range(60):
            files = S3Downloader.list(prefix)
            if files:
                break
            time.sleep(0.25)
        lines = S3Downloader.read_file(files[0]).splitlines()
        summary = sm.describe_endpoint(EndpointName=name)["DataCaptureConfig"]
        predictor.delete_endpoint()
        print(json.dumps({"files": files, "record": json.loads(lines[0]), "summary": summary}))
    """
    name = unique("sdk-capture")
    args = [hosting_role, model_data, hosting_bucket, LL_IMAGE, name]
    result = run_sdk(server, tmp_path, cells, *args)
    assert len(result["files"]) == 1
    assert result["files"][0].startswith(f"s3://{hosting_bucket}/sdk-capture/{name}/AllTraffic/")
    captured = result["record"]["captureData"]
    assert captured["endpointInput"]["encoding"] == "CSV"  # the SDK's default content types
    rows = [",".join([value] * 13) for value in ("0.5", "1.0")]
    assert captured["endpointInput"]["data"] == "\n".join(rows)
    assert captured["endpointOutput"]["encoding"] == "JSON"
    assert result["summary"]["CaptureStatus"] == "Started"
