"""FileBlobStore: whole blobs only, ranges, and what a crash leaves behind."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sagelab.gateway.http import BytesReader
from sagelab.store.blobs import CHUNK, FileBlobStore, open_blobs
from sagelab.store.s3_blobs import S3BlobStore

REPO = Path(__file__).resolve().parents[2]
DATA = os.urandom(2 * CHUNK + 12345)


class FailingReader:
    """Gives one chunk, then fails as a checksum check would."""

    def __init__(self) -> None:
        self.calls = 0

    def read(self, n: int = -1) -> bytes:
        self.calls += 1
        if self.calls > 1:
            raise ValueError("checksum mismatch")
        return b"x" * 1000


def _visible_blobs(root: Path) -> list[Path]:
    return [p for p in root.glob("*/*") if p.parent.name != "tmp"]


@pytest.fixture
def blobs(tmp_path: Path) -> FileBlobStore:
    return FileBlobStore(tmp_path / "blobs")


def test_put_then_read_whole_and_ranges(blobs: FileBlobStore) -> None:
    info = blobs.put(BytesReader(DATA))
    assert (info.size, info.md5_hex) == (len(DATA), hashlib.md5(DATA).hexdigest())
    assert blobs.size(info.blob_id) == len(DATA)
    chunks = list(blobs.open(info.blob_id))
    assert b"".join(chunks) == DATA and max(map(len, chunks)) <= CHUNK
    assert b"".join(blobs.open(info.blob_id, 10, 20)) == DATA[10:20]
    assert b"".join(blobs.open(info.blob_id, CHUNK - 1)) == DATA[CHUNK - 1 :]
    assert b"".join(blobs.open(info.blob_id, 5, len(DATA) + 100)) == DATA[5:]
    assert b"".join(blobs.open(info.blob_id, 7, 7)) == b""


def test_ids_are_random_and_files_sharded(blobs: FileBlobStore) -> None:
    first, second = blobs.put(BytesReader(b"same")), blobs.put(BytesReader(b"same"))
    assert first.blob_id != second.blob_id
    assert (blobs.root / first.blob_id[:2] / first.blob_id).read_bytes() == b"same"


def test_an_empty_blob(blobs: FileBlobStore) -> None:
    info = blobs.put(BytesReader(b""))
    assert (info.size, info.md5_hex) == (0, hashlib.md5(b"").hexdigest())
    assert list(blobs.open(info.blob_id)) == []


def test_a_stream_opened_before_delete_still_reads_in_full(blobs: FileBlobStore) -> None:
    info = blobs.put(BytesReader(DATA))
    stream = blobs.open(info.blob_id)
    blobs.delete(info.blob_id)
    assert b"".join(stream) == DATA
    with pytest.raises(FileNotFoundError):
        blobs.open(info.blob_id)
    blobs.delete(info.blob_id)  # deleting what is gone is fine


def test_a_reader_that_fails_leaves_no_file(blobs: FileBlobStore) -> None:
    with pytest.raises(ValueError, match="checksum"):
        blobs.put(FailingReader())
    assert list((blobs.root / "tmp").iterdir()) == [] and _visible_blobs(blobs.root) == []


def test_sweep_removes_orphans_and_temp_files(blobs: FileBlobStore) -> None:
    kept, orphan, other = (blobs.put(BytesReader(b"%d" % i)) for i in range(3))
    (blobs.root / "tmp" / "leftover").write_bytes(b"half")
    assert blobs.sweep({kept.blob_id, other.blob_id}) == 2
    assert blobs.sweep(lambda blob_id: blob_id == kept.blob_id) == 1
    assert [p.name for p in _visible_blobs(blobs.root)] == [kept.blob_id]
    assert list((blobs.root / "tmp").iterdir()) == []
    assert orphan.blob_id not in {p.name for p in blobs.root.rglob("*")}


def test_kill_9_during_put_leaves_nothing_visible(tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    script = f"""
import sys, time
from sagelab.store.blobs import FileBlobStore
class Stalls:
    sent = 0
    def read(self, n=-1):
        self.sent += 1
        if self.sent == 4:
            print("writing", flush=True)
            time.sleep(60)
        return b"y" * 65536
FileBlobStore(__import__("pathlib").Path({str(root)!r})).put(Stalls())
"""
    child = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE)
    assert child.stdout is not None and child.stdout.readline() == b"writing\n"
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert len(list((root / "tmp").iterdir())) == 1
    assert _visible_blobs(root) == []
    assert FileBlobStore(root).sweep(set()) == 1
    assert list((root / "tmp").iterdir()) == []


def test_reset_empties_the_store(blobs: FileBlobStore) -> None:
    info = blobs.put(BytesReader(b"gone"))
    blobs.reset()
    assert list(blobs.root.iterdir()) == [blobs.root / "tmp"]
    with pytest.raises(FileNotFoundError):
        blobs.size(info.blob_id)
    assert blobs.put(BytesReader(b"after")).size == 5


def test_only_blob_ids_name_files(blobs: FileBlobStore) -> None:
    with pytest.raises(ValueError, match="not a blob id"):
        blobs.open("../../etc/passwd")


def test_open_blobs_picks_the_backend_by_url(tmp_path: Path) -> None:
    store = open_blobs(f"file://{tmp_path / 'with space'}")
    assert isinstance(store, FileBlobStore) and store.root == tmp_path / "with space"
    external = open_blobs("s3://bucket/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1")
    assert isinstance(external, S3BlobStore)
    with pytest.raises(ValueError, match="file://"):
        open_blobs("ftp://host/x")


def test_deferred_blobs_are_flushed_by_sync(
    blobs: FileBlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    flushed: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (flushed.append(fd), real_fsync(fd))[1])
    info = blobs.put(BytesReader(DATA), durable=False)
    assert flushed == []
    assert b"".join(blobs.open(info.blob_id)) == DATA
    blobs.sync([info.blob_id])
    assert len(flushed) == 3  # the file, its shard's entry, the root's (a shard may be new)
    flushed.clear()
    blobs.put(BytesReader(DATA))
    assert len(flushed) >= 2
