"""The lesson's set-up: an `administrator` user in an `Administrators` group with
AdministratorAccess, a console password and access keys, then the keys' life cycle."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"


def _name(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:8]}"


def _code(err: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    resp = err.value.response
    return resp["Error"]["Code"], resp["ResponseMetadata"]["HTTPStatusCode"]


def test_administrator_in_an_administrators_group(client: Any, server: Any) -> None:
    iam = client("iam")
    group, user = _name("Administrators"), _name("administrator")
    iam.create_group(GroupName=group)
    iam.attach_group_policy(GroupName=group, PolicyArn=ADMIN_POLICY)
    iam.create_user(UserName=user)
    iam.add_user_to_group(GroupName=group, UserName=user)
    profile = iam.create_login_profile(
        UserName=user, Password="Sup3r-secret!", PasswordResetRequired=True
    )["LoginProfile"]
    assert profile["PasswordResetRequired"] is True
    assert iam.get_login_profile(UserName=user)["LoginProfile"]["UserName"] == user

    got = iam.get_group(GroupName=group)
    assert [u["UserName"] for u in got["Users"]] == [user]
    assert got["Group"]["GroupId"].startswith("AGPA")
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=user)["Groups"]] == [group]
    attached = iam.list_attached_group_policies(GroupName=group)["AttachedPolicies"]
    assert attached == [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN_POLICY}]
    entities = iam.list_entities_for_policy(PolicyArn=ADMIN_POLICY, EntityFilter="Group")
    assert group in [g["GroupName"] for g in entities["PolicyGroups"]]

    key = iam.create_access_key(UserName=user)["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA") and len(key["SecretAccessKey"]) == 40
    admin_iam = client(
        "iam",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )
    me = admin_iam.get_user()["User"]
    assert me["Arn"] == f"arn:aws:iam::{server.account_id}:user/{user}"
    listed = admin_iam.list_access_keys()["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == [key["AccessKeyId"]]
    assert "SecretAccessKey" not in listed[0]


def test_deactivated_and_deleted_keys_are_refused_at_once(client: Any) -> None:
    iam = client("iam")
    user = _name("keyholder")
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    sts = client(
        "sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )
    s3 = client(
        "s3", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )
    assert sts.get_caller_identity()["UserId"].startswith("AIDA")
    iam.update_access_key(UserName=user, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError) as err:
        sts.get_caller_identity()
    assert _code(err) == ("InvalidClientTokenId", 403)
    iam.update_access_key(UserName=user, AccessKeyId=key["AccessKeyId"], Status="Active")
    assert sts.get_caller_identity()["Account"]
    iam.delete_access_key(UserName=user, AccessKeyId=key["AccessKeyId"])
    with pytest.raises(ClientError) as err:
        s3.list_buckets()
    assert _code(err) == ("InvalidAccessKeyId", 403)


def test_two_keys_per_user_at_most(client: Any) -> None:
    iam = client("iam")
    user = _name("greedy")
    iam.create_user(UserName=user)
    iam.create_access_key(UserName=user)
    iam.create_access_key(UserName=user)
    with pytest.raises(ClientError) as err:
        iam.create_access_key(UserName=user)
    assert _code(err) == ("LimitExceeded", 409)
    assert err.value.response["Error"]["Message"] == "Cannot exceed quota for AccessKeysPerUser: 2"


def test_deleting_a_user_that_still_holds_things(client: Any) -> None:
    iam = client("iam")
    user, group = _name("holder"), _name("grp")
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.create_login_profile(UserName=user, Password="Pa55word!x")
    key = iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]
    iam.add_user_to_group(GroupName=group, UserName=user)
    iam.attach_user_policy(UserName=user, PolicyArn=ADMIN_POLICY)
    iam.put_user_policy(UserName=user, PolicyName="inline", PolicyDocument=_allow_all())
    undo = [
        ("must delete login profile first", lambda: iam.delete_login_profile(UserName=user)),
        (
            "must delete access keys first",
            lambda: iam.delete_access_key(UserName=user, AccessKeyId=key),
        ),
        (
            "must remove user from all groups",
            lambda: iam.remove_user_from_group(GroupName=group, UserName=user),
        ),
        (
            "must detach all policies first",
            lambda: iam.detach_user_policy(UserName=user, PolicyArn=ADMIN_POLICY),
        ),
        (
            "must delete policies first",
            lambda: iam.delete_user_policy(UserName=user, PolicyName="inline"),
        ),
    ]
    for what, remove in undo:
        with pytest.raises(ClientError) as err:
            iam.delete_user(UserName=user)
        assert _code(err) == ("DeleteConflict", 409)
        assert err.value.response["Error"]["Message"] == f"Cannot delete entity, {what}."
        remove()
    iam.delete_user(UserName=user)
    iam.delete_group(GroupName=group)


def _allow_all() -> str:
    return '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'


def test_password_policy_applies_to_login_profiles(client: Any) -> None:
    iam = client("iam")
    user = _name("pw")
    iam.create_user(UserName=user)
    iam.update_account_password_policy(
        MinimumPasswordLength=12, RequireNumbers=True, RequireSymbols=True
    )
    try:
        policy = iam.get_account_password_policy()["PasswordPolicy"]
        assert policy["MinimumPasswordLength"] == 12 and policy["RequireNumbers"] is True
        with pytest.raises(ClientError) as err:
            iam.create_login_profile(UserName=user, Password="short")
        assert _code(err) == ("PasswordPolicyViolation", 400)
        iam.create_login_profile(UserName=user, Password="long-enough-1!")
        with pytest.raises(ClientError):
            iam.update_login_profile(UserName=user, Password="no digits here!!")
        iam.update_login_profile(UserName=user, PasswordResetRequired=True)
        assert iam.get_login_profile(UserName=user)["LoginProfile"]["PasswordResetRequired"]
    finally:
        iam.delete_account_password_policy()
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_account_password_policy()


def test_rename_user_keeps_what_it_holds(client: Any, server: Any) -> None:
    iam = client("iam")
    old, new, group = _name("old"), _name("new"), _name("team")
    iam.create_user(UserName=old)
    iam.create_group(GroupName=group)
    iam.add_user_to_group(GroupName=group, UserName=old)
    iam.put_user_policy(UserName=old, PolicyName="p", PolicyDocument=_allow_all())
    iam.update_user(UserName=old, NewUserName=new, NewPath="/moved/")
    user = iam.get_user(UserName=new)["User"]
    assert user["Arn"] == f"arn:aws:iam::{server.account_id}:user/moved/{new}"
    assert [u["UserName"] for u in iam.get_group(GroupName=group)["Users"]] == [new]
    assert iam.list_user_policies(UserName=new)["PolicyNames"] == ["p"]
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_user(UserName=old)


def test_user_tags(client: Any) -> None:
    iam = client("iam")
    user = _name("tagged")
    iam.create_user(UserName=user, Tags=[{"Key": "team", "Value": "ml"}])
    iam.tag_user(
        UserName=user, Tags=[{"Key": "cost", "Value": "42"}, {"Key": "team", "Value": "ds"}]
    )
    iam.untag_user(UserName=user, TagKeys=["cost"])
    assert iam.list_user_tags(UserName=user)["Tags"] == [{"Key": "team", "Value": "ds"}]


def test_cli_creates_a_user_and_keys(cli: Any) -> None:
    import json

    user = _name("cli")
    cli("iam", "create-user", "--user-name", user)
    key = json.loads(cli("iam", "create-access-key", "--user-name", user).stdout)["AccessKey"]
    listed = json.loads(cli("iam", "list-access-keys", "--user-name", user).stdout)
    assert listed["AccessKeyMetadata"][0]["AccessKeyId"] == key["AccessKeyId"]
