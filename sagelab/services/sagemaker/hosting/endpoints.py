"""Endpoint records: the Describe document (written by the reconciler, and by the API when a
request starts a transition) and `desired`, what the API last asked for.

`desired` holds a snapshot of the endpoint config and its models taken when the request came
(deleting them afterwards leaves a running endpoint serving, as on AWS):

    {"generation": n, "config": name, "variants": [Variant...], "delete": bool,
     "capture": DataCaptureConfig | None, "async": AsyncInferenceConfig | None,
     "previous": <the desired before an UpdateEndpoint, to roll back to>}
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection, select

from sagelab import arns
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.errors import SageMakerValidation
from sagelab.services.sagemaker.hosting import (
    CONFIG,
    ENDPOINT,
    MODEL,
    capture,
    configs,
    models,
    records,
)
from sagelab.services.sagemaker.hosting import scope as scope_of
from sagelab.services.sagemaker.training.jobs import row_key
from sagelab.store.tables import sm_resources

CREATING, UPDATING, IN_SERVICE = "Creating", "Updating", "InService"
DELETING, FAILED = "Deleting", "Failed"
# Statuses the reconciler walks: everything but a Failed endpoint nothing runs for.
WALKED = (CREATING, UPDATING, IN_SERVICE, DELETING, FAILED)


def arn(account: str, region: str, name: str) -> str:
    return arns.sagemaker(region, account, ENDPOINT, name)


def _snapshot_variant(
    conn: Connection, variant: dict[str, Any], account: str, region: str
) -> dict[str, Any]:
    where = scope_of(MODEL, account, region)
    model = models.find_model(conn, where, variant["ModelName"])
    if model is None:
        name = variant["ModelName"]
        raise records.not_found(where, name, models.arn(account, region, name))
    return {
        "name": variant["VariantName"],
        "model": model["ModelName"],
        "role": model["ExecutionRoleArn"],
        "weight": float(variant.get("InitialVariantWeight", 1.0)),
        "count": configs.instance_count(variant),
        "containers": [
            {
                "algorithm": models.serving_algorithm(c["Image"]),
                "image": c["Image"],
                "model_data_url": c.get("ModelDataUrl"),
                "environment": c.get("Environment") or {},
            }
            for c in models.containers(model)
        ],
    }


def snapshot(conn: Connection, config_name: str, account: str, region: str) -> dict[str, Any]:
    where = scope_of(CONFIG, account, region)
    config = records.require(conn, where, config_name, configs.arn(account, region, config_name))
    return {
        "config": config.name,
        "variants": [
            _snapshot_variant(conn, v, account, region) for v in config.doc["ProductionVariants"]
        ],
        "capture": config.doc.get("DataCaptureConfig"),
        "async": config.doc.get("AsyncInferenceConfig"),
    }


def serving_snapshot(desired: dict[str, Any], generation: int) -> dict[str, Any]:
    """The snapshot `generation` was started from: the desired one, or the one an update is
    moving away from."""
    if desired.get("generation") == generation:
        return desired
    previous: dict[str, Any] = desired.get("previous") or {}
    return previous


def variant_summaries(
    variants: list[dict[str, Any]], counts: dict[str, int]
) -> list[dict[str, Any]]:
    """Describe's ProductionVariants: what serves (`counts` ready instances per variant)."""
    return [
        {
            "VariantName": v["name"],
            "DeployedImages": [
                {"SpecifiedImage": c["image"], "ResolvedImage": c["image"]} for c in v["containers"]
            ],
            "CurrentWeight": v["weight"],
            "DesiredWeight": v["weight"],
            "CurrentInstanceCount": counts.get(v["name"], 0),
            "DesiredInstanceCount": v["count"],
        }
        for v in variants
    ]


def new_document(name: str, account: str, region: str, wanted: dict[str, Any]) -> dict[str, Any]:
    now = time.time()
    doc = {
        "EndpointName": name,
        "EndpointArn": arn(account, region, name),
        "EndpointConfigName": wanted["config"],
        "ProductionVariants": variant_summaries(wanted["variants"], {}),
        "EndpointStatus": CREATING,
        "CreationTime": now,
        "LastModifiedTime": now,
    }
    capture.describe(doc, wanted)
    return doc


def require(conn: Connection, where: resources.Scope, name: str) -> resources.Resource:
    return records.require(conn, where, name, arn(where.account_id, where.region, name))


def desired_of(conn: Connection, where: resources.Scope, name: str) -> dict[str, Any]:
    row = conn.execute(select(sm_resources.c.desired).where(*row_key(where, name))).scalar_one()
    return dict(row or {})


def check_updatable(found: resources.Resource) -> None:
    if found.status != IN_SERVICE:
        raise SageMakerValidation(
            message=f'Cannot update in-progress endpoint "{found.arn}".'
            if found.status in (CREATING, UPDATING)
            else f'Cannot update endpoint "{found.arn}" in status {found.status}.'
        )


def reweigh(variants: list[dict[str, Any]], changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """UpdateEndpointWeightsAndCapacities: new weights and instance counts per variant."""
    by_name = {v["name"]: dict(v) for v in variants}
    for change in changes:
        variant = by_name.get(change["VariantName"])
        if variant is None:
            raise SageMakerValidation(
                message=f"The variant name {change['VariantName']} does not exist on the endpoint."
            )
        if "DesiredWeight" in change:
            variant["weight"] = float(change["DesiredWeight"])
        if "DesiredInstanceCount" in change:
            variant["count"] = int(change["DesiredInstanceCount"])
    return list(by_name.values())
