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

from sqlalchemy import (
    ColumnElement,
    Connection,
    Delete,
    Select,
    and_,
    bindparam,
    delete,
    insert,
    select,
    update,
)

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


# Statements built once with bound parameters (`b`ucket, `k`ey, `v`ersion id): SQLAlchemy
# then finds each compiled in its cache without walking a fresh expression per write.
_KEY = and_(objects.c.bucket == bindparam("b"), objects.c.key == bindparam("k"))
_LATEST = and_(_KEY, objects.c.is_latest == True)  # noqa: E712 (an index column)
_DEMOTE = update(objects).where(_LATEST).values(is_latest=False)
_INSERT = insert(objects)
_VERSION = and_(_KEY, objects.c.version_id == bindparam("v"))
_ROW = select(objects).where(_VERSION)
_NULL = and_(_KEY, objects.c.version_id == NULL_VERSION)


@dataclass(frozen=True)
class _Removal:
    """The statements that remove the rows `where` picks, telling their blobs first."""

    blobs: Select[Any]
    rows: Delete

    @classmethod
    def of(cls, where: ColumnElement[bool]) -> _Removal:
        return cls(
            select(objects.c.blob_id, objects.c.parts).where(where), delete(objects).where(where)
        )

    def run(self, conn: Connection, params: dict[str, str]) -> list[str]:
        found = conn.execute(self.blobs, params).all()
        conn.execute(self.rows, params)
        return [blob for row in found for blob in blob_ids(row)]


_REMOVE_NULL = _Removal.of(_NULL)
_REMOVE_VERSION = _Removal.of(_VERSION)
_NEWEST = select(objects.c.version_id).where(_KEY).order_by(objects.c.seq.desc()).limit(1)
_PROMOTE = (
    update(objects)
    .where(_KEY, objects.c.version_id == _NEWEST.scalar_subquery())
    .values(is_latest=True)
)


def add(conn: Connection, state: str | None, values: dict[str, Any]) -> list[str]:
    """Insert `values` (a row naming its own version_id) as the key's latest version; the
    blob ids of the null version it replaced, to delete once this commits."""
    key = {"b": values["bucket"], "k": values["key"]}
    freed = _REMOVE_NULL.run(conn, key) if state != ENABLED else []
    conn.execute(_DEMOTE, key)
    seq = seq_in(values["version_id"]) or _SEQ.next()
    conn.execute(_INSERT, {**values, "is_latest": True, "seq": seq})
    return freed


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
        return _delete_version(conn, {"b": bucket, "k": key, "v": version_id})
    if state is None:
        return Deleted(None, False), _REMOVE_NULL.run(conn, {"b": bucket, "k": key})
    marker = new_version_id(state)
    return Deleted(marker, True), add(conn, state, marker_values(bucket, key, marker))


def _delete_version(conn: Connection, version: dict[str, str]) -> tuple[Deleted, list[str]]:
    row = conn.execute(_ROW, version).first()
    if row is None:
        return Deleted(version["v"], False), []
    freed = _REMOVE_VERSION.run(conn, version)
    if row.is_latest:
        conn.execute(_PROMOTE, {"b": version["b"], "k": version["k"]})
    return Deleted(version["v"], bool(row.delete_marker)), freed
