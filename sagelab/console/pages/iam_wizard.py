"""The classic Add user wizard: User details → Permissions → Tags → Review → Success. The
state travels in hidden fields (iam_wizard_state); "Create user" makes the IAM calls as the
signed-in principal. The new secrets are shown and downloadable on the success page only:
they are sealed with the keyring into a short-lived cookie, never stored."""

from __future__ import annotations

import json
import time
from typing import Any

from cryptography.exceptions import InvalidTag
from starlette.responses import Response

from sagelab.console.pagekit import PageContext, page, url
from sagelab.console.pages.iam import (
    all_items,
    create_group,
    permissions,
    render,
    sign_in_url,
    with_type,
)
from sagelab.console.pages.iam_wizard_state import WizardState
from sagelab.gateway.errors import ServiceError
from sagelab.services.iam import keyring
from sagelab.services.iam.credentials_file import (
    CredentialRow,
    credentials_csv,
    generate_password,
)

CREATED_COOKIE = "sagelab_iam_created"
CREATED_SECONDS = 600
CHANGE_PASSWORD = "arn:aws:iam::aws:policy/IAMUserChangePassword"
STEPS = [("details", "Details"), ("permissions", "Permissions"), ("tags", "Tags"),
         ("review", "Review")]
POLICY_PAGE = 100


def _step(pc: PageContext, step: str, state: WizardState, **values: Any) -> Response:
    return render(
        pc,
        f"iam/add_user_{step}.html",
        "Add user",
        "users",
        [("Users", url("/iam/users")), ("Add user", None)],
        step=step,
        steps=STEPS,
        state=state,
        hidden=state.hidden(step),
        **values,
    )


def policy_rows(pc: PageContext) -> list[dict[str, Any]]:
    """The policies a wizard table offers: every AWS managed one, the first page of the
    customer's; the table's filters then work in the browser."""
    local = pc.call("iam", "ListPolicies", Scope="Local", MaxItems=POLICY_PAGE)["Policies"]
    found = all_items(pc, "ListPolicies", "Policies", Scope="AWS") + local
    return [with_type(p) for p in found]


@page("/iam/add-user")
def add_user(pc: PageContext) -> Response:
    return _step(pc, "details", WizardState.of(pc))


@page("/iam/add-user/details", methods=("POST",))
def add_user_back(pc: PageContext) -> Response:
    return _step(pc, "details", WizardState.of(pc))


def _permissions(pc: PageContext, state: WizardState, **values: Any) -> Response:
    return _step(
        pc,
        "permissions",
        state,
        groups=all_items(pc, "ListGroups", "Groups"),
        users=pc.call("iam", "ListUsers", MaxItems=POLICY_PAGE)["Users"],
        policies=policy_rows(pc),
        **values,
    )


def _name_taken(pc: PageContext, name: str) -> bool:
    try:
        pc.call("iam", "GetUser", UserName=name)
    except ServiceError as err:
        if err.code == "NoSuchEntity":
            return False
        raise
    return True


@page("/iam/add-user/permissions", methods=("POST",))
def add_user_permissions(pc: PageContext) -> Response:
    state = WizardState.of(pc)
    problem = state.details_error()
    if problem is None and _name_taken(pc, state["user_name"]):
        problem = f"User {state['user_name']} already exists."
    if problem:
        return _step(pc, "details", state, error=problem)
    return _permissions(pc, state)


@page("/iam/add-user/group", methods=("POST",))
def add_user_create_group(pc: PageContext) -> Response:
    """The Create group dialog of step 2: the group, its policies, then back to the step
    with the new group selected."""
    state = WizardState.of(pc)
    name = pc.field("new_group_name").strip()
    try:
        create_group(pc, name, pc.fields("new_group_policy"))
    except ServiceError as err:
        return _permissions(pc, state, error=err)
    state.lists["group"] = [*state.groups, name]
    state.values["permissions_mode"] = "group"
    return _permissions(pc, state)


@page("/iam/add-user/tags", methods=("POST",))
def add_user_tags(pc: PageContext) -> Response:
    return _step(pc, "tags", WizardState.of(pc))


@page("/iam/add-user/review", methods=("POST",))
def add_user_review(pc: PageContext) -> Response:
    return _step(pc, "review", WizardState.of(pc))


def _copy_permissions(pc: PageContext, user: str, source: str) -> None:
    """"Copy permissions from existing user": its groups, managed and inline policies."""
    for group in all_items(pc, "ListGroupsForUser", "Groups", UserName=source):
        pc.call("iam", "AddUserToGroup", UserName=user, GroupName=group["GroupName"])
    held = permissions(pc, "User", UserName=source)
    for policy in held["attached"]:
        pc.call("iam", "AttachUserPolicy", UserName=user, PolicyArn=policy["PolicyArn"])
    for name in held["inline"]:
        document = pc.call("iam", "GetUserPolicy", UserName=source, PolicyName=name)
        pc.call(
            "iam",
            "PutUserPolicy",
            UserName=user,
            PolicyName=name,
            PolicyDocument=document["PolicyDocument"],
        )


def _grant(pc: PageContext, state: WizardState) -> None:
    user = state["user_name"]
    if state.mode == "group":
        for group in state.groups:
            pc.call("iam", "AddUserToGroup", UserName=user, GroupName=group)
    elif state.mode == "copy" and state["copy_from"]:
        _copy_permissions(pc, user, state["copy_from"])
    elif state.mode == "attach":
        for arn in state.policies:
            pc.call("iam", "AttachUserPolicy", UserName=user, PolicyArn=arn)


def create_user(pc: PageContext, state: WizardState) -> dict[str, str]:
    """The wizard's IAM calls; what the success page shows (secrets included)."""
    user = state["user_name"]
    pc.call("iam", "CreateUser", UserName=user, Tags=state.tags or None)
    created = {"user": user, "password": "", "key_id": "", "secret": ""}
    if state.flag("console"):
        custom = state["password_type"] == "custom"
        created["password"] = state["custom_password"] if custom else generate_password()
        reset = state.flag("require_reset")
        pc.call(
            "iam",
            "CreateLoginProfile",
            UserName=user,
            Password=created["password"],
            PasswordResetRequired=reset,
        )
        if reset:
            pc.call("iam", "AttachUserPolicy", UserName=user, PolicyArn=CHANGE_PASSWORD)
    _grant(pc, state)
    if state.flag("programmatic"):
        key = pc.call("iam", "CreateAccessKey", UserName=user)["AccessKey"]
        created.update(key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
    return created


@page("/iam/add-user/create", methods=("POST",))
def add_user_create(pc: PageContext) -> Response:
    state = WizardState.of(pc)
    try:
        created = create_user(pc, state)
    except ServiceError as err:
        return _step(pc, "review", state, error=err)
    # Bound to who made it and when: the browser's max-age alone is not a promise.
    claims = {**created, "by": pc.principal.arn, "until": str(time.time() + CREATED_SECONDS)}
    sealed = keyring.of(pc.console.meta).encrypt(json.dumps(claims))
    pc.set_cookie(CREATED_COOKIE, sealed, CREATED_SECONDS)
    return pc.redirect(url("/iam/add-user/success"))


def _created(pc: PageContext) -> dict[str, str] | None:
    sealed = pc.request.cookies.get(CREATED_COOKIE)
    if not sealed:
        return None
    try:
        found = json.loads(keyring.of(pc.console.meta).decrypt(sealed))
        fresh = float(found["until"]) > time.time()
    except (InvalidTag, ValueError, TypeError, KeyError):
        return None
    if not fresh or found.get("by") != pc.principal.arn:
        return None
    return {str(k): str(v) for k, v in found.items()}


@page("/iam/add-user/success")
def add_user_success(pc: PageContext) -> Response:
    created = _created(pc)
    if created is None:
        return pc.redirect(url("/iam/users"))
    return _step(
        pc,
        "success",
        WizardState.of(pc),
        created=created,
        sign_in_link=sign_in_url(pc),
    )


@page("/iam/add-user/credentials.csv")
def add_user_csv(pc: PageContext) -> Response:
    created = _created(pc)
    if created is None:
        return pc.redirect(url("/iam/users"))
    row = CredentialRow(
        created["user"], created["password"], created["key_id"], created["secret"],
        sign_in_url(pc),
    )
    return Response(
        credentials_csv([row]),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="credentials.csv"'},
    )


@page("/iam/add-user/close", methods=("POST",))
def add_user_close(pc: PageContext) -> Response:
    pc.set_cookie(CREATED_COOKIE, "", 0)
    return pc.redirect(url("/iam/users"))


ROUTES = [
    add_user,
    add_user_back,
    add_user_permissions,
    add_user_create_group,
    add_user_tags,
    add_user_review,
    add_user_create,
    add_user_success,
    add_user_csv,
    add_user_close,
]
