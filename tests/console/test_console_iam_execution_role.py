"""`create_sagemaker_execution_role`, what the Create notebook instance page's "Create a new
role" dialog calls: its IAM calls go to a real server (as root) through a stand-in for the
page context, and the role, policies and trust are checked with boto3."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from sagelab.console.iam_roles import create_sagemaker_execution_role
from sagelab.gateway.errors import ServiceError

Client = Callable[..., Any]


class ApiPage:
    """The one thing the helper needs of a PageContext: `call`, here made with boto3."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def call(self, service: str, operation: str, /, **params: Any) -> dict[str, Any]:
        try:
            result: dict[str, Any] = getattr(self.client(service), xform_name(operation))(
                **params
            )
        except ClientError as err:  # what pc.call raises: the gateway's ServiceError
            error = err.response["Error"]
            raise ServiceError(error["Code"], error["Message"]) from err
        return result


def _policy_document(iam: Any, arn: str) -> dict[str, Any]:
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document: dict[str, Any] = iam.get_policy_version(PolicyArn=arn, VersionId=version)[
        "PolicyVersion"
    ]["Document"]
    return document


def test_specific_buckets_role(client: Client) -> None:
    iam = client("iam")
    arn = create_sagemaker_execution_role(ApiPage(client), "specific", ["lab-a", "lab-b"])  # type: ignore[arg-type]
    name = arn.rsplit("/", 1)[-1]
    assert name.startswith("AmazonSageMaker-ExecutionRole-") and ":role/service-role/" in arn
    role = iam.get_role(RoleName=name)["Role"]
    assert role["Path"] == "/service-role/"
    trust = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    attached = {p["PolicyName"]: p["PolicyArn"] for p in
                iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]}
    policy = "AmazonSageMaker-ExecutionPolicy-" + name.rsplit("-", 1)[-1]
    assert set(attached) == {"AmazonSageMakerFullAccess", policy}
    statements = _policy_document(iam, attached[policy])["Statement"]
    assert statements[0]["Action"] == ["s3:ListBucket"]
    assert statements[0]["Resource"] == ["arn:aws:s3:::lab-a", "arn:aws:s3:::lab-b"]
    assert statements[1]["Resource"] == ["arn:aws:s3:::lab-a/*", "arn:aws:s3:::lab-b/*"]
    assert json.dumps(statements).count("s3:DeleteObject") == 1


def test_any_and_none(client: Client) -> None:
    iam = client("iam")
    any_arn = create_sagemaker_execution_role(ApiPage(client), "any", [])  # type: ignore[arg-type]
    # Made within the same second: the name's stamp moves to the next second.
    none_arn = create_sagemaker_execution_role(ApiPage(client), "none", [])  # type: ignore[arg-type]
    any_name, none_name = any_arn.rsplit("/", 1)[-1], none_arn.rsplit("/", 1)[-1]
    any_policies = iam.list_attached_role_policies(RoleName=any_name)["AttachedPolicies"]
    custom = [p["PolicyArn"] for p in any_policies if "ExecutionPolicy" in p["PolicyName"]]
    assert _policy_document(iam, custom[0])["Statement"][1]["Resource"] == ["arn:aws:s3:::*"]
    none_policies = iam.list_attached_role_policies(RoleName=none_name)["AttachedPolicies"]
    assert [p["PolicyName"] for p in none_policies] == ["AmazonSageMakerFullAccess"]
    with pytest.raises(ValueError):
        create_sagemaker_execution_role(ApiPage(client), "some", [])  # type: ignore[arg-type]
