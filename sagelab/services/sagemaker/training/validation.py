"""What CreateTrainingJob refuses beyond botocore's model.

The model's own constraints (patterns, lengths, enums, required members) are checked by the
gateway; what is left here is what SageMaker itself refuses, and the members sagelab does not
build yet (501, naming the member).
"""

from __future__ import annotations

import re
from typing import Any

from sagelab import arns
from sagelab.services.sagemaker.errors import SageMakerValidation
from sagelab.services.sagemaker.jobs.validation import check_s3_uri, not_null
from sagelab.services.sagemaker.jobs.validation import (
    refuse_unbuilt as refuse_unbuilt,  # hosting still imports it from here
)


def check_algorithm(spec: dict[str, Any], channels: list[dict[str, Any]]) -> None:
    refuse_unbuilt(
        spec,
        ("AlgorithmName", "ContainerEntrypoint", "ContainerArguments", "TrainingImageConfig"),
        "AlgorithmSpecification",
    )
    if not spec.get("TrainingImage"):
        raise not_null("algorithmSpecification.trainingImage")
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
            raise not_null("inputDataConfig.dataSource.s3DataSource")
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
        raise not_null("resourceConfig.instanceType")
    if not config.get("InstanceCount"):
        raise not_null("resourceConfig.instanceCount")


def check_stopping(condition: dict[str, Any]) -> None:
    if condition.get("MaxRuntimeInSeconds") is None:
        raise not_null("stoppingCondition.maxRuntimeInSeconds")


def check_output(config: dict[str, Any]) -> None:
    check_s3_uri("OutputDataConfig.S3OutputPath", str(config.get("S3OutputPath", "")))
