"""The queries behind `listing.scan`: ordered range reads of the (bucket, key) indexes.

Each returns rows with `.key` and, where a key has several rows, `.within`: the position
among them a cursor resumes after.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, select

from sagelab.services.s3.listing import Cursor, Fetch
from sagelab.store.tables import objects, s3_uploads

_LISTED = (
    objects.c.key,
    objects.c.version_id,
    objects.c.etag,
    objects.c.size,
    objects.c.last_modified,
    objects.c.storage_class,
    objects.c.checksums,
)


def _key_range(column: Any, cursor: Cursor, upper: str | None) -> list[ColumnElement[bool]]:
    where = [column >= cursor.key if cursor.inclusive else column > cursor.key]
    if upper is not None:
        where.append(column < upper)
    return where


def latest(conn: Connection, bucket: str) -> Fetch:
    """Each key's latest version, delete markers left out (ListObjects, ListObjectsV2)."""

    def fetch(cursor: Cursor, upper: str | None, n: int) -> Sequence[Any]:
        query = (
            select(*_LISTED)
            .where(
                objects.c.bucket == bucket,
                objects.c.is_latest == True,  # noqa: E712 (`IS 1` would not use the index)
                *_key_range(objects.c.key, cursor, upper),
                objects.c.delete_marker == False,  # noqa: E712
            )
            .order_by(objects.c.key)
            .limit(n)
        )
        return conn.execute(query).all()

    return fetch


def every_version(conn: Connection, bucket: str) -> Fetch:
    """Every version and delete marker, by key, newest first (ListObjectVersions)."""
    columns = (
        *_LISTED,
        objects.c.is_latest,
        objects.c.delete_marker,
        objects.c.seq.label("within"),
    )

    def ordered(*where: ColumnElement[bool]) -> Select[Any]:
        query = select(*columns).where(objects.c.bucket == bucket, *where)
        return query.order_by(objects.c.key, objects.c.seq.desc())

    def fetch(cursor: Cursor, upper: str | None, n: int) -> Sequence[Any]:
        among = None if cursor.within is None else objects.c.seq < cursor.within
        return _resume(conn, ordered, objects.c.key, among, (cursor, upper, n))

    return fetch


def uploads(conn: Connection, bucket: str) -> Fetch:
    """Multipart uploads in progress, by key, oldest first (ListMultipartUploads)."""

    def ordered(*where: ColumnElement[bool]) -> Select[Any]:
        query = select(s3_uploads, s3_uploads.c.upload_id.label("within"))
        query = query.where(s3_uploads.c.bucket == bucket, *where)
        return query.order_by(s3_uploads.c.key, s3_uploads.c.initiated, s3_uploads.c.upload_id)

    def fetch(cursor: Cursor, upper: str | None, n: int) -> Sequence[Any]:
        among = None
        if cursor.within is not None:
            marker = select(s3_uploads.c.initiated).where(s3_uploads.c.upload_id == cursor.within)
            among = s3_uploads.c.initiated > marker.scalar_subquery()
        return _resume(conn, ordered, s3_uploads.c.key, among, (cursor, upper, n))

    return fetch


def _resume(
    conn: Connection,
    ordered: Callable[..., Select[Any]],
    key: Any,
    among: ColumnElement[bool] | None,
    where: tuple[Cursor, str | None, int],
) -> list[Any]:
    """Rows after the cursor: first the rest of its own key's rows (`among`), then later keys."""
    cursor, upper, n = where
    rows: list[Any] = []
    if among is not None:
        rows = list(conn.execute(ordered(key == cursor.key, among).limit(n)).all())
    if len(rows) < n:
        after = Cursor(cursor.key, inclusive=cursor.inclusive and among is None)
        more = ordered(*_key_range(key, after, upper)).limit(n - len(rows))
        rows.extend(conn.execute(more).all())
    return rows


def version_seq(conn: Connection, bucket: str, key: str, version_id: str) -> int | None:
    query = select(objects.c.seq).where(
        objects.c.bucket == bucket, objects.c.key == key, objects.c.version_id == version_id
    )
    seq: int | None = conn.execute(query).scalar()
    return seq
