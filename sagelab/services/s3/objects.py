"""Objects: metadata rows keyed by (bucket, key, version); bytes in the blob store by id.

Durability: the blob is written (fsynced, renamed) before the row that names it commits, and a
replaced blob is deleted only after the commit; a crash in between leaves an orphan blob that
the start-up sweep removes, never a row without its bytes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select

from sagelab.gateway.http import BodyReader
from sagelab.services.s3 import buckets
from sagelab.services.s3.errors import NoSuchKey, NoSuchVersion
from sagelab.store.tables import objects

if TYPE_CHECKING:
    from sagelab.store.blobs import BlobStore
    from sagelab.store.metadata import MetadataStore

# Objects written while versioning was never enabled all carry this version id.
NULL_VERSION = "null"


@dataclass(frozen=True)
class ObjectSpec:
    """What a writer says about an object besides its bytes."""

    content_type: str = "binary/octet-stream"
    headers: dict[str, Any] = field(default_factory=dict)
    user_metadata: dict[str, str] = field(default_factory=dict)
    checksums: dict[str, str] = field(default_factory=dict)
    storage_class: str = "STANDARD"
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredObject:
    bucket: str
    key: str
    version_id: str
    blob_id: str | None
    size: int
    etag: str
    last_modified: float
    spec: ObjectSpec


@dataclass(frozen=True)
class Upload:
    """A PutObject's bytes; the gateway verifies Content-MD5 and flexible checksums while
    they stream, and `digests` tells the checksums it computed once the body is read."""

    body: BodyReader
    digests: Callable[[], dict[str, str]] = dict


def _from_row(row: Any) -> StoredObject:
    spec = ObjectSpec(
        content_type=row.content_type or "binary/octet-stream",
        headers=dict(row.headers or {}),
        user_metadata=dict(row.user_metadata or {}),
        checksums=dict(row.checksums or {}),
        storage_class=row.storage_class,
        tags=dict(row.tags or {}),
    )
    return StoredObject(
        row.bucket,
        row.key,
        row.version_id,
        row.blob_id,
        row.size,
        row.etag,
        row.last_modified,
        spec,
    )


def put(
    meta: MetadataStore,
    blobs: BlobStore,
    target: tuple[str, str, str | None],
    key: str,
    upload: Upload,
    spec: ObjectSpec,
) -> StoredObject:
    """Store `upload` as `key`; `target` is (bucket, account, expected owner)."""
    bucket, account, expected_owner = target
    with meta.connect() as conn:
        buckets.get(conn, bucket, account, expected_owner)
    info = blobs.put(upload.body)
    try:
        stored = StoredObject(
            bucket,
            key,
            NULL_VERSION,
            info.blob_id,
            info.size,
            f'"{info.md5_hex}"',
            time.time(),
            replace(spec, checksums=upload.digests()),
        )
        with meta.begin() as conn:
            buckets.get(conn, bucket, account, expected_owner)
            replaced = _remove(conn, bucket, key)
            _insert(conn, stored)
    except BaseException:
        blobs.delete(info.blob_id)
        raise
    _discard(blobs, replaced)
    return stored


def _insert(conn: Connection, obj: StoredObject) -> None:
    conn.execute(
        insert(objects).values(
            bucket=obj.bucket,
            key=obj.key,
            version_id=obj.version_id,
            is_latest=True,
            delete_marker=False,
            blob_id=obj.blob_id,
            size=obj.size,
            etag=obj.etag,
            last_modified=obj.last_modified,
            seq=time.time_ns(),
            content_type=obj.spec.content_type,
            headers=obj.spec.headers,
            user_metadata=obj.spec.user_metadata,
            checksums=obj.spec.checksums,
            storage_class=obj.spec.storage_class,
            tags=obj.spec.tags,
        )
    )


def _remove(conn: Connection, bucket: str, key: str) -> list[str]:
    """Delete the key's null-version row; the blob ids to delete once this commits."""
    where = (objects.c.bucket == bucket, objects.c.key == key, objects.c.version_id == NULL_VERSION)
    blob_ids = [b for b in conn.execute(select(objects.c.blob_id).where(*where)).scalars() if b]
    conn.execute(delete(objects).where(*where))
    return blob_ids


def _discard(blobs: BlobStore, blob_ids: list[str]) -> None:
    for blob_id in blob_ids:
        blobs.delete(blob_id)


def head(conn: Connection, bucket: str, key: str, version_id: str | None = None) -> StoredObject:
    query = select(objects).where(objects.c.bucket == bucket, objects.c.key == key)
    if version_id is None:
        query = query.where(objects.c.is_latest.is_(True))
    else:
        query = query.where(objects.c.version_id == version_id)
    row = conn.execute(query).first()
    if row is None or row.delete_marker:
        if version_id is not None:
            raise NoSuchVersion(key, version_id)
        raise NoSuchKey(key)
    return _from_row(row)


def delete_object(
    meta: MetadataStore, blobs: BlobStore, target: tuple[str, str, str | None], key: str
) -> None:
    """Idempotent: deleting a missing key succeeds, as in S3."""
    bucket, account, expected_owner = target
    with meta.begin() as conn:
        buckets.get(conn, bucket, account, expected_owner)
        replaced = _remove(conn, bucket, key)
    _discard(blobs, replaced)


def read(blobs: BlobStore, obj: StoredObject, first: int, last: int) -> Iterator[bytes]:
    """The bytes `first..last` (inclusive) of the object."""
    if obj.blob_id is None or obj.size == 0:
        return iter(())
    return iter(blobs.open(obj.blob_id, first, last + 1))


def live_blob_ids(conn: Connection) -> set[str]:
    return {b for b in conn.execute(select(objects.c.blob_id)).scalars() if b}
