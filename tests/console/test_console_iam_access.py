"""Who may do what in the IAM pages: a read-only user sees lists but is refused with AWS's
AccessDenied words and nothing changes; a forged POST without the CSRF token is refused; a
user created with "Require password reset" must change the password at first sign-in."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from console_kit import change_password, console_user, sign_in

from sagelab.testing import SagelabServer

CONSOLE = "/_sagelab/console"


def _user_exists(client: Callable[..., Any], name: str) -> bool:
    users = client("iam").list_users(MaxItems=1000)["Users"]
    return name in {u["UserName"] for u in users}


def test_read_only_user_sees_users_but_cannot_create(
    page: Any, server: SagelabServer, client: Callable[..., Any], shot: Any
) -> None:
    reader, password = console_user(client("iam"), "ro", ["IAMReadOnlyAccess"])
    sign_in(page, server, reader, password)
    page.goto(CONSOLE + "/iam/users")
    assert page.locator("#users-table").get_by_role("link", name=reader).is_visible()
    page.get_by_role("link", name="Add users").click()
    wanted = "wanted-" + secrets.token_hex(4)
    page.get_by_label("User name").fill(wanted)
    page.get_by_label("Programmatic access").check()
    page.get_by_role("button", name="Next: Permissions").click()
    page.get_by_role("button", name="Next: Tags").click()
    page.get_by_role("button", name="Next: Review").click()
    page.get_by_role("button", name="Create user").click()
    alert = page.get_by_role("alert")
    assert "is not authorized to perform: iam:CreateUser" in alert.inner_text()
    shot(page, "access-denied")
    assert not _user_exists(client, wanted)

    # The group form too: refused, and no group appears.
    page.goto(CONSOLE + "/iam/groups/create")
    page.get_by_label("Group name").fill("ro-group")
    page.get_by_role("button", name="Create group").click()
    assert "iam:CreateGroup" in page.get_by_role("alert").inner_text()
    names = [g["GroupName"] for g in client("iam").list_groups()["Groups"]]
    assert "ro-group" not in names


def test_forged_post_without_csrf_token_is_refused(
    page: Any, server: SagelabServer, client: Callable[..., Any]
) -> None:
    sign_in(page, server)
    forged = "forged-" + secrets.token_hex(4)
    answer = page.request.post(
        CONSOLE + "/iam/groups/create", form={"group_name": forged}, max_redirects=0
    )
    assert answer.status == 403
    names = [g["GroupName"] for g in client("iam").list_groups(MaxItems=1000)["Groups"]]
    assert forged not in names
    # The same request with the session's token goes through: the refusal was the token's.
    page.goto(CONSOLE + "/iam/groups/create")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = page.request.post(
        CONSOLE + "/iam/groups/create",
        form={"group_name": forged, "csrf_token": token},
        max_redirects=0,
    )
    assert answer.status == 303
    client("iam").delete_group(GroupName=forged)


def test_wizard_require_reset_forces_change_at_sign_in(
    page: Any, server: SagelabServer, client: Callable[..., Any], shot: Any
) -> None:
    name = "reset-" + secrets.token_hex(4)
    first, second = "First-" + secrets.token_urlsafe(10), "Second-" + secrets.token_urlsafe(10)
    sign_in(page, server)
    page.goto(CONSOLE + "/iam/add-user")
    page.get_by_label("User name").fill(name)
    page.get_by_label("AWS Management Console access").check()
    page.get_by_label("Custom password", exact=True).check()
    page.get_by_label("Custom password value").fill(first)
    page.get_by_label("Require password reset").check()
    page.get_by_role("button", name="Next: Permissions").click()
    page.get_by_role("button", name="Next: Tags").click()
    page.get_by_role("button", name="Next: Review").click()
    assert page.locator("#review-permissions").get_by_text("IAMUserChangePassword").is_visible()
    page.get_by_role("button", name="Create user").click()
    assert page.get_by_role("heading", name="Success").is_visible()
    # No programmatic access: no key was made; the reset requirement brings the policy.
    iam = client("iam")
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"] == []
    attached = iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["IAMUserChangePassword"]

    page.context.clear_cookies()
    sign_in(page, server, name, first)
    assert page.url.endswith(CONSOLE + "/reset-password")
    shot(page, "forced-change")
    change_password(page, first, second)
    assert page.url.endswith(CONSOLE + "/")
    assert iam.get_login_profile(UserName=name)["LoginProfile"]["PasswordResetRequired"] is False
