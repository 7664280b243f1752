"""What CreateTrainingJob refuses beyond botocore's model.

The model's own constraints (patterns, lengths, enums, required members) are checked by the
gateway; what is left here is what SageMaker itself refuses, and the members sagelab does not
build yet (501, naming the member).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from sagelab import arns
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.errors import ResourceInUse, SageMakerValidation


def _not_null(member: str) -> SageMakerValidation:
    return SageMakerValidation(
        message=f"1 validation error detected: Value null at '{member}' failed to satisfy "
        "constraint: Member must not be null"
    )


def refuse_unbuilt(section: dict[str, Any], members: Iterable[str], where: str) -> None:
    """501 for the first member of `section` that sagelab does not build."""
    for member in members:
        if section.get(member) not in (None, [], {}):
            raise NotImplementedByUs(message=f"{where}.{member} is not implemented by sagelab yet")


def check_algorithm(spec: dict[str, Any], channels: list[dict[str, Any]]) -> None:
    refuse_unbuilt(
        spec,
        ("AlgorithmName", "ContainerEntrypoint", "ContainerArguments", "TrainingImageConfig"),
        "AlgorithmSpecification",
    )
    if not spec.get("TrainingImage"):
        raise _not_null("algorithmSpecification.trainingImage")
    if not spec.get("TrainingInputMode") and any("InputMode" not in c for c in channels):
        raise SageMakerValidation(
            message="TrainingInputMode must be specified in AlgorithmSpecification or in "
            "every channel's InputMode"
        )
    for definition in spec.get("MetricDefinitions") or []:
        try:
            re.compile(definition["Regex"])
        except re.error as err:
            raise SageMakerValidation(
                message=f"Metric definition '{definition['Name']}' has an invalid regular "
                f"expression {definition['Regex']!r}: {err}"
            ) from err


def check_channels(channels: list[dict[str, Any]]) -> None:
    names = [c["ChannelName"] for c in channels]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SageMakerValidation(
            message=f"Channel names must be unique. Duplicate channel names: {duplicates}"
        )
    for channel in channels:
        source = channel["DataSource"]
        refuse_unbuilt(source, ("FileSystemDataSource", "DatasetSource"), "DataSource")
        if "S3DataSource" not in source:
            raise _not_null("inputDataConfig.dataSource.s3DataSource")
        refuse_unbuilt(
            source["S3DataSource"], ("ModelAccessConfig", "HubAccessConfig"), "S3DataSource"
        )
        refuse_unbuilt(channel, ("ShuffleConfig",), "Channel")


def check_role(role_arn: str, account: str) -> None:
    """A role of this account; whether SageMaker may assume it is IAM's to say."""
    parsed = arns.try_parse(role_arn)
    if parsed is None or parsed.resource_type != "role" or parsed.account != account:
        raise SageMakerValidation(
            message=f"Could not assume role {role_arn}. Please ensure that the role exists and "
            "allows principal 'sagemaker.amazonaws.com' to assume the role."
        )


def check_resources(config: dict[str, Any]) -> None:
    refuse_unbuilt(
        config,
        (
            "InstanceGroups",
            "KeepAlivePeriodInSeconds",
            "TrainingPlanArn",
            "InstancePlacementConfig",
        ),
        "ResourceConfig",
    )
    if not config.get("InstanceType"):
        raise _not_null("resourceConfig.instanceType")
    if not config.get("InstanceCount"):
        raise _not_null("resourceConfig.instanceCount")


def check_stopping(condition: dict[str, Any]) -> None:
    if condition.get("MaxRuntimeInSeconds") is None:
        raise _not_null("stoppingCondition.maxRuntimeInSeconds")


def check_output(config: dict[str, Any]) -> None:
    path = str(config.get("S3OutputPath", ""))
    if not path.startswith("s3://") or len(path) <= len("s3://"):
        raise SageMakerValidation(
            message=f"OutputDataConfig.S3OutputPath {path!r} is not a valid S3 URI; "
            "it must start with s3://"
        )


def check_unique(conn: Connection, where: resources.Scope, name: str) -> None:
    existing = resources.find(conn, where, name)
    if existing is not None:
        raise ResourceInUse(
            message="Training job names must be unique within an AWS account and region, and a "
            f"training job with this name already exists ({existing.arn})"
        )
