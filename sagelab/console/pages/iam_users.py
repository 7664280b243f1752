"""IAM users: the list, a user's details (groups, policies, tags, access keys, console
password) and deletion with the console's cascade: AWS's console removes what DeleteUser
would refuse over (keys, login profile, group memberships, policies) first, one call each."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from sagelab.console.pagekit import PageContext, page, url
from sagelab.console.pages.iam import (
    all_items,
    delete_selected,
    drop_permissions,
    list_page,
    permissions,
    render,
)
from sagelab.gateway.errors import ServiceError
from sagelab.services.iam.credentials_file import generate_password


def user_url(name: str) -> str:
    return url(f"/iam/users/{quote(name, safe='')}")


@page("/iam/users")
def users(pc: PageContext) -> Response:
    return list_page(pc, "ListUsers", "users", "Users")


def _login_profile(pc: PageContext, name: str) -> dict[str, Any] | None:
    try:
        return dict(pc.call("iam", "GetLoginProfile", UserName=name)["LoginProfile"])
    except ServiceError as err:
        if err.code == "NoSuchEntity":
            return None
        raise


def _user_view(pc: PageContext, name: str, **extra: Any) -> Response:
    user = pc.call("iam", "GetUser", UserName=name)["User"]
    return render(
        pc,
        "iam/user.html",
        name,
        "users",
        [("Users", url("/iam/users")), (name, None)],
        user=user,
        groups=all_items(pc, "ListGroupsForUser", "Groups", UserName=name),
        **permissions(pc, "User", UserName=name),
        tags=all_items(pc, "ListUserTags", "Tags", UserName=name),
        keys=all_items(pc, "ListAccessKeys", "AccessKeyMetadata", UserName=name),
        login_profile=_login_profile(pc, name),
        **({"tab": pc.query("tab") or "permissions"} | extra),
    )


@page("/iam/users/{name}")
def user_detail(pc: PageContext) -> Response:
    return _user_view(pc, pc.path_param("name"))


def delete_user_cascade(pc: PageContext, name: str) -> None:
    """What the console does before DeleteUser, as separate IAM calls."""
    for key in all_items(pc, "ListAccessKeys", "AccessKeyMetadata", UserName=name):
        pc.call("iam", "DeleteAccessKey", UserName=name, AccessKeyId=key["AccessKeyId"])
    if _login_profile(pc, name) is not None:
        pc.call("iam", "DeleteLoginProfile", UserName=name)
    for group in all_items(pc, "ListGroupsForUser", "Groups", UserName=name):
        pc.call("iam", "RemoveUserFromGroup", UserName=name, GroupName=group["GroupName"])
    drop_permissions(pc, "User", UserName=name)
    pc.call("iam", "DeleteUser", UserName=name)


@page("/iam/users/delete", methods=("POST",))
def users_delete(pc: PageContext) -> Response:
    return delete_selected(pc, delete_user_cascade, url("/iam/users"))


def _key_action(pc: PageContext, name: str) -> str:
    action, _, key_id = pc.field("action").partition(":")
    if action == "delete":
        pc.call("iam", "DeleteAccessKey", UserName=name, AccessKeyId=key_id)
        return f"Access key {key_id} deleted."
    status = "Active" if action == "activate" else "Inactive"
    pc.call("iam", "UpdateAccessKey", UserName=name, AccessKeyId=key_id, Status=status)
    return f"Access key {key_id} is now {status.lower()}."


@page("/iam/users/{name}/keys", methods=("POST",))
def user_keys(pc: PageContext) -> Response:
    """Access keys: a new key's secret is shown once, on the page that created it."""
    name = pc.path_param("name")
    try:
        if pc.field("action") == "create":
            key = pc.call("iam", "CreateAccessKey", UserName=name)["AccessKey"]
            return _user_view(pc, name, new_key=key, tab="credentials")
        message = _key_action(pc, name)
    except ServiceError as err:
        return _user_view(pc, name, error=err, tab="credentials")
    return pc.redirect(user_url(name) + "?tab=credentials", flash=message)


def _password_action(pc: PageContext, name: str) -> tuple[str, str | None]:
    """Enable, reset or disable console access; the generated password, if any, to show."""
    action = pc.field("action")
    if action == "disable":
        pc.call("iam", "DeleteLoginProfile", UserName=name)
        return "Console access disabled.", None
    custom = pc.field("password_type") == "custom"
    password = pc.field("custom_password") if custom else generate_password()
    reset = pc.field("require_reset") == "true"
    operation = "UpdateLoginProfile" if action == "reset" else "CreateLoginProfile"
    pc.call("iam", operation, UserName=name, Password=password, PasswordResetRequired=reset)
    return "Console password set.", None if custom else password


@page("/iam/users/{name}/password", methods=("POST",))
def user_password(pc: PageContext) -> Response:
    name = pc.path_param("name")
    try:
        message, shown = _password_action(pc, name)
    except ServiceError as err:
        return _user_view(pc, name, error=err, tab="credentials")
    if shown:
        return _user_view(pc, name, new_password=shown, tab="credentials")
    return pc.redirect(user_url(name) + "?tab=credentials", flash=message)


ROUTES = [users, users_delete, user_detail, user_keys, user_password]
