"""Access keys' last use, and Marker/MaxItems paging of IAM's per-entity lists."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

import pytest

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
             "Action": "sts:AssumeRole"}
        ],
    }
)  # fmt: skip
ALLOW_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


def _name(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:8]}"


def _keyed_user(iam: Any) -> tuple[str, dict[str, str]]:
    user = _name("used")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="all", PolicyDocument=ALLOW_ALL)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return user, {
        "aws_access_key_id": key["AccessKeyId"],
        "aws_secret_access_key": key["SecretAccessKey"],
    }


def _report_line(iam: Any, user: str) -> dict[str, str]:
    iam.generate_credential_report()
    content = iam.get_credential_report()["Content"].decode()
    return next(r for r in csv.DictReader(io.StringIO(content)) if r["user"] == user)


def test_a_key_unused_answers_na(client: Any) -> None:
    iam = client("iam")
    user, key = _keyed_user(iam)
    got = iam.get_access_key_last_used(AccessKeyId=key["aws_access_key_id"])
    assert got["UserName"] == user
    assert got["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}
    line = _report_line(iam, user)
    assert line["access_key_1_last_used_date"] == "N/A"
    assert line["access_key_1_last_used_service"] == "N/A"


def test_a_key_use_is_recorded_by_signing_name_and_region(client: Any) -> None:
    iam = client("iam")
    user, key = _keyed_user(iam)
    key_id = key["aws_access_key_id"]

    client("iam", **key).get_user()
    first = iam.get_access_key_last_used(AccessKeyId=key_id)["AccessKeyLastUsed"]
    assert (first["ServiceName"], first["Region"]) == ("iam", "us-east-1")
    assert "LastUsedDate" in first

    # Within the minute, the same service and region are not written again.
    client("iam", **key).list_access_keys()
    again = iam.get_access_key_last_used(AccessKeyId=key_id)["AccessKeyLastUsed"]
    assert again["LastUsedDate"] == first["LastUsedDate"]

    # Another service or region is recorded at once; CloudWatch signs as "monitoring".
    client("s3", region_name="eu-west-1", **key).list_buckets()
    used = iam.get_access_key_last_used(AccessKeyId=key_id)["AccessKeyLastUsed"]
    assert (used["ServiceName"], used["Region"]) == ("s3", "eu-west-1")
    assert used["LastUsedDate"] >= first["LastUsedDate"]
    client("cloudwatch", region_name="us-west-2", **key).list_metrics()
    used = iam.get_access_key_last_used(AccessKeyId=key_id)["AccessKeyLastUsed"]
    assert (used["ServiceName"], used["Region"]) == ("monitoring", "us-west-2")

    line = _report_line(iam, user)
    assert line["access_key_1_last_used_date"].startswith(str(used["LastUsedDate"].year))
    assert line["access_key_1_last_used_service"] == "monitoring"
    assert line["access_key_1_last_used_region"] == "us-west-2"
    assert line["access_key_2_last_used_date"] == "N/A"


def test_a_refused_request_is_not_a_use(client: Any) -> None:
    iam = client("iam")
    user = _name("denied")
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    denied = client(
        "iam",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )
    with pytest.raises(denied.exceptions.ClientError):
        denied.list_users()
    got = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
    assert got == {"ServiceName": "N/A", "Region": "N/A"}


def _all_pages(iam: Any, operation: str, member: str, **params: Any) -> list[Any]:
    """Every item, fetched one per page; each page but the last says it is truncated."""
    pages = list(iam.get_paginator(operation).paginate(**params, PaginationConfig={"PageSize": 1}))
    assert all(p["IsTruncated"] and p["Marker"] for p in pages[:-1])
    assert not pages[-1]["IsTruncated"] and "Marker" not in pages[-1]
    assert all(len(p[member]) <= 1 for p in pages)
    return [item for p in pages for item in p[member]]


@pytest.fixture
def three_policies(client: Any) -> list[str]:
    iam = client("iam")
    return [
        iam.create_policy(PolicyName=_name(f"p{i}"), PolicyDocument=ALLOW_ALL)["Policy"]["Arn"]
        for i in range(3)
    ]


@pytest.mark.parametrize("kind", ["User", "Group", "Role"])
def test_policies_of_an_entity_page(client: Any, three_policies: list[str], kind: str) -> None:
    iam = client("iam")
    name = _name(kind.lower())
    create = {"User": iam.create_user, "Group": iam.create_group, "Role": iam.create_role}[kind]
    extra = {"AssumeRolePolicyDocument": TRUST} if kind == "Role" else {}
    create(**{f"{kind}Name": name}, **extra)
    for i, arn in enumerate(three_policies):
        getattr(iam, f"attach_{kind.lower()}_policy")(**{f"{kind}Name": name, "PolicyArn": arn})
        getattr(iam, f"put_{kind.lower()}_policy")(
            **{f"{kind}Name": name, "PolicyName": f"inline{i}", "PolicyDocument": ALLOW_ALL}
        )
    entity, lower = {f"{kind}Name": name}, kind.lower()
    attached = _all_pages(iam, f"list_attached_{lower}_policies", "AttachedPolicies", **entity)
    assert sorted(p["PolicyArn"] for p in attached) == sorted(three_policies)
    names = _all_pages(iam, f"list_{lower}_policies", "PolicyNames", **entity)
    assert names == ["inline0", "inline1", "inline2"]


def test_tags_keys_and_groups_of_a_user_page(client: Any) -> None:
    iam = client("iam")
    user, role = _name("tagged"), _name("tagged-role")
    tags = [{"Key": f"k{i}", "Value": f"v{i}"} for i in range(3)]
    iam.create_user(UserName=user, Tags=tags)
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST, Tags=tags)
    assert _all_pages(iam, "list_user_tags", "Tags", UserName=user) == tags
    assert _all_pages(iam, "list_role_tags", "Tags", RoleName=role) == tags

    made = [iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"] for _ in range(2)]
    keys = _all_pages(iam, "list_access_keys", "AccessKeyMetadata", UserName=user)
    assert sorted(k["AccessKeyId"] for k in keys) == sorted(made)

    groups = [_name("g") for _ in range(3)]
    for group in groups:
        iam.create_group(GroupName=group)
        iam.add_user_to_group(GroupName=group, UserName=user)
    found = _all_pages(iam, "list_groups_for_user", "Groups", UserName=user)
    assert sorted(g["GroupName"] for g in found) == sorted(groups)


def test_entities_for_a_policy_page_across_kinds(client: Any, three_policies: list[str]) -> None:
    iam = client("iam")
    arn = three_policies[0]
    users, groups, roles = [_name("u") for _ in range(2)], [_name("g")], [_name("r")]
    for user in users:
        iam.create_user(UserName=user)
        iam.attach_user_policy(UserName=user, PolicyArn=arn)
    iam.create_group(GroupName=groups[0])
    iam.attach_group_policy(GroupName=groups[0], PolicyArn=arn)
    iam.create_role(RoleName=roles[0], AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName=roles[0], PolicyArn=arn)

    first = iam.list_entities_for_policy(PolicyArn=arn, MaxItems=2)
    assert first["IsTruncated"] and first["Marker"]
    assert sorted(u["UserName"] for u in first["PolicyUsers"]) == sorted(users)
    assert first["PolicyGroups"] == [] and first["PolicyRoles"] == []
    rest = iam.list_entities_for_policy(PolicyArn=arn, MaxItems=2, Marker=first["Marker"])
    assert not rest["IsTruncated"] and "Marker" not in rest
    assert [g["GroupName"] for g in rest["PolicyGroups"]] == groups
    assert [r["RoleName"] for r in rest["PolicyRoles"]] == roles

    whole = (
        iam.get_paginator("list_entities_for_policy")
        .paginate(PolicyArn=arn, PaginationConfig={"PageSize": 1})
        .build_full_result()
    )
    assert len(whole["PolicyUsers"]) == 2 and len(whole["PolicyRoles"]) == 1
