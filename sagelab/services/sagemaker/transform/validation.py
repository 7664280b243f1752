"""What CreateTransformJob refuses beyond botocore's model (contracts §2.5).

Patterns, enums and required members are the gateway's; here: the model must exist and be a
built-in sagelab runs, payload limits, filters, and the members sagelab does not build (501).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from sagelab.container.jsonpath import JsonPathError, compile_path
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.sagemaker import hosting
from sagelab.services.sagemaker.errors import SageMakerValidation
from sagelab.services.sagemaker.hosting import models
from sagelab.services.sagemaker.jobs.validation import check_s3_uri, refuse_unbuilt

MAX_PAYLOAD_MB = 100


def model_document(conn: Connection, account: str, region: str, name: str) -> dict[str, Any]:
    """The model's Describe document; ValidationException as SageMaker words it if missing."""
    found = models.find_model(conn, hosting.scope(hosting.MODEL, account, region), name)
    if found is None:
        raise SageMakerValidation(
            message=f'Could not find model "{models.arn(account, region, name)}".'
        )
    return found


def algorithm(model: dict[str, Any]) -> str:
    """The built-in the model's one container runs (its images were checked at CreateModel)."""
    chain = models.containers(model)
    if len(chain) != 1:
        raise NotImplementedByUs(
            message="Batch transform with a multi-container model is not implemented by sagelab yet"
        )
    return models.serving_algorithm(chain[0]["Image"])


def check_input(transform_input: dict[str, Any]) -> None:
    source = transform_input["DataSource"]["S3DataSource"]
    if source["S3DataType"] not in ("S3Prefix", "ManifestFile"):
        raise NotImplementedByUs(
            message=f"S3DataType {source['S3DataType']} is not implemented by sagelab yet"
        )
    if transform_input.get("SplitType") == "TFRecord":
        raise NotImplementedByUs(message="SplitType TFRecord is not implemented by sagelab yet")
    check_s3_uri("TransformInput.DataSource.S3DataSource.S3Uri", source["S3Uri"])


def check_output(transform_output: dict[str, Any]) -> None:
    check_s3_uri("TransformOutput.S3OutputPath", transform_output["S3OutputPath"])


def check_payload(max_payload: int | None, max_concurrent: int | None) -> None:
    """SageMaker's limits: MaxPayloadInMB ≤ 100, and so is its product with the concurrency."""
    if max_payload is None:
        return
    if max_payload == 0:
        raise SageMakerValidation(
            message="MaxPayloadInMB 0 (streaming without a payload limit) is not supported by "
            "built-in algorithms"
        )
    if max_payload * (max_concurrent or 1) > MAX_PAYLOAD_MB:
        raise SageMakerValidation(
            message=f"MaxPayloadInMB ({max_payload}) times MaxConcurrentTransforms "
            f"({max_concurrent or 1}) must not exceed {MAX_PAYLOAD_MB} MB"
        )


def check_data_processing(processing: dict[str, Any]) -> None:
    for member in ("InputFilter", "OutputFilter"):
        expression = processing.get(member)
        if expression is None:
            continue
        try:
            compile_path(expression)
        except JsonPathError as err:
            raise SageMakerValidation(
                message=f"DataProcessing.{member} {expression!r} is not a supported JSONPath "
                f"expression: {err}"
            ) from err


def check_unbuilt(request: dict[str, Any]) -> None:
    refuse_unbuilt(request, ("ModelClientConfig", "DataCaptureConfig"), "CreateTransformJob")
    refuse_unbuilt(request["TransformOutput"], ("KmsKeyId",), "TransformOutput")
    refuse_unbuilt(
        request["TransformResources"],
        ("VolumeKmsKeyId", "TransformAmiVersion"),
        "TransformResources",
    )
