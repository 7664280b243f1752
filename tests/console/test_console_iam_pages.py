"""The IAM pages beyond the lesson, as root in the browser and checked with boto3: groups,
roles ("Create role" for SageMaker), policies (filters, JSON view, create with validation,
delete), account settings, a user's credentials and the delete cascade, pagination."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from console_kit import sign_in

from sagelab.testing import SagelabServer

CONSOLE = "/_sagelab/console"
Client = Callable[..., Any]


@pytest.fixture
def root_page(page: Any, server: SagelabServer) -> Any:
    sign_in(page, server)
    return page


def _confirm(page: Any, typed: bool = True) -> None:
    """Our confirmation dialog: type `delete` where asked, press Delete, await the page."""
    dialog = page.locator("#confirm-dialog")
    if typed:
        dialog.get_by_label("To confirm, type").fill("delete")
    with page.expect_navigation():
        dialog.get_by_role("button", name="Delete").click()


def test_group_create_detail_delete(root_page: Any, client: Client, shot: Any) -> None:
    page, name = root_page, "g-" + secrets.token_hex(4)
    page.goto(CONSOLE + "/iam/groups")
    page.get_by_role("link", name="Create group").click()
    page.get_by_label("Group name").fill(name)
    page.get_by_label("Filter policies").fill("s3read")
    page.get_by_label("Select AmazonS3ReadOnlyAccess").check()
    shot(page, "create")
    page.get_by_role("button", name="Create group").click()
    assert page.get_by_text(f"{name} user group created.").is_visible()
    attached = client("iam").list_attached_group_policies(GroupName=name)["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AmazonS3ReadOnlyAccess"]
    client("iam").create_user(UserName=name + "-member")
    client("iam").add_user_to_group(GroupName=name, UserName=name + "-member")
    page.get_by_role("link", name=name).click()
    assert page.locator("#group-users-table").get_by_text(name + "-member").is_visible()
    assert page.locator("#permissions-table").get_by_text("AmazonS3ReadOnlyAccess").is_visible()
    shot(page, "detail")
    page.goto(CONSOLE + "/iam/groups")
    page.get_by_label(f"Select {name}").check()
    page.get_by_role("button", name="Delete").click()
    _confirm(page)
    groups = client("iam").list_groups(MaxItems=1000)["Groups"]
    assert name not in {g["GroupName"] for g in groups}
    client("iam").delete_user(UserName=name + "-member")  # the cascade removed its membership


def test_create_sagemaker_role_and_delete(root_page: Any, client: Client, shot: Any) -> None:
    page, name = root_page, "SageMakerRole-" + secrets.token_hex(4)
    page.goto(CONSOLE + "/iam/roles")
    page.get_by_role("link", name="Create role").click()
    page.get_by_label("AWS service").check()
    page.get_by_label("Use case").select_option("SageMaker")
    page.get_by_label("Role name").fill(name)
    page.get_by_label("Description").fill("for notebooks")
    page.get_by_role("button", name="Create role").click()
    assert page.get_by_text(f"Role {name} created.").is_visible()
    iam = client("iam")
    role = iam.get_role(RoleName=name)["Role"]
    statement = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert role["Description"] == "for notebooks"
    attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AmazonSageMakerFullAccess"]
    page.get_by_role("link", name=name).click()
    assert "sagemaker.amazonaws.com" in page.locator("#trust-policy").inner_text()
    shot(page, "detail")
    page.goto(CONSOLE + "/iam/roles")
    page.get_by_label(f"Select {name}").check()
    page.get_by_role("button", name="Delete").click()
    _confirm(page)
    assert name not in {r["RoleName"] for r in iam.list_roles(MaxItems=1000)["Roles"]}


def test_policies_filter_create_view_delete(root_page: Any, client: Client, shot: Any) -> None:
    page, name = root_page, "pol-" + secrets.token_hex(4)
    page.goto(CONSOLE + "/iam/policies")
    page.get_by_label("Filter by type").select_option(label="AWS managed - job function")
    page.get_by_role("button", name="Search").click()
    table = page.locator("#policies-table")
    assert table.get_by_role("link", name="AdministratorAccess", exact=True).is_visible()
    assert table.get_by_role("link", name="DataScientist").is_visible()
    assert table.get_by_role("link", name="AmazonS3FullAccess").count() == 0
    shot(page, "job-function")

    page.get_by_role("link", name="Create policy").click()
    page.get_by_label("Policy editor").fill('{"Version": "2012-10-17", "Statement": [')
    page.get_by_label("Policy name").fill(name)
    page.get_by_role("button", name="Create policy").click()
    assert page.get_by_role("alert").is_visible()  # the API's MalformedPolicyDocument
    shot(page, "invalid")
    local = client("iam").list_policies(Scope="Local", MaxItems=1000)["Policies"]
    assert name not in {p["PolicyName"] for p in local}
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}
    page.get_by_label("Policy editor").fill(json.dumps(document))
    page.get_by_role("button", name="Create policy").click()
    assert page.get_by_text(f"Policy {name} created.").is_visible()
    page.get_by_role("link", name=name).click()
    assert json.loads(page.locator("#policy-document").inner_text()) == document
    shot(page, "view")

    page.goto(CONSOLE + f"/iam/policies?search={name}&type=customer")
    page.get_by_label(f"Select {name}").check()
    page.locator("details.actions summary").click()
    page.get_by_role("button", name="Delete").click()
    _confirm(page)
    local = client("iam").list_policies(Scope="Local", MaxItems=1000)["Policies"]
    assert name not in {p["PolicyName"] for p in local}


def test_password_policy_and_alias(root_page: Any, client: Client, shot: Any) -> None:
    page, iam = root_page, client("iam")
    page.goto(CONSOLE + "/iam/account-settings")
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Password minimum length").fill("12")
    page.get_by_label("Require at least one non-alphanumeric character").check()
    page.get_by_role("button", name="Save changes").click()
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 12 and policy["RequireSymbols"] is True
    shot(page, "policy")
    page.get_by_role("button", name="Delete").first.click()
    _confirm(page, typed=False)
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_account_password_policy()

    alias = "lab-" + secrets.token_hex(4)
    page.goto(CONSOLE + "/iam")
    page.get_by_label("Account alias").fill(alias)
    page.get_by_role("button", name="Create").click()
    assert iam.list_account_aliases()["AccountAliases"] == [alias]
    assert alias in page.locator("#sign-in-url").inner_text()
    page.get_by_role("button", name="Delete").click()
    _confirm(page, typed=False)
    assert iam.list_account_aliases()["AccountAliases"] == []


def test_user_credentials_and_delete_cascade(root_page: Any, client: Client, shot: Any) -> None:
    page, iam, name = root_page, client("iam"), "u-" + secrets.token_hex(4)
    iam.create_user(UserName=name, Tags=[{"Key": "k", "Value": "v"}])
    iam.create_group(GroupName=name + "-g")
    iam.add_user_to_group(UserName=name, GroupName=name + "-g")
    iam.attach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=json.dumps(document))
    page.goto(CONSOLE + f"/iam/users/{name}?tab=credentials")
    page.get_by_role("button", name="Create access key").click()
    key_id = page.locator("#new-key-id").inner_text()
    assert page.locator("#new-key-secret").inner_text()
    page.get_by_role("button", name=f"Make inactive {key_id}").click()
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"][0]["Status"] == "Inactive"
    page.get_by_role("button", name=f"Activate {key_id}").click()
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"][0]["Status"] == "Active"
    page.get_by_role("button", name="Enable console access").click()
    assert page.locator("#new-password").inner_text()
    assert iam.get_login_profile(UserName=name)["LoginProfile"]["UserName"] == name
    shot(page, "credentials")
    page.goto(CONSOLE + f"/iam/users/{name}?tab=tags")
    assert page.locator("#tags-table").get_by_text("k", exact=True).is_visible()

    page.goto(CONSOLE + "/iam/users")
    page.get_by_label(f"Select {name}").check()
    page.get_by_role("button", name="Delete").click()
    _confirm(page)
    assert page.get_by_text(f"Deleted {name}.").is_visible()
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_user(UserName=name)
    iam.delete_group(GroupName=name + "-g")  # no member left: the cascade removed it


def _delete_from_detail_page(page: Any, path: str) -> None:
    page.goto(CONSOLE + path)
    page.locator("main .toolbar").get_by_role("button", name="Delete", exact=True).click()
    _confirm(page)


def test_user_and_group_pages_delete_with_the_cascade(root_page: Any, client: Client) -> None:
    page, iam, name = root_page, client("iam"), "d-" + secrets.token_hex(4)
    iam.create_group(GroupName=name + "-g")
    iam.attach_group_policy(
        GroupName=name + "-g", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess"
    )
    iam.create_user(UserName=name)
    iam.create_access_key(UserName=name)
    iam.add_user_to_group(UserName=name, GroupName=name + "-g")
    iam.create_user(UserName=name + "-other")
    iam.add_user_to_group(UserName=name + "-other", GroupName=name + "-g")

    _delete_from_detail_page(page, f"/iam/users/{name}")
    assert page.url.endswith(CONSOLE + "/iam/users")
    assert page.get_by_text(f"Deleted {name}.").is_visible()
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_user(UserName=name)

    _delete_from_detail_page(page, f"/iam/groups/{name}-g")
    assert page.url.endswith(CONSOLE + "/iam/groups")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_group(GroupName=name + "-g")
    iam.delete_user(UserName=name + "-other")  # the group's cascade removed its membership


def test_users_list_pages_with_the_api_marker(root_page: Any, client: Client) -> None:
    page, iam, prefix = root_page, client("iam"), "zz-page-" + secrets.token_hex(3)
    for i in range(55):
        iam.create_user(UserName=f"{prefix}-{i:02d}")
    page.goto(CONSOLE + "/iam/users")
    seen = set(page.locator("#users-table tbody a").all_inner_texts())
    while page.get_by_role("link", name="Next page").count():
        page.get_by_role("link", name="Next page").click()
        seen |= set(page.locator("#users-table tbody a").all_inner_texts())
    assert {f"{prefix}-{i:02d}" for i in range(55)} <= seen
    for i in range(55):
        iam.delete_user(UserName=f"{prefix}-{i:02d}")
