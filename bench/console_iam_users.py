"""IAM Users page time vs the API call underneath it, with 1,000 users in the account.

The console's Users page shows one ListUsers page (50 users, its page size) per console
page. It times, as the median of N, (a) boto3's `list_users(MaxItems=50)` and (b) an httpx
GET of the console page signed in as root through the real form, and prints the ratio
(target <= 2) and the page's server time from `Server-Timing` (target < 200 ms).

    python bench/console_iam_users.py [--users 1000] [--calls 50]
"""

from __future__ import annotations

import argparse
from concurrent.futures import ThreadPoolExecutor

from console_timing import compare, page_getter, serving, signed_in

from sagelab.console.listing import PAGE_SIZE


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    with serving() as server:
        iam = server.client("iam")
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda i: iam.create_user(UserName=f"user-{i:05d}"), range(args.users)))
        print(f"users: {args.users}, page size {PAGE_SIZE}, calls {args.calls}")
        compare(
            "IAM Users page vs ListUsers",
            lambda: iam.list_users(MaxItems=PAGE_SIZE),
            page_getter(signed_in(server), "/iam/users", "user-00049"),
            args.calls,
        )


if __name__ == "__main__":
    main()
