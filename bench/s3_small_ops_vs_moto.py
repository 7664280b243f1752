"""4 KiB PUT, GET and HEAD per second with 8 concurrent boto3 clients (threads), sagelab
against moto's server doing the same. Target: every ratio >= 3.

Also printed: each server's CPU time per operation, and the clients' own (boto3 signing
and parsing, in this process). On a 2-core machine the clients share the cores with the
server, so their cost bounds the throughput ratio whatever the server does.

    python bench/s3_small_ops_vs_moto.py [--ops 2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from s3_bench_servers import cpu_seconds, moto, sagelab

THREADS = 8
BODY = os.urandom(4096)


@dataclass(frozen=True)
class Rate:
    per_second: float
    server_ms: float  # server CPU per operation
    client_ms: float  # this process's CPU per operation


def _rate(server_pid: int, call: Callable[[int], object], n: int) -> Rate:
    server, client, start = cpu_seconds(server_pid), time.process_time(), time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(call, range(n)))
    elapsed = time.perf_counter() - start
    return Rate(
        n / elapsed,
        (cpu_seconds(server_pid) - server) * 1000 / n,
        (time.process_time() - client) * 1000 / n,
    )


def _measure(pid: int, s3: Any, n: int) -> dict[str, Rate]:
    s3.create_bucket(Bucket="small")
    s3.put_object(Bucket="small", Key="warm", Body=BODY)
    return {
        "PUT": _rate(pid, lambda i: s3.put_object(Bucket="small", Key=f"k{i}", Body=BODY), n),
        "GET": _rate(pid, lambda i: s3.get_object(Bucket="small", Key=f"k{i}")["Body"].read(), n),
        "HEAD": _rate(pid, lambda i: s3.head_object(Bucket="small", Key=f"k{i}"), n),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sagelab(Path(tmp) / "data") as (server, s3):
        assert server.proc is not None
        ours = _measure(server.proc.pid, s3, args.ops)
    with moto() as (pid, s3):
        theirs = _measure(pid, s3, args.ops)
    for op, rate in ours.items():
        other = theirs[op]
        print(
            f"{op:<4} sagelab {rate.per_second:.0f}/s, moto {other.per_second:.0f}/s, "
            f"ratio {rate.per_second / other.per_second:.2f} (target >= 3); "
            f"server CPU/op sagelab {rate.server_ms:.2f} ms, moto {other.server_ms:.2f} ms "
            f"(moto/sagelab {other.server_ms / rate.server_ms:.2f}); "
            f"client CPU/op {rate.client_ms:.2f} ms"
        )


if __name__ == "__main__":
    main()
