"""What writing or deleting a key does to its versions, under the bucket's versioning state.

Never enabled and Suspended buckets keep at most one "null" version per key, which a new write
replaces; Enabled buckets add a version each time. Exactly one row per key is `is_latest`:
the one with the highest `seq`.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from sagelab.store.tables import objects

ENABLED = "Enabled"
NULL_VERSION = "null"
_ID_TAG = b"v"


@dataclass(frozen=True)
class Deleted:
    """What a delete did: the version it removed or the marker it added."""

    version_id: str | None
    delete_marker: bool


class _Sequence:
    """Strictly increasing numbers from the clock: versions of one key order by them."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            self._last = max(self._last + 1, time.time_ns())
            return self._last


_SEQ = _Sequence()


def new_version_id(state: str | None) -> str:
    """Called inside the writing transaction, so ids order as their versions commit."""
    return new_id(_SEQ.next()) if state == ENABLED else NULL_VERSION


def new_id(seq: int) -> str:
    """32 URL-safe characters, like S3's version ids, carrying the version's `seq`: a listing
    can resume after a version id marker whose version has since been deleted."""
    raw = _ID_TAG + seq.to_bytes(8, "big") + secrets.token_bytes(15)
    return base64.urlsafe_b64encode(raw).decode("ascii")


def seq_in(version_id: str) -> int | None:
    """The `seq` a version id carries; None for "null" and ids of another form."""
    try:
        raw = base64.urlsafe_b64decode(version_id.encode("ascii"))
    except (binascii.Error, UnicodeError, ValueError):
        return None
    if len(raw) != 24 or raw[:1] != _ID_TAG:
        return None
    return int.from_bytes(raw[1:9], "big")


def blob_ids(row: Any) -> list[str]:
    """Every blob a row's bytes live in: one, or one per multipart part."""
    if row.blob_id:
        return [row.blob_id]
    return [part["blob_id"] for part in row.parts or ()]


def _where(bucket: str, key: str) -> tuple[Any, ...]:
    return objects.c.bucket == bucket, objects.c.key == key


def add(conn: Connection, state: str | None, values: dict[str, Any]) -> list[str]:
    """Insert `values` (a row naming its own version_id) as the key's latest version; the
    blob ids of the null version it replaced, to delete once this commits."""
    where = _where(values["bucket"], values["key"])
    freed = _remove(conn, *where, objects.c.version_id == NULL_VERSION) if state != ENABLED else []
    conn.execute(
        update(objects).where(*where, objects.c.is_latest == True).values(is_latest=False)  # noqa: E712
    )
    seq = seq_in(values["version_id"]) or _SEQ.next()
    conn.execute(insert(objects).values(**values, is_latest=True, seq=seq))
    return freed


def _remove(conn: Connection, *where: Any) -> list[str]:
    rows = conn.execute(select(objects.c.blob_id, objects.c.parts).where(*where)).all()
    conn.execute(delete(objects).where(*where))
    return [blob for row in rows for blob in blob_ids(row)]


def marker_values(bucket: str, key: str, version_id: str) -> dict[str, Any]:
    return {
        "bucket": bucket,
        "key": key,
        "version_id": version_id,
        "delete_marker": True,
        "last_modified": time.time(),
        "headers": {},
        "user_metadata": {},
        "checksums": {},
        "tags": {},
    }


def delete_key(
    conn: Connection, state: str | None, bucket: str, key: str, version_id: str | None
) -> tuple[Deleted, list[str]]:
    """DeleteObject's effect; the blob ids to delete once this commits."""
    if version_id is not None:
        return _delete_version(conn, bucket, key, version_id)
    if state is None:
        freed = _remove(conn, *_where(bucket, key), objects.c.version_id == NULL_VERSION)
        return Deleted(None, False), freed
    marker = new_version_id(state)
    return Deleted(marker, True), add(conn, state, marker_values(bucket, key, marker))


def _delete_version(
    conn: Connection, bucket: str, key: str, version_id: str
) -> tuple[Deleted, list[str]]:
    where = (*_where(bucket, key), objects.c.version_id == version_id)
    row = conn.execute(select(objects).where(*where)).first()
    if row is None:
        return Deleted(version_id, False), []
    freed = _remove(conn, *where)
    if row.is_latest:
        _promote(conn, bucket, key)
    return Deleted(version_id, bool(row.delete_marker)), freed


def _promote(conn: Connection, bucket: str, key: str) -> None:
    """Make the newest remaining version, if any, the latest."""
    newest = (
        select(objects.c.version_id)
        .where(*_where(bucket, key))
        .order_by(objects.c.seq.desc())
        .limit(1)
        .scalar_subquery()
    )
    conn.execute(
        update(objects)
        .where(*_where(bucket, key), objects.c.version_id == newest)
        .values(is_latest=True)
    )
