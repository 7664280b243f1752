"""Start a real `sagelab serve` as a child process, for test suites and benchmarks (ours and
users': `from sagelab.testing import SagelabServer`)."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import httpx
from botocore.config import Config

REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def shared_data(name: str) -> Path:
    """A file of the project's shared data set (`../shared/data` beside the checkout, or
    `SAGELAB_SHARED_DATA`)."""
    root = os.environ.get("SAGELAB_SHARED_DATA")
    base = Path(root) if root else Path(__file__).resolve().parents[2] / "shared" / "data"
    return base / name


def wait_http(
    url: str,
    timeout: float,
    proc: subprocess.Popen[bytes] | None = None,
    log: Callable[[], str] = str,
) -> None:
    """Poll `url` until it answers 200; fail early if `proc` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited {proc.returncode}:\n{log()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer in {timeout}s:\n{log()}")


@dataclass
class SagelabServer:
    """One `sagelab serve` child process. `start()` again after `stop()` or `kill()`
    restarts it on the same port and data dir."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    region: str = REGION
    extra_args: list[str] = field(default_factory=list)
    extra_env: dict[str, str] = field(default_factory=dict)
    root_password: str = field(default_factory=lambda: "Root-" + secrets.token_urlsafe(12))
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _root(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.data_dir / "secrets" / "root.json").read_text())
        return data

    @property
    def account_id(self) -> str:
        return str(self._root()["account_id"])

    @property
    def access_key_id(self) -> str:
        return str(self._root()["access_key_id"])

    @property
    def secret_access_key(self) -> str:
        return str(self._root()["secret_access_key"])

    def env(self) -> dict[str, str]:
        """AWS_* variables for a child process (CLI, SDK) pointed at this server."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SAGELAB_"))}
        env.update(
            AWS_ENDPOINT_URL=self.endpoint_url,
            AWS_ACCESS_KEY_ID=self.access_key_id,
            AWS_SECRET_ACCESS_KEY=self.secret_access_key,
            AWS_DEFAULT_REGION=self.region,
            AWS_CONFIG_FILE=str(self.data_dir.parent / "aws-config"),
            AWS_SHARED_CREDENTIALS_FILE=str(self.data_dir.parent / "aws-credentials"),
        )
        return env

    def start(self, timeout: float = 30.0) -> None:
        self.log_path = self.data_dir.parent / f"server-{self.port}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SAGELAB_"))}
        env["SAGELAB_ROOT_PASSWORD"] = self.root_password
        env.update(self.extra_env)
        cmd = [
            sys.executable,
            "-m",
            "sagelab.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            "--log-level",
            "warning",
            *self.extra_args,
        ]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        self.wait_healthy(timeout)

    def wait_healthy(self, timeout: float) -> None:
        wait_http(f"{self.endpoint_url}/_sagelab/health", timeout, self.proc, self.log)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def stop(self, timeout: float = 15.0) -> int | None:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def client(self, service: str, **kwargs: Any) -> Any:
        kwargs.setdefault("region_name", self.region)
        kwargs.setdefault("endpoint_url", self.endpoint_url)
        kwargs.setdefault("aws_access_key_id", self.access_key_id)
        kwargs.setdefault("aws_secret_access_key", self.secret_access_key)
        kwargs.setdefault("config", Config(retries={"max_attempts": 1, "mode": "standard"}))
        return boto3.client(service, **kwargs)


def run_sdk(server: SagelabServer, tmp_path: Path, cells: str, *args: str) -> Any:
    """Runs notebook cells in a fresh interpreter pointed at sagelab by the environment
    alone; answers the JSON they print last."""
    env = server.env() | {
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path),
        "SAGEMAKER_SUPPRESS_V2_WARNING": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(cells), *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=170,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def console_sign_in(
    server: SagelabServer, user: str = "root", password: str = ""
) -> tuple[httpx.Client, int]:
    """Posts the console's sign-in form over HTTP, as a browser would (its CSRF token from the
    form's page); answers the client holding the session cookie and the form's status."""
    web = httpx.Client(base_url=server.endpoint_url, follow_redirects=False)
    form = web.get("/_sagelab/console/signin").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None, "no sign-in CSRF token"
    answer = web.post(
        "/_sagelab/console/signin",
        data={
            "csrf_token": token.group(1),
            "account": server.account_id,
            "user_name": user,
            "password": password or server.root_password,
        },
    )
    return web, answer.status_code
