"""Objects: metadata rows keyed by (bucket, key, version); bytes in the blob store by id.

Durability: the blob is written (fsynced, renamed) before the row that names it commits, and a
replaced blob is deleted only after the commit; a crash in between leaves an orphan blob that
the start-up sweep removes, never a row without its bytes.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, Select, and_, bindparam, select, update

from sagelab.gateway.errors import ClientError
from sagelab.gateway.http import BodyReader
from sagelab.services.s3 import buckets, versions
from sagelab.services.s3.errors import (
    DeleteMarkerHere,
    EntityTooLarge,
    KeyTooLong,
    NoSuchBucket,
    NoSuchKey,
    NoSuchVersion,
)
from sagelab.services.s3.versions import NULL_VERSION, Deleted
from sagelab.store.tables import buckets as bucket_table
from sagelab.store.tables import objects, s3_parts

if TYPE_CHECKING:
    from sagelab.store.blobs import BlobStore
    from sagelab.store.metadata import MetadataStore

__all__ = ["NULL_VERSION", "Deleted"]

# An object's canned ACL rides in its `headers` column under a name no output member has.
_ACL_FIELD = "x-amz-acl"
# Kept with the version a multipart upload completed into: a retried completion of that
# upload (a client that lost the first answer) is answered as the first one was.
_UPLOAD_FIELD = "upload-id"
MAX_KEY_BYTES = 1024
MAX_PUT_SIZE = 5 << 30
# Blobs up to this size are flushed to disk together with the batch their row commits in.
GROUP_SYNC_MAX = 1 << 20
# Bodies up to this size are read at once and answered whole: a streamed body costs the
# event loop a thread hop per chunk, more than reading this much does.
WHOLE_BODY_MAX = 64 << 10

# (bucket, account, expected bucket owner): where a request writes.
Target = tuple[str, str, str | None]
# A condition on a write, checked in its transaction: raises the ClientError that refuses it.
Check = Callable[[Connection], None]


@dataclass(frozen=True)
class ObjectSpec:
    """What a writer says about an object besides its bytes."""

    content_type: str = "binary/octet-stream"
    headers: dict[str, Any] = field(default_factory=dict)
    user_metadata: dict[str, str] = field(default_factory=dict)
    checksums: dict[str, str] = field(default_factory=dict)
    storage_class: str = "STANDARD"
    tags: dict[str, str] = field(default_factory=dict)
    acl: str = "private"  # a canned ACL's name

    @property
    def checksum_type(self) -> str:
        """Multipart composite checksums read `<b64>-<parts>`; every other is of the whole."""
        composite = any("-" in value for value in self.checksums.values())
        return "COMPOSITE" if composite else "FULL_OBJECT"


@dataclass(frozen=True)
class Part:
    """One stretch of a multipart object's bytes, in its own blob, under the part number it
    was uploaded as (GetObject `partNumber` and GetObjectAttributes name parts by it)."""

    blob_id: str
    size: int
    number: int
    checksums: dict[str, str] = field(default_factory=dict)


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
    parts: tuple[Part, ...] = ()
    delete_marker: bool = False
    upload_id: str | None = None  # the multipart upload it was completed from

    @property
    def blob_ids(self) -> list[str]:
        return [self.blob_id] if self.blob_id else [p.blob_id for p in self.parts]


@dataclass(frozen=True)
class Upload:
    """A PutObject's bytes; the gateway verifies Content-MD5 and flexible checksums while
    they stream, and `digests` tells the checksums it computed once the body is read."""

    body: BodyReader
    digests: Callable[[], dict[str, str]] = dict


def check_key(key: str) -> None:
    size = len(key.encode("utf-8"))
    if size > MAX_KEY_BYTES:
        raise KeyTooLong(size)


def check_size(content_length: int | None, maximum: int = MAX_PUT_SIZE) -> None:
    if content_length is not None and content_length > maximum:
        raise EntityTooLarge(content_length, maximum)


def from_row(row: Any) -> StoredObject:
    headers = dict(row.headers or {})
    acl = headers.pop(_ACL_FIELD, "private")
    upload_id = headers.pop(_UPLOAD_FIELD, None)
    spec = ObjectSpec(
        content_type=row.content_type or "binary/octet-stream",
        headers=headers,
        acl=acl,
        user_metadata=dict(row.user_metadata or {}),
        checksums=dict(row.checksums or {}),
        storage_class=row.storage_class,
        tags=dict(row.tags or {}),
    )
    parts = tuple(
        # Rows written before parts kept their numbers were completed from parts 1..N.
        Part(p["blob_id"], p["size"], p.get("number", i), p.get("checksums", {}))
        for i, p in enumerate(row.parts or (), start=1)
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
        parts,
        bool(row.delete_marker),
        upload_id,
    )


def _values(obj: StoredObject) -> dict[str, Any]:
    return {
        "bucket": obj.bucket,
        "key": obj.key,
        "version_id": obj.version_id,
        "delete_marker": False,
        "blob_id": obj.blob_id,
        "size": obj.size,
        "etag": obj.etag,
        "last_modified": obj.last_modified,
        "content_type": obj.spec.content_type,
        "headers": obj.spec.headers
        | ({} if obj.spec.acl == "private" else {_ACL_FIELD: obj.spec.acl})
        | ({_UPLOAD_FIELD: obj.upload_id} if obj.upload_id else {}),
        "user_metadata": obj.spec.user_metadata,
        "checksums": obj.spec.checksums,
        "storage_class": obj.spec.storage_class,
        "tags": obj.spec.tags,
        "parts": [asdict(p) for p in obj.parts] or None,
    }


def put(
    meta: MetadataStore,
    blobs: BlobStore,
    target: Target,
    key: str,
    upload: Upload,
    spec: ObjectSpec,
    also: Callable[[Connection], None] | None = None,
) -> StoredObject:
    """Store `upload` as `key`; `also` runs in the committing transaction."""
    check_key(key)
    with meta.connect() as conn:
        buckets.get(conn, *target)
    info = blobs.put(upload.body, durable=False)
    draft = StoredObject(
        target[0],
        key,
        NULL_VERSION,
        info.blob_id,
        info.size,
        f'"{info.md5_hex}"',
        time.time(),
        replace(spec, checksums=upload.digests()),
    )
    deferred = [info.blob_id]
    if info.size > GROUP_SYNC_MAX:
        # A big blob's flush would hold up every small write batched with it.
        _durable(blobs, deferred)
        deferred = []
    return commit(meta, blobs, target, draft, on_failure=[info.blob_id], also=also, sync=deferred)


def _durable(blobs: BlobStore, blob_ids: list[str]) -> None:
    try:
        blobs.sync(blob_ids)
    except BaseException:
        discard(blobs, blob_ids)
        raise


def commit(
    meta: MetadataStore,
    blobs: BlobStore,
    target: Target,
    draft: StoredObject,
    *,
    on_failure: list[str],
    also: Callable[[Connection], None] | None = None,
    sync: list[str] | None = None,
) -> StoredObject:
    """Make `draft` (its bytes stored, and durable unless named in `sync`) the key's latest
    version, in one transaction with `also`; `on_failure` names the blobs to delete if it
    does not commit. Concurrent commits share one transaction and one flush of `sync`."""

    def write(conn: Connection) -> tuple[StoredObject, list[str]]:
        bucket = buckets.get(conn, *target)
        if also is not None:
            also(conn)
        stored = replace(draft, version_id=versions.new_version_id(bucket.versioning))
        return stored, versions.add(conn, bucket.versioning, _values(stored))

    try:
        stored, freed = meta.group_commit(write, blobs.sync, sync or ())
    except BaseException:
        discard(blobs, on_failure)
        raise
    discard(blobs, freed)
    return stored


def discard(blobs: BlobStore, blob_ids: list[str]) -> None:
    for blob_id in blob_ids:
        blobs.delete(blob_id)


def _which(latest: bool) -> ColumnElement[bool]:
    """The row of key `k` a read means: the latest, or version `v`."""
    if latest:
        return and_(objects.c.key == bindparam("k"), objects.c.is_latest == True)  # noqa: E712
    return and_(objects.c.key == bindparam("k"), objects.c.version_id == bindparam("v"))


def _reads(latest: bool) -> tuple[Select[Any], Select[Any]]:
    """Statements built once (SQLAlchemy then skips walking them per read): the row in
    bucket `b`, and bucket `b` outer-joined with it."""
    which = _which(latest)
    row = select(objects).where(objects.c.bucket == bindparam("b"), which)
    joined = bucket_table.outerjoin(objects, and_(objects.c.bucket == bucket_table.c.name, which))
    with_bucket = select(*buckets.JOINED, objects).select_from(joined)
    return row, with_bucket.where(bucket_table.c.name == bindparam("b"))


# Indexed by whether the latest version is meant.
_READS = (_reads(False), _reads(True))


def find(conn: Connection, bucket: str, key: str, version_id: str | None = None) -> Any:
    """The row of a version (the latest when `version_id` is None), delete markers included."""
    statement = _READS[version_id is None][0]
    return conn.execute(statement, {"b": bucket, "k": key, "v": version_id}).first()


def head(conn: Connection, bucket: str, key: str, version_id: str | None = None) -> StoredObject:
    """A readable version; missing versions and delete markers answer as S3 does."""
    return _readable(find(conn, bucket, key, version_id), key, version_id)


def head_in(
    conn: Connection, target: Target, key: str, version_id: str | None = None
) -> tuple[buckets.Bucket, StoredObject]:
    """`buckets.get` and `head` in one query: what every GET and HEAD asks first."""
    statement = _READS[version_id is None][1]
    row = conn.execute(statement, {"b": target[0], "k": key, "v": version_id}).first()
    if row is None:
        raise NoSuchBucket(target[0])
    bucket = buckets.checked(buckets.from_joined(row), *target)
    return bucket, _readable(None if row.key is None else row, key, version_id)


def _readable(row: Any, key: str, version_id: str | None) -> StoredObject:
    if row is None:
        if version_id is not None:
            raise NoSuchVersion(key, version_id)
        raise NoSuchKey(key)
    if row.delete_marker:
        raise DeleteMarkerHere(key, row.version_id, by_version=version_id is not None)
    return from_row(row)


def set_acl(conn: Connection, obj: StoredObject, canned: str) -> None:
    """Replace the canned ACL of one version (PutObjectAcl)."""
    acl = replace(obj.spec, acl=canned)
    conn.execute(
        update(objects)
        .where(
            objects.c.bucket == obj.bucket,
            objects.c.key == obj.key,
            objects.c.version_id == obj.version_id,
        )
        .values(headers=_values(replace(obj, spec=acl))["headers"])
    )


def delete_object(
    meta: MetadataStore,
    blobs: BlobStore,
    target: Target,
    key: str,
    version_id: str | None,
    check: Check | None = None,
) -> Deleted:
    [deleted] = delete_objects(meta, blobs, target, [(key, version_id)], [check])
    if isinstance(deleted, ClientError):
        raise deleted
    return deleted


def delete_objects(
    meta: MetadataStore,
    blobs: BlobStore,
    target: Target,
    keys: list[tuple[str, str | None]],
    checks: Sequence[Check | None] = (),
) -> list[Deleted | ClientError]:
    """Delete (key, version id) pairs in one transaction. Idempotent: deleting a missing key
    succeeds, as in S3. A key whose check (its conditional delete's `If-Match`, run in the
    transaction) refuses is left alone and answered by the refusal."""
    done: list[Deleted | ClientError] = []
    freed: list[str] = []
    with meta.begin() as conn:
        bucket = buckets.get(conn, *target)
        for (key, version_id), check in zip(keys, checks or [None] * len(keys), strict=True):
            if check is not None:
                try:
                    check(conn)
                except ClientError as refused:
                    done.append(refused)
                    continue
            deleted, blob_ids = versions.delete_key(
                conn, bucket.versioning, target[0], key, version_id
            )
            done.append(deleted)
            freed.extend(blob_ids)
    discard(blobs, freed)
    return done


def read(blobs: BlobStore, obj: StoredObject, first: int, last: int) -> Iterator[bytes]:
    """The bytes `first..last` (inclusive) of the object.

    Every blob is opened now, so an overwrite or delete while the body streams cannot cut it.
    """
    if obj.size == 0:
        return iter(())
    if obj.blob_id is not None:
        return iter(blobs.open(obj.blob_id, first, last + 1))
    streams = []
    offset = 0
    for part in obj.parts:
        start, stop = max(first, offset), min(last + 1, offset + part.size)
        if start < stop:
            streams.append(blobs.open(part.blob_id, start - offset, stop - offset))
        offset += part.size
    return itertools.chain.from_iterable(streams)


def body(blobs: BlobStore, obj: StoredObject, first: int, last: int) -> bytes | Iterator[bytes]:
    """A response body for bytes `first..last`: whole when small, else streamed."""
    chunks = read(blobs, obj, first, last)
    return b"".join(chunks) if last - first < WHOLE_BODY_MAX else chunks


def live_blob_ids(conn: Connection) -> set[str]:
    rows = conn.execute(select(objects.c.blob_id, objects.c.parts))
    live = {blob for row in rows for blob in versions.blob_ids(row)}
    live.update(conn.execute(select(s3_parts.c.blob_id)).scalars())
    return live
