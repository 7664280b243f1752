"""ListObjectsV2 page by page over 100,000 keys, sagelab against moto (target: time ratio
<= 0.5); and a narrow-prefix listing in that bucket against the same in a 1,000-key bucket
(target: about 1.0, since a prefix is an index range, not a scan).

    python bench/s3_list_vs_moto.py [--keys 100000] [--passes 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from s3_bench_servers import moto, sagelab


def _narrow_prefix(count: int) -> str:
    """The prefix of ten keys (`k…040` to `k…049`) in a bucket filled by `_fill`."""
    return "k" + "0" * (len(str(count - 1)) - 3) + "04"


def _fill(s3: Any, bucket: str, count: int) -> None:
    s3.create_bucket(Bucket=bucket)
    width = len(str(count - 1))
    with ThreadPoolExecutor(16) as pool:
        list(
            pool.map(
                lambda i: s3.put_object(Bucket=bucket, Key=f"k{i:0{width}d}", Body=b""),
                range(count),
            )
        )


def _list_all(s3: Any, bucket: str, passes: int) -> tuple[int, float]:
    """Keys listed and the median time of `passes` whole listings, page by page."""
    spent: list[float] = []
    for _ in range(passes):
        start = time.perf_counter()
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        count = sum(page.get("KeyCount", 0) for page in pages)
        spent.append(time.perf_counter() - start)
    return count, statistics.median(spent)


def _once(s3: Any, bucket: str, prefix: str) -> float:
    start = time.perf_counter()
    s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return time.perf_counter() - start


def _narrow(s3: Any, places: list[tuple[str, str]], repeat: int = 100) -> list[float]:
    """The median time of one narrow listing in each (bucket, prefix). The buckets take
    turns: measured one after the other, the first paid for the work the fill left behind
    (the usage meter catching up on its requests, WAL checkpoints), which read as a cost
    of bucket size (1.79x in an earlier run)."""
    times: list[list[float]] = [[] for _ in places]
    for _ in range(repeat):
        for spent, (bucket, prefix) in zip(times, places, strict=True):
            spent.append(_once(s3, bucket, prefix))
    return [statistics.median(spent) for spent in times]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sagelab(Path(tmp) / "data") as (_, s3):
        _fill(s3, "big", args.keys)
        _fill(s3, "small", 1000)
        ours_count, ours = _list_all(s3, "big", args.passes)
        in_big, in_small = _narrow(
            s3, [("big", _narrow_prefix(args.keys)), ("small", _narrow_prefix(1000))]
        )
    with moto() as (_, s3):
        _fill(s3, "big", args.keys)
        theirs_count, theirs = _list_all(s3, "big", args.passes)
    assert ours_count == theirs_count == args.keys
    print(
        f"list {args.keys} keys: sagelab {ours:.2f} s, moto {theirs:.2f} s, "
        f"ratio {ours / theirs:.2f} (target <= 0.5)"
    )
    print(
        f"10-key prefix: {in_big * 1000:.2f} ms in {args.keys} keys, "
        f"{in_small * 1000:.2f} ms in 1000 keys, ratio {in_big / in_small:.2f} (target ~1.0)"
    )


if __name__ == "__main__":
    main()
