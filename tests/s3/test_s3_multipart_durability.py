"""kill -9 while multipart uploads complete and batches delete: every acknowledged
completion is there, whole; every acknowledged delete stays done; nothing partial shows."""

from __future__ import annotations

import hashlib
import random
import threading
import time
from typing import Any

import pytest
from botocore.config import Config

from sagelab.testing import SagelabServer

KILLS = 6
PART = 5 << 20


def _content(key: str) -> list[bytes]:
    seed = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)
    rng = random.Random(seed)
    return [rng.randbytes(PART), rng.randbytes(seed % 4096 + 1)]


class Writer(threading.Thread):
    """Completes uploads and deletes pairs of them until the server dies."""

    def __init__(self, srv: SagelabServer, round_no: int, acked: dict[str, set[str]]) -> None:
        super().__init__(daemon=True)
        cfg = Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10)
        self.s3: Any = srv.client("s3", config=cfg)
        self.round_no = round_no
        self.acked = acked

    def _upload(self, key: str) -> None:
        up = self.s3.create_multipart_upload(Bucket="durable", Key=key)["UploadId"]
        parts = []
        for number, data in enumerate(_content(key), 1):
            sent = self.s3.upload_part(
                Bucket="durable", Key=key, UploadId=up, PartNumber=number, Body=data
            )
            parts.append({"PartNumber": number, "ETag": sent["ETag"]})
        self.acked["attempted"].add(key)
        self.s3.complete_multipart_upload(
            Bucket="durable", Key=key, UploadId=up, MultipartUpload={"Parts": parts}
        )
        self.acked["objects"].add(key)

    def run(self) -> None:
        i = 0
        try:
            while True:
                keys = [f"r{self.round_no}/obj-{i}", f"r{self.round_no}/obj-{i + 1}"]
                for key in keys:
                    self._upload(key)
                self.acked["deleting"].add(keys[0])
                self.s3.delete_objects(Bucket="durable", Delete={"Objects": [{"Key": keys[0]}]})
                self.acked["deleted"].add(keys[0])
                i += 2
        except Exception:  # the server was killed under us: expected
            return


def _check(srv: SagelabServer, acked: dict[str, set[str]]) -> None:
    s3 = srv.client("s3")
    listed = {
        c["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket="durable")
        for c in page.get("Contents", [])
    }
    for key in sorted(acked["attempted"]):
        if key in acked["deleted"]:
            assert key not in listed, f"deleted {key} came back"
            continue
        if key not in listed:
            assert key not in acked["objects"] or key in acked["deleting"], f"lost {key}"
            continue
        body = s3.get_object(Bucket="durable", Key=key)["Body"].read()
        assert body == b"".join(_content(key)), f"{key} is corrupt"


@pytest.mark.slow
def test_kill_9_during_multipart_and_batch_deletes(fresh_server: SagelabServer) -> None:
    fresh_server.start()
    fresh_server.client("s3").create_bucket(Bucket="durable")
    acked: dict[str, set[str]] = {k: set() for k in ("attempted", "objects", "deleting", "deleted")}
    rng = random.Random(4321)
    for round_no in range(KILLS):
        writer = Writer(fresh_server, round_no, acked)
        writer.start()
        time.sleep(rng.uniform(0.3, 1.5))
        fresh_server.kill()
        writer.join(30)
        fresh_server.start()
        _check(fresh_server, acked)
    assert acked["objects"], "no upload completed: the test proved nothing"
