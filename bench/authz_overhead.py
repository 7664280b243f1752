"""Authorization overhead: signed S3 HeadObject calls per second by an IAM user with 10
attached customer-managed policies (200 statements) vs the same calls by the root, which
skips evaluation, in the same run against the same server. Target: ratio >= 0.8.

    python bench/authz_overhead.py [--calls 400] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sagelab.testing import SagelabServer

BUCKET = "authz-bench"
POLICIES, STATEMENTS = 10, 20


def _policy(n: int) -> str:
    """20 statements the request has to be matched against; only the very last of the last
    policy grants HeadObject on the bench bucket, so every statement is looked at."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": f"P{n}S{i}",
            "Effect": "Allow",
            "Action": [f"s3:Get{i}*", "s3:List*", f"sagemaker:Describe{n}*"],
            "Resource": [
                f"arn:aws:s3:::other-{n}-{i}/*",
                f"arn:aws:s3:::home/${{aws:username}}/{i}",
            ],
            "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}},
        }
        for i in range(STATEMENTS)
    ]
    if n == POLICIES - 1:
        statements[-1] = {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
        }
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _user(server: SagelabServer) -> Any:
    iam = server.client("iam")
    iam.create_user(UserName="bench")
    for n in range(POLICIES):
        arn = iam.create_policy(PolicyName=f"bench-{n}", PolicyDocument=_policy(n))["Policy"]["Arn"]
        iam.attach_user_policy(UserName="bench", PolicyArn=arn)
    key = iam.create_access_key(UserName="bench")["AccessKey"]
    return server.client(
        "s3", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )


def _rate(s3: Any, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        s3.head_object(Bucket=BUCKET, Key="k")
    return calls / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = SagelabServer(Path(tmp) / "data")
        server.start()
        try:
            root = server.client("s3")
            root.create_bucket(Bucket=BUCKET)
            root.put_object(Bucket=BUCKET, Key="k", Body=b"x")
            user = _user(server)
            _rate(root, 50), _rate(user, 50)  # warm both paths
            root_rates, user_rates = [], []
            for _ in range(args.rounds):  # interleaved, so drift hits both alike
                root_rates.append(_rate(root, args.calls))
                user_rates.append(_rate(user, args.calls))
        finally:
            server.stop()
    root_rate, user_rate = statistics.median(root_rates), statistics.median(user_rates)
    print(f"root HeadObject:                       {root_rate:8.1f} calls/s")
    label = f"user with {POLICIES} policies / {POLICIES * STATEMENTS} statements:"
    print(f"{label} {user_rate:8.1f} calls/s")
    print(f"ratio (user / root): {user_rate / root_rate:.2f}  (target >= 0.8)")


if __name__ == "__main__":
    main()
