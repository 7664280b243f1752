"""Endpoint configs: production variants (each a model on some instances, with a traffic
weight) and data capture. A serverless variant runs as one instance."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection

from sagelab import arns
from sagelab.services.sagemaker.errors import SageMakerValidation
from sagelab.services.sagemaker.hosting import CONFIG, MODEL, capture, models, records, scope
from sagelab.services.sagemaker.training.validation import refuse_unbuilt

_UNBUILT_VARIANT = (
    "AcceleratorType",
    "CoreDumpConfig",
    "ManagedInstanceScaling",
    "RoutingConfig",
    "InferenceAmiVersion",
)


def arn(account: str, region: str, name: str) -> str:
    return arns.sagemaker(region, account, CONFIG, name)


def instance_count(variant: dict[str, Any]) -> int:
    return 1 if variant.get("ServerlessConfig") else int(variant.get("InitialInstanceCount", 1))


def _variant(
    conn: Connection, variant: dict[str, Any], account: str, region: str
) -> dict[str, Any]:
    refuse_unbuilt(variant, _UNBUILT_VARIANT, "ProductionVariant")
    name = variant["ModelName"]
    if models.find_model(conn, scope(MODEL, account, region), name) is None:
        raise records.not_found(
            scope(MODEL, account, region), name, models.arn(account, region, name)
        )
    if not variant.get("ServerlessConfig") and not variant.get("InstanceType"):
        raise SageMakerValidation(
            message=f"InstanceType must be specified for production variant "
            f"{variant['VariantName']} unless it has a ServerlessConfig."
        )
    return {"InitialVariantWeight": 1.0, **variant}


def new_document(
    conn: Connection, request: dict[str, Any], account: str, region: str
) -> dict[str, Any]:
    names = [v["VariantName"] for v in request["ProductionVariants"]]
    if len(set(n.lower() for n in names)) != len(names):
        raise SageMakerValidation(
            message="The VariantName of each production variant must be unique."
        )
    refuse_unbuilt(request, ("ShadowProductionVariants",), "CreateEndpointConfig")
    capture.check_capture(request.get("DataCaptureConfig"))
    capture.check_async(request.get("AsyncInferenceConfig"), request["ProductionVariants"])
    name = request["EndpointConfigName"]
    doc: dict[str, Any] = {
        "EndpointConfigName": name,
        "EndpointConfigArn": arn(account, region, name),
        "ProductionVariants": [
            _variant(conn, v, account, region) for v in request["ProductionVariants"]
        ],
        "CreationTime": time.time(),
    }
    optional = ("DataCaptureConfig", "KmsKeyId", "AsyncInferenceConfig")
    doc.update({k: request[k] for k in optional if request.get(k)})
    return doc
