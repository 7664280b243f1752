"""A real `sagelab serve` on 127.0.0.1:<free port> with a temp data dir, and clients for it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from sagelab.testing import SagelabServer

# CI runs the same examples every time: a red run must be reproducible, not a fresh draw.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SagelabServer]:
    srv = SagelabServer(tmp_path_factory.mktemp("sagelab") / "data", extra_args=["--allow-reset"])
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[SagelabServer]:
    """A server of the test's own, for tests that restart or kill it."""
    srv = SagelabServer(tmp_path / "data")
    yield srv
    srv.kill()


@pytest.fixture
def client(server: SagelabServer) -> Callable[..., Any]:
    def make(service: str, **kwargs: Any) -> Any:
        return server.client(service, **kwargs)

    return make


@pytest.fixture
def cli(server: SagelabServer) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Runs the AWS CLI against the server; returns the finished process."""

    def run(
        *args: str, check: bool = True, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "awscli", *args],
            env=server.env(),
            capture_output=True,
            text=True,
            check=check,
            input=input,
            timeout=120,
        )

    return run
