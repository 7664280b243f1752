"""Endpoint-config side of data capture and async inference: what CreateEndpointConfig
accepts for `DataCaptureConfig` and `AsyncInferenceConfig`, and what DescribeEndpoint
reports of them. The runtime (`sagelab.services.runtime`) does the capturing and queueing."""

from __future__ import annotations

from typing import Any

from sagelab.services.sagemaker.errors import SageMakerValidation

_CAPTURE_MODES = ("Input", "Output")


def _require_s3(uri: str | None, member: str) -> None:
    if not (uri or "").startswith("s3://") or len((uri or "")[5:].split("/", 1)[0]) == 0:
        raise SageMakerValidation(message=f"{member} must be an S3 URI (s3://bucket/prefix).")


def check_capture(capture: dict[str, Any] | None) -> None:
    if not capture:
        return
    modes = [o["CaptureMode"] for o in capture.get("CaptureOptions", [])]
    if not modes or any(m not in _CAPTURE_MODES for m in modes):
        raise SageMakerValidation(
            message="DataCaptureConfig.CaptureOptions must name Input and/or Output."
        )
    _require_s3(capture.get("DestinationS3Uri"), "DataCaptureConfig.DestinationS3Uri")


def check_async(config: dict[str, Any] | None, variants: list[dict[str, Any]]) -> None:
    if not config:
        return
    output = config.get("OutputConfig") or {}
    _require_s3(output.get("S3OutputPath"), "AsyncInferenceConfig.OutputConfig.S3OutputPath")
    if output.get("S3FailurePath") is not None:
        _require_s3(output["S3FailurePath"], "AsyncInferenceConfig.OutputConfig.S3FailurePath")
    if any(v.get("ServerlessConfig") for v in variants):
        raise SageMakerValidation(
            message="AsyncInferenceConfig is not supported with a ServerlessConfig variant."
        )


def capture_summary(capture: dict[str, Any] | None) -> dict[str, Any] | None:
    """DescribeEndpoint's DataCaptureConfig (a DataCaptureConfigSummary)."""
    if not capture:
        return None
    enabled = bool(capture.get("EnableCapture", True))
    summary = {
        "EnableCapture": enabled,
        "CaptureStatus": "Started" if enabled else "Stopped",
        "CurrentSamplingPercentage": capture["InitialSamplingPercentage"],
        "DestinationS3Uri": capture["DestinationS3Uri"],
    }
    if capture.get("KmsKeyId"):
        summary["KmsKeyId"] = capture["KmsKeyId"]
    return summary


def describe(doc: dict[str, Any], wanted: dict[str, Any]) -> None:
    """Set (or clear) the endpoint document's DataCaptureConfig and AsyncInferenceConfig from
    the snapshot `wanted` that serves."""
    fields = {
        "DataCaptureConfig": capture_summary(wanted.get("capture")),
        "AsyncInferenceConfig": wanted.get("async"),
    }
    for key, value in fields.items():
        if value:
            doc[key] = value
        else:
            doc.pop(key, None)
