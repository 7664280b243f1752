"""Signing in through the real form, as a person would, and the IAM users tests sign in as."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from sagelab.testing import SagelabServer

ACCOUNT_LABEL = "Account ID (12 digits) or account alias"


def console_user(
    iam: Any, prefix: str, policies: Iterable[str] = (), reset: bool = False
) -> tuple[str, str]:
    """A new IAM user with a console password and the AWS managed `policies` attached
    (names under arn:aws:iam::aws:policy/); its name and password."""
    name, password = f"{prefix}-{secrets.token_hex(4)}", "Pw-" + secrets.token_urlsafe(12)
    iam.create_user(UserName=name)
    iam.create_login_profile(UserName=name, Password=password, PasswordResetRequired=reset)
    for policy in policies:
        iam.attach_user_policy(UserName=name, PolicyArn=f"arn:aws:iam::aws:policy/{policy}")
    return name, password


def submit_sign_in(page: Any, user: str, password: str) -> None:
    """The sign-in form's user and password, once its account is filled (or prefilled)."""
    page.get_by_label("IAM user name").fill(user)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_in(page: Any, server: SagelabServer, user: str = "root", password: str = "") -> None:
    page.goto(server.endpoint_url + "/_sagelab/console/signin")
    page.get_by_label(ACCOUNT_LABEL).fill(server.account_id)
    submit_sign_in(page, user, password or server.root_password)


def change_password(page: Any, old: str, new: str) -> None:
    """The forced password change page's form."""
    page.get_by_label("Old password").fill(old)
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("Retype new password").fill(new)
    page.get_by_role("button", name="Confirm password change").click()
    page.wait_for_load_state()


def sign_out(page: Any) -> None:
    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
