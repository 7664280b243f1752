"""Managed policies and their versions, inline policies, pagination, the account's reports."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _name(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:8]}"


def _doc(action: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}],
        }
    )


def test_policy_versions(client: Any, server: Any) -> None:
    iam = client("iam")
    name = _name("Readers")
    policy = iam.create_policy(PolicyName=name, PolicyDocument=_doc("s3:Get*"), Path="/lab/")
    arn = policy["Policy"]["Arn"]
    assert arn == f"arn:aws:iam::{server.account_id}:policy/lab/{name}"
    assert policy["Policy"]["DefaultVersionId"] == "v1"
    for n in range(2, 6):
        v = iam.create_policy_version(PolicyArn=arn, PolicyDocument=_doc(f"s3:List{n}"))
        assert v["PolicyVersion"]["VersionId"] == f"v{n}"
    with pytest.raises(ClientError) as err:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=_doc("s3:*"))
    assert err.value.response["Error"]["Code"] == "LimitExceeded"
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v3")
    got = iam.get_policy_version(PolicyArn=arn, VersionId="v3")["PolicyVersion"]
    assert got["IsDefaultVersion"] is True
    assert got["Document"]["Statement"][0]["Action"] == "s3:List3"  # decoded by boto3
    with pytest.raises(ClientError) as err:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
    assert err.value.response["Error"]["Code"] == "DeleteConflict"
    with pytest.raises(ClientError) as err:
        iam.delete_policy(PolicyArn=arn)
    assert err.value.response["Error"]["Code"] == "DeleteConflict"
    for vid in ("v1", "v2", "v4", "v5"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=vid)
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in versions] == ["v3"]
    iam.delete_policy(PolicyArn=arn)
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_policy(PolicyArn=arn)


def test_malformed_documents_are_refused(client: Any) -> None:
    iam = client("iam")
    with pytest.raises(ClientError) as err:
        iam.create_policy(PolicyName=_name("Bad"), PolicyDocument="{not json")
    assert err.value.response["Error"]["Code"] == "MalformedPolicyDocument"


def test_aws_and_local_scopes(client: Any) -> None:
    iam = client("iam")
    aws = iam.list_policies(Scope="AWS", MaxItems=1000)["Policies"]
    names = {p["PolicyName"] for p in aws}
    assert {"AdministratorAccess", "AmazonSageMakerFullAccess", "AmazonS3FullAccess"} <= names
    assert all(p["Arn"].startswith("arn:aws:iam::aws:policy/") for p in aws)
    billing = iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/job-function/Billing")
    assert billing["Policy"]["Path"] == "/job-function/"
    mine = _name("Mine")
    iam.create_policy(PolicyName=mine, PolicyDocument=_doc("logs:*"))
    local = iam.list_policies(Scope="Local", MaxItems=1000)["Policies"]
    assert mine in {p["PolicyName"] for p in local}
    assert not any(p["Arn"].startswith("arn:aws:iam::aws:") for p in local)
    role = _name("Attached")
    trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}'  # noqa: E501
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)
    sm_full = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
    iam.attach_role_policy(RoleName=role, PolicyArn=sm_full)
    attached = iam.list_policies(OnlyAttached=True, Scope="AWS")["Policies"]
    assert sm_full in {p["Arn"] for p in attached}
    doc = iam.get_policy_version(PolicyArn=sm_full, VersionId="v29")["PolicyVersion"]["Document"]
    assert any("iam:PassRole" in json.dumps(s) for s in doc["Statement"])
    assert iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]["Statement"]
    with pytest.raises(ClientError) as err:
        iam.delete_role(RoleName=role)
    assert err.value.response["Error"]["Code"] == "DeleteConflict"
    iam.detach_role_policy(RoleName=role, PolicyArn=sm_full)
    iam.delete_role(RoleName=role)


def test_inline_role_policies_round_trip(client: Any) -> None:
    iam = client("iam")
    role = _name("Inline")
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName=role, PolicyName="logs", PolicyDocument=_doc("logs:Put*"))
    got = iam.get_role_policy(RoleName=role, PolicyName="LOGS")
    assert got["PolicyName"] == "logs" and got["RoleName"] == role
    assert got["PolicyDocument"]["Statement"][0]["Action"] == "logs:Put*"
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == ["logs"]
    iam.delete_role_policy(RoleName=role, PolicyName="logs")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role_policy(RoleName=role, PolicyName="logs")
    assert iam.list_instance_profiles_for_role(RoleName=role)["InstanceProfiles"] == []


def test_paginating_users(client: Any) -> None:
    iam = client("iam")
    path = f"/{_name('page')}/"
    names = sorted(_name("u") for _ in range(5))
    for n in names:
        iam.create_user(UserName=n, Path=path)
    first = iam.list_users(PathPrefix=path, MaxItems=2)
    assert first["IsTruncated"] is True and len(first["Users"]) == 2
    pages = iam.get_paginator("list_users").paginate(
        PathPrefix=path, PaginationConfig={"PageSize": 2}
    )
    assert [u["UserName"] for p in pages for u in p["Users"]] == names


def test_account_alias_summary_and_credential_report(client: Any, server: Any) -> None:
    iam = client("iam")
    iam.create_account_alias(AccountAlias="my-lab")
    assert iam.list_account_aliases()["AccountAliases"] == ["my-lab"]
    iam.delete_account_alias(AccountAlias="my-lab")
    assert iam.list_account_aliases()["AccountAliases"] == []
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["AccessKeysPerUserQuota"] == 2 and summary["Users"] >= 0
    user = _name("reported")
    iam.create_user(UserName=user)
    iam.create_access_key(UserName=user)
    assert iam.generate_credential_report()["State"] in ("STARTED", "COMPLETE")
    report = iam.get_credential_report()
    assert report["ReportFormat"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(report["Content"].decode())))
    assert rows[0]["user"] == "<root_account>"
    assert rows[0]["arn"] == f"arn:aws:iam::{server.account_id}:root"
    mine = next(r for r in rows if r["user"] == user)
    assert mine["access_key_1_active"] == "true" and mine["password_enabled"] == "false"
