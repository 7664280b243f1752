"""Multipart uploads: parts streamed to blobs of their own, completed into an object whose
bytes stay in those blobs, read in part order (no copy: completing is one transaction).

Durability as for objects: a part's blob is stored before its row commits; parts replaced by
a re-upload, left out of a completion, or abandoned by an abort are deleted after the commit.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select

from sagelab.gateway.checksums import ChecksumReader, new_hasher
from sagelab.gateway.http import PullReader
from sagelab.services.s3 import buckets, object_parts, objects
from sagelab.services.s3.errors import (
    BadDigest,
    EntityTooSmall,
    InvalidPart,
    InvalidPartOrder,
    InvalidRequest,
    MalformedXML,
    NoSuchUpload,
)
from sagelab.services.s3.objects import ObjectSpec, Part, StoredObject, Target
from sagelab.store.tables import s3_parts, s3_uploads

if TYPE_CHECKING:
    from sagelab.store.blobs import BlobStore
    from sagelab.store.metadata import MetadataStore

MIN_PART_SIZE = 5 << 20
COMPOSITE = "COMPOSITE"
FULL_OBJECT = "FULL_OBJECT"
# CRC64NVME has no composite form; the others default to it.
_FULL_OBJECT_ONLY = ("CRC64NVME",)
_CRCS = ("CRC32", "CRC32C", "CRC64NVME")


@dataclass(frozen=True)
class MultipartUpload:
    upload_id: str
    bucket: str
    key: str
    initiated: float
    initiator: str
    spec: ObjectSpec
    checksum_algorithm: str | None
    checksum_type: str | None


@dataclass(frozen=True)
class Claims:
    """What a CompleteMultipartUpload says of the whole object: checked before it commits."""

    checksums: dict[str, str] = field(default_factory=dict)  # {"CRC32": b64, ...}
    checksum_type: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class StoredPart:
    part_number: int
    blob_id: str
    size: int
    etag: str
    last_modified: float
    checksums: dict[str, str]


def upload_from_row(row: Any) -> MultipartUpload:
    spec = ObjectSpec(**row.spec)
    return MultipartUpload(
        row.upload_id,
        row.bucket,
        row.key,
        row.initiated,
        row.initiator,
        spec,
        row.checksum_algorithm,
        row.checksum_type,
    )


def _part_from_row(row: Any) -> StoredPart:
    return StoredPart(
        row.part_number, row.blob_id, row.size, row.etag, row.last_modified, dict(row.checksums)
    )


def checksum_type(algorithm: str | None, requested: str | None) -> str | None:
    if algorithm is None:
        if requested is not None:
            raise InvalidRequest(
                message="The x-amz-checksum-type header can only be used with the "
                "x-amz-checksum-algorithm header."
            )
        return None
    chosen = requested or (FULL_OBJECT if algorithm in _FULL_OBJECT_ONLY else COMPOSITE)
    if chosen == FULL_OBJECT and algorithm not in _CRCS:
        raise InvalidRequest(
            message=f"The {algorithm} algorithm is not supported for FULL_OBJECT checksums."
        )
    if chosen == COMPOSITE and algorithm in _FULL_OBJECT_ONLY:
        raise InvalidRequest(
            message=f"The {algorithm} algorithm is not supported for COMPOSITE checksums."
        )
    return chosen


def new_upload_id() -> str:
    # A leading "-" makes the AWS CLI read `--upload-id -abc` as an option (exit 2),
    # so the id uses "." where base64url would use "-", as AWS's own ids do.
    return secrets.token_urlsafe(48).replace("-", ".")


def create(
    meta: MetadataStore,
    target: Target,
    key: str,
    spec: ObjectSpec,
    checksum: tuple[str | None, str | None],
    initiator: str,
) -> MultipartUpload:
    objects.check_key(key)
    algorithm = checksum[0].upper() if checksum[0] else None
    upload = MultipartUpload(
        new_upload_id(),
        target[0],
        key,
        time.time(),
        initiator,
        spec,
        algorithm,
        checksum_type(algorithm, checksum[1]),
    )
    values = asdict(upload)
    with meta.begin() as conn:
        buckets.get(conn, *target)
        conn.execute(insert(s3_uploads).values(values | {"spec": asdict(spec)}))
    return upload


def find(conn: Connection, target: Target, key: str, upload_id: str) -> MultipartUpload:
    buckets.get(conn, *target)
    row = conn.execute(select(s3_uploads).where(s3_uploads.c.upload_id == upload_id)).first()
    if row is None or row.bucket != target[0] or row.key != key:
        raise NoSuchUpload(upload_id)
    return upload_from_row(row)


def put_part(
    meta: MetadataStore,
    blobs: BlobStore,
    where: tuple[Target, str, str, int],
    upload: objects.Upload,
) -> StoredPart:
    """Store one part (a re-upload of a part number replaces it); `where` is (target, key,
    upload id, part number)."""
    target, key, upload_id, part_number = where
    object_parts.check_number(part_number)
    with meta.connect() as conn:
        find(conn, target, key, upload_id)
    # A part is invisible until CompleteMultipartUpload, which syncs it before the object's
    # row commits: one flush per object rather than one per part keeps uploads disk-fast.
    info = blobs.put(upload.body, durable=False)
    part = StoredPart(
        part_number, info.blob_id, info.size, f'"{info.md5_hex}"', time.time(), upload.digests()
    )
    try:
        with meta.begin() as conn:
            find(conn, target, key, upload_id)
            freed = _remove_parts(conn, upload_id, s3_parts.c.part_number == part_number)
            conn.execute(insert(s3_parts).values(asdict(part) | {"upload_id": upload_id}))
    except BaseException:
        blobs.delete(info.blob_id)
        raise
    objects.discard(blobs, freed)
    return part


def _remove_parts(conn: Connection, upload_id: str, *where: Any) -> list[str]:
    condition = (s3_parts.c.upload_id == upload_id, *where)
    freed = list(conn.execute(select(s3_parts.c.blob_id).where(*condition)).scalars())
    conn.execute(delete(s3_parts).where(*condition))
    return freed


def parts(
    conn: Connection, upload_id: str, after: int = 0, limit: int | None = None
) -> list[StoredPart]:
    query = (
        select(s3_parts)
        .where(s3_parts.c.upload_id == upload_id, s3_parts.c.part_number > after)
        .order_by(s3_parts.c.part_number)
    )
    if limit is not None:
        query = query.limit(limit)
    return [_part_from_row(row) for row in conn.execute(query)]


def abort(meta: MetadataStore, blobs: BlobStore, target: Target, key: str, upload_id: str) -> None:
    with meta.begin() as conn:
        find(conn, target, key, upload_id)
        freed = _forget(conn, upload_id)
    objects.discard(blobs, freed)


def _forget(conn: Connection, upload_id: str) -> list[str]:
    freed = _remove_parts(conn, upload_id)
    conn.execute(delete(s3_uploads).where(s3_uploads.c.upload_id == upload_id))
    return freed


def forget_bucket(conn: Connection, bucket: str) -> list[str]:
    """Drop a deleted bucket's uploads in progress; the blob ids to delete after commit."""
    ids = conn.execute(select(s3_uploads.c.upload_id).where(s3_uploads.c.bucket == bucket))
    return [blob for upload_id in list(ids.scalars()) for blob in _forget(conn, upload_id)]


def complete(
    meta: MetadataStore,
    blobs: BlobStore,
    where: tuple[Target, str, str],
    requested: list[dict[str, Any]],
    claims: Claims,
    guard: Callable[[Connection], None] | None = None,
) -> StoredObject:
    """Assemble the listed parts, in order, into the key's new version; `guard` runs in the
    committing transaction."""
    target, key, upload_id = where
    with meta.connect() as conn:
        try:
            upload = find(conn, target, key, upload_id)
        except NoSuchUpload:
            done = _completed(conn, target, key, upload_id, requested)
            if done is None:
                raise
            return done
        stored = {p.part_number: p for p in parts(conn, upload_id)}
    chosen = _chosen_parts(upload, requested, stored)
    draft = StoredObject(
        target[0],
        key,
        objects.NULL_VERSION,
        None,
        sum(p.size for p in chosen),
        _multipart_etag([p.etag for p in chosen]),
        time.time(),
        upload.spec,
        tuple(Part(p.blob_id, p.size, p.part_number, p.checksums) for p in chosen),
        upload_id=upload_id,
    )
    draft = _with_checksums(blobs, upload, draft, chosen)
    _check_claims(upload, draft, claims)
    kept = {p.blob_id for p in chosen}
    blobs.sync(kept)
    leftovers: list[str] = []

    def finish(conn: Connection) -> None:
        find(conn, target, key, upload_id)  # not completed or aborted meanwhile
        if guard is not None:
            guard(conn)
        leftovers.extend(b for b in _forget(conn, upload_id) if b not in kept)

    stored_object = objects.commit(meta, blobs, target, draft, on_failure=[], also=finish)
    objects.discard(blobs, leftovers)
    return stored_object


def _chosen_parts(
    upload: MultipartUpload, requested: list[dict[str, Any]], stored: dict[int, StoredPart]
) -> list[StoredPart]:
    if not requested:
        raise MalformedXML()
    numbers = [int(p.get("PartNumber", 0)) for p in requested]
    if numbers != sorted(set(numbers)):
        raise InvalidPartOrder(upload.upload_id)
    chosen = []
    for item, number in zip(requested, numbers, strict=True):
        part = stored.get(number)
        if part is None or part.etag.strip('"') != str(item.get("ETag", "")).strip('"'):
            raise InvalidPart(upload.upload_id, number, str(item.get("ETag", "")))
        _check_part_checksum(upload, item, part)
        chosen.append(part)
    for part in chosen[:-1]:
        if part.size < MIN_PART_SIZE:
            raise EntityTooSmall(part.size, MIN_PART_SIZE, part.part_number)
    return chosen


def _check_part_checksum(upload: MultipartUpload, item: dict[str, Any], part: StoredPart) -> None:
    algorithm = upload.checksum_algorithm
    if algorithm is None:
        return
    given = item.get(f"Checksum{algorithm}")
    if given is None and upload.checksum_type == COMPOSITE:
        raise InvalidRequest(
            message=f"The upload was created using a {algorithm.lower()} checksum. The complete "
            "request must include the checksum for each part. It was missing for part "
            f"{part.part_number} in the request."
        )
    if given is not None and given != part.checksums.get(algorithm):
        raise InvalidPart(upload.upload_id, part.part_number, str(item.get("ETag", "")))


def _check_claims(upload: MultipartUpload, draft: StoredObject, claims: Claims) -> None:
    if claims.size is not None and claims.size != draft.size:
        raise InvalidRequest(
            message=f"The provided 'x-amz-mp-object-size' header value {claims.size} "
            f"does not match what was computed: {draft.size}"
        )
    if claims.checksum_type is not None and claims.checksum_type != upload.checksum_type:
        raise InvalidRequest(
            message=f"The upload was created using the {upload.checksum_type or 'null'} "
            "checksum mode. The complete request must use the same checksum mode."
        )
    for algorithm, value in claims.checksums.items():
        if algorithm != upload.checksum_algorithm:
            raise InvalidRequest(
                message="The upload was created using the "
                f"{(upload.checksum_algorithm or 'null').lower()} checksum algorithm. The "
                "complete request must use the same checksum algorithm."
            )
        # A composite value may be sent with or without its `-<parts>` suffix.
        if value.split("-")[0] != draft.spec.checksums[algorithm].split("-")[0]:
            raise BadDigest(algorithm)


def _multipart_etag(etags: list[str]) -> str:
    md5s = b"".join(bytes.fromhex(etag.strip('"')) for etag in etags)
    return f'"{hashlib.md5(md5s).hexdigest()}-{len(etags)}"'


def retried(
    meta: MetadataStore, where: tuple[Target, str, str], requested: list[dict[str, Any]]
) -> StoredObject | None:
    """What a completion answered, when this one repeats it (see `_completed`)."""
    target, key, upload_id = where
    with meta.connect() as conn:
        return _completed(conn, target, key, upload_id, requested)


def _completed(
    conn: Connection, target: Target, key: str, upload_id: str, requested: list[dict[str, Any]]
) -> StoredObject | None:
    """The key's current version when the upload already completed into it with these very
    parts: S3 answers such a retried completion as it answered the first."""
    row = objects.find(conn, target[0], key)
    if row is None or row.delete_marker:
        return None
    current = objects.from_row(row)
    try:
        etag = _multipart_etag([str(p.get("ETag", "")) for p in requested])
    except ValueError:  # not hex: not the parts' entity tags
        return None
    return current if current.upload_id == upload_id and current.etag == etag else None


def _with_checksums(
    blobs: BlobStore, upload: MultipartUpload, draft: StoredObject, chosen: list[StoredPart]
) -> StoredObject:
    """The object's checksum as S3 reports it: of the part checksums (`<b64>-<N>`), or of the
    whole object, computed here by reading the parts back."""
    algorithm = upload.checksum_algorithm
    if algorithm is None:
        return draft
    if upload.checksum_type == COMPOSITE:
        hasher = new_hasher(algorithm)
        for part in chosen:
            hasher.update(base64.b64decode(part.checksums[algorithm]))
        value = f"{base64.b64encode(hasher.digest()).decode()}-{len(chosen)}"
    else:
        chunks = objects.read(blobs, draft, 0, draft.size - 1)
        reader = ChecksumReader(PullReader(lambda: next(chunks, b"")), [algorithm])
        while reader.read(1 << 20):
            pass
        value = reader.digests()[algorithm]
    return replace(draft, spec=replace(draft.spec, checksums={algorithm: value}))
