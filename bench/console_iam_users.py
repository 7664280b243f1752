"""IAM Users page time vs the API call underneath it, with 1,000 users in the account.

The console's Users page shows one ListUsers page (50 users, its page size) per console
page. It times, as the median of N, (a) boto3's `list_users(MaxItems=50)` and (b) an httpx
GET of the console page signed in as root through the real form, and prints the ratio
(target <= 2) and the page's server time from `Server-Timing` (target < 200 ms). The
timing helpers are console_pages.py's (the S3 Objects page bench).

    python bench/console_iam_users.py [--users 1000] [--calls 50]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from console_pages import _median, _server_ms, _signed_in

from sagelab.console.pages.iam import PAGE_SIZE
from sagelab.testing import SagelabServer

CONSOLE = "/_sagelab/console"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = SagelabServer(Path(tmp) / "data")
        server.start()
        try:
            iam = server.client("iam")
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda i: iam.create_user(UserName=f"user-{i:05d}"),
                              range(args.users)))
            web = _signed_in(server)

            def api() -> Any:
                return iam.list_users(MaxItems=PAGE_SIZE)

            def console() -> httpx.Response:
                response = web.get(f"{CONSOLE}/iam/users")
                assert response.status_code == 200 and "user-00049" in response.text
                return response

            for _ in range(5):  # warm both paths
                api(), console()
            api_s, _ = _median(api, args.calls)
            page_s, pages = _median(console, args.calls)
            server_ms = statistics.median(_server_ms(r) for r in pages)
        finally:
            server.stop()
    print(f"users: {args.users}, page size {PAGE_SIZE}, calls {args.calls}")
    print(f"boto3 ListUsers p50: {api_s * 1000:.1f} ms")
    print(f"console Users page p50 (wall): {page_s * 1000:.1f} ms")
    print(f"console page server time p50 (Server-Timing): {server_ms:.1f} ms (target < 200)")
    print(f"ratio console/API: {page_s / api_s:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
