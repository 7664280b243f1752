"""What the S3 benches share: a sagelab server and a moto server side by side, and boto3
clients for each."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from sagelab.testing import SagelabServer, free_port, wait_http

POOL = Config(retries={"max_attempts": 1}, max_pool_connections=32)


def s3_client(endpoint: str, key: str, secret: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=POOL,
    )


@contextmanager
def sagelab(data_dir: Path) -> Iterator[tuple[SagelabServer, Any]]:
    server = SagelabServer(data_dir, extra_args=["--log-level", "error"])
    server.start()
    try:
        yield server, s3_client(server.endpoint_url, server.access_key_id, server.secret_access_key)
    finally:
        server.stop()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def moto() -> Iterator[tuple[int, Any]]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-p", str(port), "-H", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/moto-api/", 60, proc)
        yield proc.pid, s3_client(f"http://127.0.0.1:{port}", "testing", "testing")
    finally:
        proc.terminate()
        proc.wait()
