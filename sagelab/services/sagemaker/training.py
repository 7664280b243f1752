"""Training jobs: the checks CreateTrainingJob makes beyond botocore's model, and summaries.

The model's own constraints (patterns, lengths, enums, required members) are checked by the
gateway; what is left here is what SageMaker itself refuses.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from sagelab import arns
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.errors import ResourceInUse, SageMakerValidation

KIND = "training-job"


def scope(account: str, region: str) -> resources.Scope:
    return resources.Scope(KIND, account, region)


def _not_null(member: str) -> SageMakerValidation:
    return SageMakerValidation(
        message=f"1 validation error detected: Value null at '{member}' failed to satisfy "
        "constraint: Member must not be null"
    )


def check_channels(channels: list[dict[str, Any]]) -> None:
    names = [c["ChannelName"] for c in channels]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SageMakerValidation(
            message=f"Channel names must be unique. Duplicate channel names: {duplicates}"
        )


def check_role(role_arn: str, account: str) -> None:
    """A role of this account; whether SageMaker may assume it is IAM's to say (later)."""
    parsed = arns.try_parse(role_arn)
    if parsed is None or parsed.resource_type != "role" or parsed.account != account:
        raise SageMakerValidation(
            message=f"Could not assume role {role_arn}. Please ensure that the role exists and "
            "allows principal 'sagemaker.amazonaws.com' to assume the role."
        )


def check_resources(config: dict[str, Any]) -> None:
    if not config.get("InstanceType") and not config.get("InstanceGroups"):
        raise _not_null("resourceConfig.instanceType")


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


def summary(job: resources.Resource) -> dict[str, Any]:
    """A TrainingJobSummaries entry, drawn from the job's Describe document."""
    doc = job.doc
    out: dict[str, Any] = {
        "TrainingJobName": job.name,
        "TrainingJobArn": job.arn,
        "CreationTime": job.created_at,
        "LastModifiedTime": job.modified_at,
        "TrainingJobStatus": job.status,
        "SecondaryStatus": doc.get("SecondaryStatus"),
        "TrainingEndTime": doc.get("TrainingEndTime"),
        "WarmPoolStatus": doc.get("WarmPoolStatus"),
        "TrainingPlanArn": doc.get("ResourceConfig", {}).get("TrainingPlanArn"),
    }
    return {k: v for k, v in out.items() if v is not None}
