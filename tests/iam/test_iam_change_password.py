"""ChangePassword: a user changes their own console password, as the console's forced
reset does."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from sagelab.testing import SagelabServer


def _user_with_password(server: SagelabServer, password: str, *policies: str) -> Any:
    iam = server.client("iam")
    name = "pw-" + secrets.token_hex(4)
    iam.create_user(UserName=name)
    iam.create_login_profile(UserName=name, Password=password, PasswordResetRequired=True)
    for policy in policies:
        iam.attach_user_policy(UserName=name, PolicyArn=f"arn:aws:iam::aws:policy/{policy}")
    key = iam.create_access_key(UserName=name)["AccessKey"]
    own = server.client(
        "iam", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )
    return name, own


def test_user_changes_own_password(server: SagelabServer) -> None:
    old, new = "Old-" + secrets.token_urlsafe(8), "New-" + secrets.token_urlsafe(8)
    name, own = _user_with_password(server, old, "IAMUserChangePassword")
    with pytest.raises(ClientError) as wrong:
        own.change_password(OldPassword="not-" + old, NewPassword=new)
    assert wrong.value.response["Error"]["Code"] == "AccessDenied"
    own.change_password(OldPassword=old, NewPassword=new)
    profile = server.client("iam").get_login_profile(UserName=name)["LoginProfile"]
    assert profile["PasswordResetRequired"] is False


def test_change_password_needs_permission(server: SagelabServer) -> None:
    old = "Old-" + secrets.token_urlsafe(8)
    _, own = _user_with_password(server, old)
    with pytest.raises(ClientError) as denied:
        own.change_password(OldPassword=old, NewPassword="New-" + secrets.token_urlsafe(8))
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    assert "iam:ChangePassword" in denied.value.response["Error"]["Message"]


def test_root_cannot_change_password_by_api(client: Callable[..., Any]) -> None:
    with pytest.raises(ClientError) as refused:
        client("iam").change_password(OldPassword="a", NewPassword="b")
    assert refused.value.response["Error"]["Code"] == "InvalidUserType"
