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
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from sagelab.testing import SagelabServer

CONSOLE = "/_sagelab/console"
PAGE_SIZE = 100  # sagelab.console.pages.s3.PAGE_SIZE
BUCKET = "bench-console"
PREFIX = "data/"


def _median(call: Callable[[], Any], n: int) -> tuple[float, list[Any]]:
    times, results = [], []
    for _ in range(n):
        start = time.perf_counter()
        results.append(call())
        times.append(time.perf_counter() - start)
    return statistics.median(times), results


def _fill(s3: Any, count: int) -> None:
    s3.create_bucket(Bucket=BUCKET)
    with ThreadPoolExecutor(8) as pool:
        list(
            pool.map(
                lambda i: s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}obj-{i:05d}.csv", Body=b"x"),
                range(count),
            )
        )


def _signed_in(server: SagelabServer) -> httpx.Client:
    web = httpx.Client(base_url=server.endpoint_url, follow_redirects=False)
    form = web.get(f"{CONSOLE}/signin").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None, "no sign-in CSRF token"
    answer = web.post(
        f"{CONSOLE}/signin",
        data={
            "csrf_token": token.group(1),
            "next": "",
            "account": server.account_id,
            "user_name": "root",
            "password": server.root_password,
        },
    )
    assert answer.status_code == 303, f"sign-in failed: {answer.status_code}"
    return web


def _server_ms(response: httpx.Response) -> float:
    match = re.search(r"dur=([0-9.]+)", response.headers.get("server-timing", ""))
    assert match is not None, "no Server-Timing header"
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = SagelabServer(Path(tmp) / "data")
        server.start()
        try:
            s3 = server.client("s3")
            _fill(s3, args.objects)
            web = _signed_in(server)
            path = f"{CONSOLE}/s3/buckets/{BUCKET}?prefix={PREFIX}"

            def api() -> Any:
                return s3.list_objects_v2(
                    Bucket=BUCKET, Prefix=PREFIX, Delimiter="/", MaxKeys=PAGE_SIZE
                )

            def console() -> httpx.Response:
                response = web.get(path)
                assert response.status_code == 200 and "obj-00099.csv" in response.text
                return response

            for _ in range(5):  # warm both paths
                api(), console()
            api_s, _ = _median(api, args.calls)
            page_s, pages = _median(console, args.calls)
            server_ms = statistics.median(_server_ms(r) for r in pages)
        finally:
            server.stop()
    print(f"objects in the folder: {args.objects}, page size {PAGE_SIZE}, calls {args.calls}")
    print(f"boto3 ListObjectsV2 p50: {api_s * 1000:.1f} ms")
    print(f"console Objects page p50 (wall): {page_s * 1000:.1f} ms")
    print(f"console page server time p50 (Server-Timing): {server_ms:.1f} ms (target < 200)")
    print(f"ratio console/API: {page_s / api_s:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
