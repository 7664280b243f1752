"""Sign-in, sign-out, the IAM users sign-in URL, forced password change, CSRF, throttling."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from console_kit import (
    ACCOUNT_LABEL,
    change_password,
    console_user,
    sign_in,
    sign_out,
    submit_sign_in,
)

from sagelab.testing import SagelabServer, console_sign_in

CONSOLE = "/_sagelab/console"


def test_unsigned_browser_visit_to_root_goes_to_the_console(server: SagelabServer) -> None:
    answer = httpx.get(server.endpoint_url + "/", headers={"Accept": "text/html"})
    assert answer.status_code == 302
    assert answer.headers["location"] == CONSOLE + "/"
    # The console home sends a stranger to sign-in.
    home = httpx.get(server.endpoint_url + CONSOLE + "/")
    assert home.status_code == 303
    assert home.headers["location"].startswith(CONSOLE + "/signin")


def test_signed_list_buckets_on_root_is_still_s3(client: Callable[..., Any]) -> None:
    assert "Buckets" in client("s3").list_buckets()


def test_root_signs_in_and_out(page: Any, server: SagelabServer, shot: Any) -> None:
    sign_in(page, server)
    assert page.url.endswith(CONSOLE + "/")
    assert page.get_by_role("heading", name="Console Home").is_visible()
    assert page.locator("main").get_by_text(f"arn:aws:iam::{server.account_id}:root").is_visible()
    shot(page, "home")
    sign_out(page)
    assert "/signin" in page.url
    assert page.get_by_text("You have signed out.").is_visible()
    page.goto(CONSOLE + "/")
    assert "/signin" in page.url  # the session ended with sign-out


def test_wrong_password_is_refused_with_aws_words(page: Any, server: SagelabServer) -> None:
    sign_in(page, server, password="not-the-password")
    assert "/signin" in page.url
    assert page.get_by_text("Your authentication information is incorrect").is_visible()


def test_iam_user_sign_in_url_prefills_the_account(
    page: Any, server: SagelabServer, client: Callable[..., Any]
) -> None:
    name, password = console_user(client("iam"), "console")
    page.goto(f"/_sagelab/{server.account_id}/console")
    assert page.get_by_label(ACCOUNT_LABEL).input_value() == server.account_id
    submit_sign_in(page, name, password)
    assert page.url.endswith(CONSOLE + "/")
    assert page.locator("main").get_by_text(f"user/{name}").is_visible()


def test_required_reset_forces_a_new_password(
    page: Any, server: SagelabServer, client: Callable[..., Any], shot: Any
) -> None:
    name, old = console_user(client("iam"), "console", reset=True)
    new = "New-" + secrets.token_urlsafe(10)
    iam = client("iam")
    iam.attach_user_policy(
        UserName=name, PolicyArn="arn:aws:iam::aws:policy/IAMUserChangePassword"
    )
    sign_in(page, server, name, old)
    assert page.url.endswith(CONSOLE + "/reset-password")
    shot(page, "reset")
    change_password(page, old, new)
    assert page.get_by_text("Your password has been changed.").is_visible()
    assert iam.get_login_profile(UserName=name)["LoginProfile"]["PasswordResetRequired"] is False
    sign_out(page)
    sign_in(page, server, name, new)
    assert page.url.endswith(CONSOLE + "/")


def _session(server: SagelabServer) -> httpx.Client:
    http, status = console_sign_in(server)
    assert status == 303
    return http


def test_a_forged_post_is_refused(
    page: Any, server: SagelabServer, client: Callable[..., Any]
) -> None:
    name, password = console_user(client("iam"), "console")
    http = _session(server)
    # Sign-out is state-changing: without the session's token it must not happen.
    for token in (None, "forged-" + secrets.token_hex(8)):
        data = {} if token is None else {"csrf_token": token}
        answer = http.post(CONSOLE + "/signout", data=data)
        assert answer.status_code == 403
        assert "CSRF" in answer.text
    assert http.get(CONSOLE + "/").status_code == 200  # still signed in
    # A sign-in form posted without its cookie's token is refused too (login CSRF).
    stranger = httpx.post(
        server.endpoint_url + CONSOLE + "/signin",
        data={"account": server.account_id, "user_name": name, "password": password},
    )
    assert stranger.status_code == 403


def test_failed_sign_ins_are_throttled(server: SagelabServer, client: Callable[..., Any]) -> None:
    name, password = console_user(client("iam"), "console")
    assert console_sign_in(server, name, "wrong-1")[1] == 401
    # Right away, even the right password is refused: the next try must wait.
    assert console_sign_in(server, name, password)[1] == 401


@pytest.mark.parametrize("path", ["/", "/signin"])
def test_pages_answer_html(server: SagelabServer, path: str) -> None:
    answer = httpx.get(server.endpoint_url + CONSOLE + path, follow_redirects=True)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert "<label for=" in answer.text
