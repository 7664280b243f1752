"""Notebook instances: Create → InService and Start → InService against JupyterLab's own bare
start (same flags, same machine, same run), and the proxy's overhead: contents API requests per
second through `/_sagelab/notebooks/<name>/` vs straight to a JupyterLab. Targets: start ratio
<= 1.5, proxy ratio >= 0.5.

    python bench/notebook_start.py [--rounds 3] [--requests 300]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from sagelab.notebooks import kernel_env
from sagelab.notebooks.launcher import free_port
from sagelab.testing import SagelabServer

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole",
         "Principal": {"Service": "sagemaker.amazonaws.com"}}
    ],
}  # fmt: skip


def _until(check: Callable[[], bool], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out")
        time.sleep(0.05)


def _answers(url: str, headers: dict[str, str]) -> bool:
    try:
        return requests.get(url, headers=headers, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def bare_jupyter(root: Path) -> tuple[float, subprocess.Popen[bytes], str]:
    """Seconds until a bare JupyterLab answers; the process and its base URL (left running)."""
    port, base = free_port(), "/bare/"
    argv = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
        f"--port={port}", f"--ServerApp.base_url={base}", f"--ServerApp.root_dir={root}",
        "--IdentityProvider.token=bench", "--LabApp.extension_manager=readonly",
    ]  # fmt: skip
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}{base}"
    _until(lambda: _answers(url + "api/status", {"Authorization": "token bench"}))
    return time.monotonic() - started, proc, url


def _status(sm: Any, name: str) -> str:
    return str(sm.describe_notebook_instance(NotebookInstanceName=name)["NotebookInstanceStatus"])


def timed_to(sm: Any, name: str, wanted: str, action: Callable[[], Any]) -> float:
    started = time.monotonic()
    action()
    _until(lambda: _status(sm, name) == wanted)
    return time.monotonic() - started


def rate(session: requests.Session, url: str, count: int, headers: dict[str, str]) -> float:
    for _ in range(10):  # warm up connections
        session.get(url, headers=headers, timeout=10).raise_for_status()
    started = time.monotonic()
    for _ in range(count):
        session.get(url, headers=headers, timeout=10).raise_for_status()
    return count / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = SagelabServer(Path(tmp) / "data")
        server.start()
        try:
            run(server, Path(tmp), args.rounds, args.requests)
        finally:
            server.stop(timeout=60)


def run(server: SagelabServer, tmp: Path, rounds: int, count: int) -> None:
    started = time.monotonic()
    kernel_env.build(kernel_env.env_dir(server.data_dir))
    print(f"kernel env build (first need only): {time.monotonic() - started:.2f} s")
    iam, sm = server.client("iam"), server.client("sagemaker")
    role = iam.create_role(RoleName="bench", AssumeRolePolicyDocument=json.dumps(TRUST))
    role_arn = role["Role"]["Arn"]

    bare, creates, starts = [], [], []
    for i in range(rounds):
        seconds, proc, _ = bare_jupyter(tmp)
        bare.append(seconds)
        proc.terminate()
        proc.wait()
        name = f"bench-{i}"
        creates.append(timed_to(sm, name, "InService", lambda n=name: sm.create_notebook_instance(
            NotebookInstanceName=n, InstanceType="ml.t3.medium", RoleArn=role_arn)))  # fmt: skip
        sm.stop_notebook_instance(NotebookInstanceName=name)
        _until(lambda n=name: _status(sm, n) == "Stopped")
        starts.append(timed_to(sm, name, "InService", lambda n=name: sm.start_notebook_instance(
            NotebookInstanceName=n)))  # fmt: skip
        if i < rounds - 1:
            sm.stop_notebook_instance(NotebookInstanceName=name)
            _until(lambda n=name: _status(sm, n) == "Stopped")
    base = statistics.median(bare)
    print(f"bare JupyterLab start:   median {base:.2f} s  {[round(s, 2) for s in bare]}")
    for label, times in (("Create -> InService", creates), ("Start -> InService", starts)):
        median = statistics.median(times)
        print(f"{label}: median {median:.2f} s  ratio {median / base:.2f}x (goal <= 1.5)")

    name = f"bench-{rounds - 1}"
    proxied = requests.Session()
    url = sm.create_presigned_notebook_instance_url(NotebookInstanceName=name)["AuthorizedUrl"]
    proxied.get(url, allow_redirects=False, timeout=10)
    via_proxy = rate(
        proxied, f"{server.endpoint_url}/_sagelab/notebooks/{name}/api/contents", count, {}
    )
    _, proc, direct_url = bare_jupyter(tmp)
    try:
        direct = rate(requests.Session(), direct_url + "api/contents", count,
                      {"Authorization": "token bench"})  # fmt: skip
    finally:
        proc.terminate()
        proc.wait()
    print(f"contents API: direct {direct:.0f} req/s, via proxy {via_proxy:.0f} req/s, "
          f"ratio {via_proxy / direct:.2f} (goal >= 0.5)")  # fmt: skip


if __name__ == "__main__":
    main()
