"""kill -9 at random moments during a stream of S3 writes and IAM changes: every acknowledged
write is there, intact, after restart, and no half-written object is visible."""

from __future__ import annotations

import hashlib
import random
import threading
import time
from typing import Any

import pytest
from botocore.config import Config

from sagelab.testing import SagelabServer

KILLS = 20


def _content(key: str) -> bytes:
    seed = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)
    size = seed % (768 * 1024)
    return random.Random(seed).randbytes(size)


class Writer(threading.Thread):
    """Writes until the server dies; records only what the server acknowledged."""

    def __init__(self, srv: SagelabServer, round_no: int, acked: dict[str, set[str]]) -> None:
        super().__init__(daemon=True)
        cfg = Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10)
        self.s3: Any = srv.client("s3", config=cfg)
        self.iam: Any = srv.client("iam", config=cfg)
        self.round_no = round_no
        self.acked = acked

    def run(self) -> None:
        i = 0
        try:
            while True:
                key = f"r{self.round_no}/obj-{i}"
                self.acked["attempted"].add(key)
                self.s3.put_object(Bucket="durable", Key=key, Body=_content(key))
                self.acked["objects"].add(key)
                user = f"u{self.round_no}-{i}"
                self.iam.create_user(UserName=user)
                self.acked["users"].add(user)
                i += 1
        except Exception:  # the server was killed under us: expected
            return


def _check(srv: SagelabServer, acked: dict[str, set[str]]) -> None:
    s3 = srv.client("s3")
    for key in sorted(acked["attempted"]):  # every visible object is whole, acknowledged or not
        try:
            body = s3.get_object(Bucket="durable", Key=key)["Body"].read()
        except s3.exceptions.NoSuchKey:
            assert key not in acked["objects"], f"acknowledged {key} was lost"
            continue
        assert body == _content(key), f"{key} is corrupt"
    pages = srv.client("iam").get_paginator("list_users").paginate()
    users = {u["UserName"] for page in pages for u in page["Users"]}
    assert acked["users"] <= users, "an acknowledged user was lost"


@pytest.mark.slow
def test_kill_9_loses_nothing_acknowledged(fresh_server: SagelabServer) -> None:
    fresh_server.start()
    fresh_server.client("s3").create_bucket(Bucket="durable")
    acked: dict[str, set[str]] = {"attempted": set(), "objects": set(), "users": set()}
    rng = random.Random(1234)
    for round_no in range(KILLS):
        writer = Writer(fresh_server, round_no, acked)
        writer.start()
        time.sleep(rng.uniform(0.1, 0.8))
        fresh_server.kill()
        writer.join(30)
        fresh_server.start()
        _check(fresh_server, acked)
    assert len(acked["objects"]) > KILLS, "the writers did too little for the test to mean much"
