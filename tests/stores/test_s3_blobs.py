"""The s3:// blob store: a sagelab whose object bytes live in another S3-compatible service
(here a second sagelab), running the S3 story a user would; and the store's own contract."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from sagelab.gateway.http import BytesReader
from sagelab.store.blobs import open_blobs
from sagelab.store.s3_blobs import PART, S3BlobStore
from sagelab.testing import SagelabServer

BIG = os.urandom(PART + PART // 2 + 17)  # more than one multipart part


@pytest.fixture(scope="module")
def external(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SagelabServer]:
    """The 'external' S3 service: a sagelab of its own with one bucket."""
    srv = SagelabServer(tmp_path_factory.mktemp("external") / "data")
    srv.start()
    srv.client("s3").create_bucket(Bucket="blob-home")
    yield srv
    srv.stop()


def _creds(srv: SagelabServer) -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": srv.access_key_id,
        "AWS_SECRET_ACCESS_KEY": srv.secret_access_key,
        "AWS_DEFAULT_REGION": srv.region,
    }


@pytest.fixture
def store(external: SagelabServer, monkeypatch: pytest.MonkeyPatch) -> S3BlobStore:
    for name, value in _creds(external).items():
        monkeypatch.setenv(name, value)
    prefix = f"unit-{uuid.uuid4().hex[:8]}"
    found = open_blobs(f"s3://blob-home/{prefix}?endpoint={external.endpoint_url}")
    assert isinstance(found, S3BlobStore)
    return found


def _keys(external: SagelabServer, prefix: str = "") -> list[str]:
    listed = external.client("s3").list_objects_v2(Bucket="blob-home", Prefix=prefix)
    return [o["Key"] for o in listed.get("Contents", [])]


def test_blobs_round_trip_with_ranges(store: S3BlobStore) -> None:
    small = store.put(BytesReader(b"hello blob"))
    assert (small.size, small.md5_hex) == (10, hashlib.md5(b"hello blob").hexdigest())
    assert b"".join(store.open(small.blob_id)) == b"hello blob"
    assert b"".join(store.open(small.blob_id, 6)) == b"blob"
    assert b"".join(store.open(small.blob_id, 2, 4)) == b"ll"
    assert b"".join(store.open(small.blob_id, 3, 3)) == b""
    assert b"".join(store.open(small.blob_id, 50)) == b""
    assert store.size(small.blob_id) == 10
    big = store.put(BytesReader(BIG))
    assert (big.size, big.md5_hex) == (len(BIG), hashlib.md5(BIG).hexdigest())
    assert b"".join(store.open(big.blob_id)) == BIG
    assert b"".join(store.open(big.blob_id, PART - 5, PART + 5)) == BIG[PART - 5 : PART + 5]
    store.delete(big.blob_id)
    with pytest.raises(ClientError, match=r"\(404\)"):
        store.size(big.blob_id)


def test_sweep_and_reset_stay_under_the_prefix(store: S3BlobStore, external: SagelabServer) -> None:
    s3 = external.client("s3")
    s3.put_object(Bucket="blob-home", Key="someone-else/keep.txt", Body=b"not ours")
    kept, orphan = store.put(BytesReader(b"kept")), store.put(BytesReader(b"orphan"))
    s3.create_multipart_upload(Bucket="blob-home", Key=f"{store.where.prefix}/ab/unfinished")
    assert store.sweep({kept.blob_id}) == 2  # the orphan and the unfinished upload
    assert b"".join(store.open(kept.blob_id)) == b"kept"
    assert orphan.blob_id not in "".join(_keys(external, store.where.prefix))
    store.reset()
    assert _keys(external, store.where.prefix) == []
    assert _keys(external, "someone-else/") == ["someone-else/keep.txt"]


def test_a_failed_upload_leaves_nothing(store: S3BlobStore, external: SagelabServer) -> None:
    class Fails:
        def __init__(self) -> None:
            self.sent = 0

        def read(self, n: int = -1) -> bytes:
            if self.sent > PART:
                raise ValueError("checksum mismatch")
            self.sent += n
            return b"x" * n

    with pytest.raises(ValueError, match="checksum"):
        store.put(Fails())
    uploads = external.client("s3").list_multipart_uploads(
        Bucket="blob-home", Prefix=store.where.prefix
    )
    assert uploads.get("Uploads", []) == [] and _keys(external, store.where.prefix) == []


def test_a_sagelab_on_an_external_store_serves_the_s3_story(
    external: SagelabServer, tmp_path: Path
) -> None:
    prefix = f"served-{uuid.uuid4().hex[:8]}"
    srv = SagelabServer(
        tmp_path / "data",
        extra_args=["--blobs", f"s3://blob-home/{prefix}?endpoint={external.endpoint_url}"],
        extra_env=_creds(external),
    )
    srv.start()
    try:
        _s3_story(srv.client("s3"))
        stored = _keys(external, prefix)
        assert len(stored) == 1  # the big object, stored whole under the prefix
    finally:
        srv.stop()


def _s3_story(s3: Any) -> None:
    s3.create_bucket(Bucket="data")
    s3.put_object(Bucket="data", Key="small.txt", Body=b"0123456789")
    assert s3.get_object(Bucket="data", Key="small.txt")["Body"].read() == b"0123456789"
    ranged = s3.get_object(Bucket="data", Key="small.txt", Range="bytes=2-5")
    assert ranged["Body"].read() == b"2345" and ranged["ContentRange"] == "bytes 2-5/10"
    s3.put_object(Bucket="data", Key="big.bin", Body=BIG)
    got = s3.get_object(Bucket="data", Key="big.bin")["Body"].read()
    assert hashlib.md5(got).hexdigest() == hashlib.md5(BIG).hexdigest()
    tail = s3.get_object(Bucket="data", Key="big.bin", Range=f"bytes={len(BIG) - 100}-")
    assert tail["Body"].read() == BIG[-100:]
    s3.delete_object(Bucket="data", Key="small.txt")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="data")["Contents"]] == ["big.bin"]
