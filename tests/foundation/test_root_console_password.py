"""A new data dir without SAGELAB_ROOT_PASSWORD gets a generated console password for root,
printed once at first start; it signs in to the console, and a restart keeps it."""

from __future__ import annotations

import re

import httpx

from sagelab.testing import SagelabServer

CONSOLE = "/_sagelab/console"


def _signs_in(server: SagelabServer, password: str) -> bool:
    http = httpx.Client(base_url=server.endpoint_url)
    token = re.search(r'name="csrf_token" value="([^"]+)"', http.get(CONSOLE + "/signin").text)
    assert token is not None
    answer = http.post(
        CONSOLE + "/signin",
        data={
            "csrf_token": token.group(1),
            "account": server.account_id,
            "user_name": "root",
            "password": password,
        },
    )
    return answer.status_code == 303


def test_generated_root_password_is_printed_once_and_works(fresh_server: SagelabServer) -> None:
    fresh_server.extra_env["SAGELAB_ROOT_PASSWORD"] = ""
    fresh_server.start()
    printed = re.search(r"with password (\S+) \(shown once", fresh_server.log())
    assert printed is not None, fresh_server.log()
    assert _signs_in(fresh_server, printed.group(1))
    fresh_server.stop()
    fresh_server.start()
    assert fresh_server.log().count("with password") == 1  # not printed again
    assert _signs_in(fresh_server, printed.group(1))
