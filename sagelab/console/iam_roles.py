"""What AWS's "Create an IAM role" dialog (Create notebook instance page) does: a SageMaker
execution role under `/service-role/` with AmazonSageMakerFullAccess and, unless S3 access is
"none", a customer managed execution policy for the chosen buckets. Every step is an IAM call
made as the signed-in principal, so a user who may not create roles is refused as on AWS."""

from __future__ import annotations

import json
import time
from typing import Any

from sagelab.console.pagekit import PageContext
from sagelab.gateway.errors import ServiceError

SAGEMAKER_FULL_ACCESS = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
SERVICE_ROLE_PATH = "/service-role/"
S3_ACCESS_CHOICES = ("any", "specific", "none")
NAME_ATTEMPTS = 3


def sagemaker_trust_policy() -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "sagemaker.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        indent=4,
    )


def execution_policy(s3_access: str, buckets: list[str]) -> dict[str, Any]:
    """The policy the dialog writes: list the buckets, read/write/delete their objects."""
    if s3_access == "any":
        bucket_arns, object_arns = ["arn:aws:s3:::*"], ["arn:aws:s3:::*"]
    else:
        bucket_arns = [f"arn:aws:s3:::{b}" for b in buckets]
        object_arns = [f"arn:aws:s3:::{b}/*" for b in buckets]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Action": ["s3:ListBucket"], "Effect": "Allow", "Resource": bucket_arns},
            {
                "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                "Effect": "Allow",
                "Resource": object_arns,
            },
        ],
    }


def _create_role(pc: PageContext) -> tuple[dict[str, Any], str]:
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    role = pc.call(
        "iam",
        "CreateRole",
        RoleName=f"AmazonSageMaker-ExecutionRole-{stamp}",
        Path=SERVICE_ROLE_PATH,
        AssumeRolePolicyDocument=sagemaker_trust_policy(),
        Description="SageMaker execution role created from the SageMaker console",
    )["Role"]
    return role, stamp


def _new_role(pc: PageContext) -> tuple[dict[str, Any], str]:
    """The role and its stamp. The name only has the second it was made in, so a second
    dialog in the same second waits for the next second rather than failing."""
    for _ in range(NAME_ATTEMPTS - 1):
        try:
            return _create_role(pc)
        except ServiceError as err:
            if err.code != "EntityAlreadyExists":
                raise
            time.sleep(1.0 - time.time() % 1.0)
    return _create_role(pc)


def create_sagemaker_execution_role(pc: PageContext, s3_access: str, buckets: list[str]) -> str:
    """Create `AmazonSageMaker-ExecutionRole-<UTC stamp>` and return its ARN. `s3_access` is
    "any", "specific" (then `buckets` names them) or "none". Raises the IAM ServiceError."""
    if s3_access not in S3_ACCESS_CHOICES:
        raise ValueError(f"s3_access must be one of {S3_ACCESS_CHOICES}: {s3_access!r}")
    role, stamp = _new_role(pc)
    pc.call("iam", "AttachRolePolicy", RoleName=role["RoleName"], PolicyArn=SAGEMAKER_FULL_ACCESS)
    wants_policy = s3_access == "any" or (s3_access == "specific" and buckets)
    if wants_policy:
        policy = pc.call(
            "iam",
            "CreatePolicy",
            PolicyName=f"AmazonSageMaker-ExecutionPolicy-{stamp}",
            Path=SERVICE_ROLE_PATH,
            PolicyDocument=json.dumps(execution_policy(s3_access, buckets), indent=4),
        )["Policy"]
        pc.call("iam", "AttachRolePolicy", RoleName=role["RoleName"], PolicyArn=policy["Arn"])
    return str(role["Arn"])
