"""4 KiB PUT, GET and HEAD per second with 8 concurrent boto3 clients (threads), sagelab
against moto's server doing the same. Target: every ratio >= 3.

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
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from s3_bench_servers import moto, sagelab

THREADS = 8
BODY = os.urandom(4096)


def _rate(call: Callable[[int], object], n: int) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(call, range(n)))
    return n / (time.perf_counter() - start)


def _measure(s3: Any, n: int) -> dict[str, float]:
    s3.create_bucket(Bucket="small")
    s3.put_object(Bucket="small", Key="warm", Body=BODY)
    return {
        "PUT": _rate(lambda i: s3.put_object(Bucket="small", Key=f"k{i}", Body=BODY), n),
        "GET": _rate(lambda i: s3.get_object(Bucket="small", Key=f"k{i}")["Body"].read(), n),
        "HEAD": _rate(lambda i: s3.head_object(Bucket="small", Key=f"k{i}"), n),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sagelab(Path(tmp) / "data") as (_, s3):
        ours = _measure(s3, args.ops)
    with moto() as s3:
        theirs = _measure(s3, args.ops)
    for op, rate in ours.items():
        print(
            f"{op:<4} sagelab {rate:.0f}/s, moto {theirs[op]:.0f}/s, "
            f"ratio {rate / theirs[op]:.2f} (target >= 3)"
        )


if __name__ == "__main__":
    main()
