"""Control-plane latency vs moto's server: p50 of boto3 `ListUsers`, `CreateUser` and
S3 `HeadObject` on sagelab divided by the same on moto (both on loopback, same client code).
Target: every ratio <= 1.0. Needs moto's server: `pip install 'moto[server]'` (the `bench` extra).

    python bench/control_plane_vs_moto.py [--calls 300]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from sagelab.testing import SagelabServer, free_port, wait_http


def _clients(endpoint: str, key: str, secret: str) -> tuple[Any, Any]:
    kw: dict[str, Any] = dict(
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}),
    )
    return boto3.client("iam", **kw), boto3.client("s3", **kw)


def _p50(call: Callable[[int], object], n: int) -> float:
    times = []
    for i in range(n):
        start = time.perf_counter()
        call(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _measure(iam: Any, s3: Any, n: int) -> dict[str, float]:
    run = uuid.uuid4().hex[:8]
    bucket = f"bench-{run}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x" * 4096)
    for i in range(20):
        iam.create_user(UserName=f"warm-{run}-{i}")
    return {
        "ListUsers": _p50(lambda i: iam.list_users(), n),
        "CreateUser": _p50(lambda i: iam.create_user(UserName=f"u-{run}-{i}"), n),
        "HeadObject": _p50(lambda i: s3.head_object(Bucket=bucket, Key="k"), n),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = SagelabServer(Path(tmp) / "data", extra_args=["--log-level", "error"])
        server.start()
        port = free_port()
        moto = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-p", str(port), "-H", "127.0.0.1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_http(f"http://127.0.0.1:{port}/moto-api/", 60, moto)
            ours = _measure(
                *_clients(server.endpoint_url, server.access_key_id, server.secret_access_key),
                args.calls,
            )
            theirs = _measure(
                *_clients(f"http://127.0.0.1:{port}", "testing", "testing"), args.calls
            )
        finally:
            moto.terminate()
            moto.wait()
            server.stop()
    for op, ms in ours.items():
        ratio = ms / theirs[op]
        print(
            f"{op:<11} p50 sagelab {ms * 1000:.2f} ms, moto {theirs[op] * 1000:.2f} ms, "
            f"ratio {ratio:.2f} (target <= 1.0)"
        )


if __name__ == "__main__":
    main()
