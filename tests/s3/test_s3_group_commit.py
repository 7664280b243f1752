"""Concurrent small writes share one commit (and one flush of their blobs), and none is
acknowledged before its rows are committed; one failing write fails alone.

The store-level tests hold the committer inside a first write while the others queue behind
it, so they commit in far fewer batches than writes (how few depends on how fast the threads
reach the queue on a loaded machine: the tests ask for sharing, not for one exact batch).
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from botocore.config import Config
from botocore.exceptions import ClientError

from sagelab.store.metadata import MetadataStore
from sagelab.store.tables import buckets

WAITERS = 15


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MetadataStore]:
    meta = MetadataStore.open(f"sqlite:///{tmp_path / 'meta.db'}")
    yield meta
    meta.close()


def _insert(name: str) -> Callable[[sa.Connection], str]:
    def work(conn: sa.Connection) -> str:
        conn.execute(
            sa.insert(buckets).values(name=name, account_id="1", region="r", created_at=0.0)
        )
        return name

    return work


def _names(store: MetadataStore) -> set[str]:
    with store.connect() as conn:
        return set(conn.execute(sa.select(buckets.c.name)).scalars())


def _behind_a_held_write(store: MetadataStore, submit: Callable[[int], Any]) -> list[Any]:
    """Run `submit(i)` for WAITERS threads while the committer is held inside a first write;
    each result, or the exception it raised."""
    entered, release, submitted = threading.Event(), threading.Event(), threading.Semaphore(0)

    def held(conn: sa.Connection) -> None:
        entered.set()
        release.wait(30)

    def one(i: int) -> Any:
        submitted.release()
        try:
            return submit(i)
        except Exception as exc:  # the test inspects it
            return exc

    with ThreadPoolExecutor(WAITERS + 1) as pool:
        first = pool.submit(store.group_commit, held)
        # Alone in its batch: a waiter queued with it would share (and fail) its commit.
        assert entered.wait(30)
        results = [pool.submit(one, i) for i in range(WAITERS)]
        for _ in range(WAITERS):
            submitted.acquire(timeout=30)
        time.sleep(0.5)  # from its submit to the committer's queue: no blocking in between
        release.set()
        first.result()
        return [r.result() for r in results]


def test_concurrent_writes_share_one_commit(store: MetadataStore) -> None:
    commits: list[int] = []
    sa.event.listen(store.engine, "commit", lambda conn: commits.append(1))
    results = _behind_a_held_write(store, lambda i: store.group_commit(_insert(f"b{i}")))
    assert sorted(results) == sorted(f"b{i}" for i in range(WAITERS))
    assert _names(store) == {f"b{i}" for i in range(WAITERS)}
    assert len(commits) <= WAITERS // 2  # the held write's, then the others' shared


def test_a_failing_write_rolls_back_alone(store: MetadataStore) -> None:
    def submit(i: int) -> str:
        work = _insert(f"b{i}")
        if i != 3:
            return store.group_commit(work)

        def fails(conn: sa.Connection) -> str:
            work(conn)  # its row is written, then must be undone
            raise ValueError("refused")

        return store.group_commit(fails)

    results = _behind_a_held_write(store, submit)
    assert isinstance(results[3], ValueError)
    assert [r for i, r in enumerate(results) if i != 3] == [
        f"b{i}" for i in range(WAITERS) if i != 3
    ]
    assert _names(store) == {f"b{i}" for i in range(WAITERS) if i != 3}


def test_blobs_are_flushed_once_per_batch_before_the_commit(store: MetadataStore) -> None:
    flushes: list[tuple[list[str], set[str]]] = []

    def sync(names: list[str]) -> None:
        flushes.append((sorted(names), _names(store)))  # what was committed at flush time

    results = _behind_a_held_write(
        store, lambda i: store.group_commit(_insert(f"b{i}"), sync, [f"blob{i}"])
    )
    assert len(results) == WAITERS
    flushed = [name for names, _ in flushes for name in names]
    assert sorted(flushed) == sorted(f"blob{i}" for i in range(WAITERS))  # each once
    assert len(flushes) <= WAITERS // 2
    for names, committed in flushes:  # nobody's rows committed before their blobs' flush
        assert not {f"b{name.removeprefix('blob')}" for name in names} & committed


def test_a_failed_flush_fails_its_batch_and_commits_nothing(store: MetadataStore) -> None:
    def sync(names: list[str]) -> None:
        raise OSError("disk gone")

    results = _behind_a_held_write(
        store, lambda i: store.group_commit(_insert(f"b{i}"), sync, [f"blob{i}"])
    )
    assert all(isinstance(r, OSError) for r in results)
    assert _names(store) == set()


def test_concurrent_puts_are_each_stored_whole(client: Any) -> None:
    s3 = client("s3", config=Config(max_pool_connections=32))
    bucket = f"group-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    bodies = {f"k{i}": f"body {i}".encode() * (i + 1) for i in range(48)}

    def put(key: str) -> str:
        return str(s3.put_object(Bucket=bucket, Key=key, Body=bodies[key])["ETag"])

    def put_elsewhere(i: int) -> str:
        with pytest.raises(ClientError) as exc:
            s3.put_object(Bucket=f"missing-{uuid.uuid4().hex[:12]}", Key="k", Body=b"x")
        return str(exc.value.response["Error"]["Code"])

    with ThreadPoolExecutor(16) as pool:
        etags = dict(zip(bodies, pool.map(put, bodies), strict=True))
        refused = list(pool.map(put_elsewhere, range(8)))
    assert refused == ["NoSuchBucket"] * 8
    for key, body in bodies.items():
        assert etags[key] == f'"{hashlib.md5(body).hexdigest()}"'
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == body
