"""Sign-in as root or as an IAM user, the reset a new password may require, sign-out."""

from __future__ import annotations

from starlette.responses import Response

from sagelab.console import sessions
from sagelab.console.pagekit import PageContext, login_csrf, page, url
from sagelab.gateway.context import Principal
from sagelab.gateway.errors import ServiceError
from sagelab.services.iam import login_profiles
from sagelab.services.iam.console import check_console_password, check_root_password

# AWS's own words: the same for an unknown account, user or password, and when throttled.
WRONG = "Your authentication information is incorrect. Please try again."


def _signin_form(pc: PageContext, error: str | None = None, status: int = 200) -> Response:
    return pc.render(
        "signin.html",
        title="Sign in",
        account=pc.field("account") or pc.query("account"),
        user_name=pc.field("user_name"),
        next=pc.field("next") or pc.query("next"),
        login_csrf=login_csrf(pc),
        error=error,
        status=status,
    )


@page("/signin", public=True)
def signin(pc: PageContext) -> Response:
    return _signin_form(pc)


def _check(pc: PageContext) -> Principal | None:
    meta, root = pc.console.meta, pc.console.server.root
    account = sessions.account_for(meta, pc.field("account"))
    user, password = pc.field("user_name").strip(), pc.field("password")
    address = pc.request.client.host if pc.request.client else ""
    if account is None or not user or not password:
        return None
    if user == "root":
        ok = account == root.account_id and check_root_password(root, password, address)
        return root.principal if ok else None
    return check_console_password(meta, account, user, password, address)


@page("/signin", methods=("POST",), public=True)
def signin_submit(pc: PageContext) -> Response:
    principal = _check(pc)
    if principal is None:
        return _signin_form(pc, WRONG, status=401)
    cookie = sessions.begin(pc.console.meta, principal)
    pc.set_cookie(sessions.COOKIE, cookie, sessions.SESSION_SECONDS)
    if _reset_required(pc, principal):
        return pc.redirect(url("/reset-password"))
    target = pc.field("next")
    return pc.redirect(target if target.startswith(url("/")) else url("/"))


def _reset_required(pc: PageContext, principal: Principal) -> bool:
    if principal.kind != "user":
        return False
    with pc.console.meta.connect() as conn:
        _, row = login_profiles.get(conn, principal.account_id, principal.name)
    return bool(row.reset_required)


@page("/reset-password")
def reset_password(pc: PageContext) -> Response:
    return pc.render("reset_password.html", title="Change password", error=None)


@page("/reset-password", methods=("POST",))
def reset_password_submit(pc: PageContext) -> Response:
    new = pc.field("new_password")
    if new != pc.field("confirm_password"):
        return pc.render(
            "reset_password.html", title="Change password", error="The passwords do not match."
        )
    try:
        pc.call("iam", "ChangePassword", OldPassword=pc.field("old_password"), NewPassword=new)
    except ServiceError as err:
        return pc.render("reset_password.html", title="Change password", error=err.message)
    return pc.redirect(url("/"), flash="Your password has been changed.")


@page("/signout", methods=("POST",))
def signout(pc: PageContext) -> Response:
    if pc.session is not None:
        sessions.end(pc.console.meta, pc.session)
    pc.set_cookie(sessions.COOKIE, "", 0)
    return pc.redirect(url("/signin"), flash="You have signed out.", level="info")


ROUTES = [signin, signin_submit, reset_password, reset_password_submit, signout]
