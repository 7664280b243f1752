"""What every job's Create refuses the same way: members sagelab does not build (501, naming
the member), members SageMaker requires beyond botocore's model, and S3 URIs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.sagemaker.errors import SageMakerValidation


def not_null(member: str) -> SageMakerValidation:
    return SageMakerValidation(
        message=f"1 validation error detected: Value null at '{member}' failed to satisfy "
        "constraint: Member must not be null"
    )


def refuse_unbuilt(section: dict[str, Any], members: Iterable[str], where: str) -> None:
    """501 for the first member of `section` that sagelab does not build."""
    for member in members:
        if section.get(member) not in (None, [], {}):
            raise NotImplementedByUs(message=f"{where}.{member} is not implemented by sagelab yet")


def check_s3_uri(member: str, uri: str) -> None:
    if not uri.startswith("s3://") or len(uri) <= len("s3://"):
        raise SageMakerValidation(
            message=f"{member} {uri!r} is not a valid S3 URI; it must start with s3://"
        )
