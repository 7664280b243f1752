"""Console page time vs the API call underneath it, with 1,000 objects in one S3 folder.

The listing chosen is S3's Objects tab: a bucket folder holding 1,000 objects, shown one
ListObjectsV2 page (100 keys, the console's page size) per console page. It times, as the
median of N, (a) boto3's `list_objects_v2` with the same Prefix/Delimiter/MaxKeys and (b)
an httpx GET of the console page signed in through the real form (session cookie), and
prints the ratio (target <= 2) and the page's server time from its `Server-Timing` header
(target < 200 ms). Both run on loopback against the same real `sagelab serve`.

    python bench/console_pages.py [--objects 1000] [--calls 50]
"""

from __future__ import annotations

import argparse
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from console_timing import compare, page_getter, serving, signed_in

from sagelab.console.pages.s3 import PAGE_SIZE

BUCKET = "bench-console"
PREFIX = "data/"


def _fill(s3: Any, count: int) -> None:
    s3.create_bucket(Bucket=BUCKET)
    with ThreadPoolExecutor(8) as pool:
        list(
            pool.map(
                lambda i: s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}obj-{i:05d}.csv", Body=b"x"),
                range(count),
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    with serving() as server:
        s3 = server.client("s3")
        _fill(s3, args.objects)
        print(f"objects in the folder: {args.objects}, page size {PAGE_SIZE}, calls {args.calls}")
        path = f"/s3/buckets/{BUCKET}?prefix={PREFIX}"
        compare(
            "S3 Objects tab vs ListObjectsV2",
            lambda: s3.list_objects_v2(
                Bucket=BUCKET, Prefix=PREFIX, Delimiter="/", MaxKeys=PAGE_SIZE
            ),
            page_getter(signed_in(server), path, "obj-00099.csv"),
            args.calls,
        )


if __name__ == "__main__":
    main()
