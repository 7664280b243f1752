"""Signing in through the real form, as a person would."""

from __future__ import annotations

from typing import Any

from sagelab.testing import SagelabServer

ACCOUNT_LABEL = "Account ID (12 digits) or account alias"


def sign_in(page: Any, server: SagelabServer, user: str = "root", password: str = "") -> None:
    page.goto(server.endpoint_url + "/_sagelab/console/signin")
    page.get_by_label(ACCOUNT_LABEL).fill(server.account_id)
    page.get_by_label("IAM user name").fill(user)
    page.get_by_label("Password", exact=True).fill(password or server.root_password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out(page: Any) -> None:
    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
