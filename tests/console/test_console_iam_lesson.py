"""The lesson's IAM part in the browser, as root: Add user `administrator` (programmatic and
console access, custom password, no reset), a new group `Administrators` with
AdministratorAccess found through the job-function filter, a tag, review, create; the .csv's
keys work with boto3; sign out, sign in as the administrator through the sign-in URL."""

from __future__ import annotations

import contextlib
import csv
import io
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from console_kit import sign_in, sign_out, submit_sign_in
from lesson_steps import create_group_step, details_step

from sagelab.testing import SagelabServer

CONSOLE = "/_sagelab/console"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def _forget(iam: Any, user: str, group: str) -> None:
    """Remove a user and group left by an earlier run of the lesson, with boto3."""
    missing = iam.exceptions.NoSuchEntityException
    with contextlib.suppress(missing):
        iam.delete_login_profile(UserName=user)
    with contextlib.suppress(missing):
        for key in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]:
            iam.delete_access_key(UserName=user, AccessKeyId=key["AccessKeyId"])
        for g in iam.list_groups_for_user(UserName=user)["Groups"]:
            iam.remove_user_from_group(UserName=user, GroupName=g["GroupName"])
        iam.delete_user(UserName=user)
    with contextlib.suppress(missing):
        for p in iam.list_attached_group_policies(GroupName=group)["AttachedPolicies"]:
            iam.detach_group_policy(GroupName=group, PolicyArn=p["PolicyArn"])
        iam.delete_group(GroupName=group)


@pytest.fixture
def lesson_names(client: Callable[..., Any]) -> Iterator[tuple[str, str]]:
    iam = client("iam")
    _forget(iam, "administrator", "Administrators")
    yield "administrator", "Administrators"
    _forget(iam, "administrator", "Administrators")


def test_lesson_add_administrator(
    page: Any,
    server: SagelabServer,
    client: Callable[..., Any],
    shot: Any,
    lesson_names: tuple[str, str],
    tmp_path: Path,
) -> None:
    user, group = lesson_names
    password = "Lesson-" + secrets.token_urlsafe(10)
    sign_in(page, server)
    page.goto(CONSOLE + "/iam")
    shot(page, "dashboard")
    page.get_by_role("navigation", name="IAM").get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Add users").click()
    details_step(page, user, password)
    shot(page, "permissions")
    create_group_step(page, group, shot)
    assert page.get_by_label(f"Select {group}").is_checked()
    shot(page, "group-created")
    page.get_by_role("button", name="Next: Tags").click()
    page.get_by_placeholder("Add new key").fill("team")
    page.get_by_placeholder("Add value").fill("ml")
    page.get_by_role("button", name="Next: Review").click()
    shot(page, "review")
    assert page.locator("#review-permissions").get_by_text(group).is_visible()
    page.get_by_role("button", name="Create user").click()
    assert page.get_by_role("heading", name="Success").is_visible()
    page.get_by_role("button", name="Show").first.click()
    shot(page, "success")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download .csv").click()
    saved = tmp_path / "credentials.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text())))
    assert list(rows[0]) == [
        "User name", "Password", "Access key ID", "Secret access key", "Console login link",
    ]
    assert rows[0]["User name"] == user and rows[0]["Password"] == password

    # What the browser did, seen through the API: the user, its group, policy, tag, profile.
    iam = client("iam")
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=user)["Groups"]] == [group]
    attached = iam.list_attached_group_policies(GroupName=group)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [ADMIN_ARN]
    assert iam.list_user_tags(UserName=user)["Tags"] == [{"Key": "team", "Value": "ml"}]
    profile = iam.get_login_profile(UserName=user)["LoginProfile"]
    assert profile["PasswordResetRequired"] is False
    assert iam.list_attached_user_policies(UserName=user)["AttachedPolicies"] == []

    sts = boto3.client(
        "sts",
        endpoint_url=server.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id=rows[0]["Access key ID"],
        aws_secret_access_key=rows[0]["Secret access key"],
    )
    assert sts.get_caller_identity()["Arn"].endswith(f":user/{user}")

    page.get_by_role("button", name="Close").click()
    assert page.locator("#users-table").get_by_role("link", name=user).is_visible()
    # The secrets were for the success page only.
    page.goto(CONSOLE + "/iam/add-user/success")
    assert page.url.endswith(CONSOLE + "/iam/users")

    sign_out(page)
    page.goto(rows[0]["Console login link"])
    submit_sign_in(page, user, password)
    assert page.url.endswith(CONSOLE + "/")
    assert page.locator("main").get_by_text(f"user/{user}").is_visible()
    shot(page, "signed-in-as-administrator")
