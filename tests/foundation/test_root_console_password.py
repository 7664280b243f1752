"""A new data dir without SAGELAB_ROOT_PASSWORD gets a generated console password for root,
printed once at first start; it signs in to the console, and a restart keeps it."""

from __future__ import annotations

import re

from sagelab.testing import SagelabServer, console_sign_in

CONSOLE = "/_sagelab/console"


def _signs_in(server: SagelabServer, password: str) -> bool:
    return console_sign_in(server, "root", password)[1] == 303


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
