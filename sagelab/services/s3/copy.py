"""Server-side copies (CopyObject, UploadPartCopy): the source named by `x-amz-copy-source`,
its `x-amz-copy-source-if-*` conditions, and its bytes streamed into a new blob."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote

from sagelab.gateway.checksums import ChecksumReader
from sagelab.gateway.http import PullReader
from sagelab.services.s3 import buckets, objects
from sagelab.services.s3.errors import InvalidArgument, NotModified, PreconditionFailed
from sagelab.services.s3.objects import StoredObject
from sagelab.services.s3.preconditions import Conditions, check

if TYPE_CHECKING:
    from sagelab.store.blobs import BlobInfo, BlobStore
    from sagelab.store.metadata import MetadataStore

_COPY_SOURCE_HEADER = "x-amz-copy-source-"


@dataclass(frozen=True)
class Source:
    bucket: str
    key: str
    version_id: str | None


def parse_source(text: str) -> Source:
    """`bucket/key[?versionId=…]`, URL-encoded, with or without a leading slash."""
    path, _, query = text.partition("?")
    bucket, _, key = unquote(path).lstrip("/").partition("/")
    version_id = None
    if query.startswith("versionId="):
        version_id = unquote(query.removeprefix("versionId="))
    if not bucket or not key:
        raise InvalidArgument("Invalid copy source object key", "x-amz-copy-source", text)
    return Source(bucket, key, version_id)


def open_source(
    meta: MetadataStore, account: str, source: Source, conditions: Conditions
) -> StoredObject:
    """The source version, once its conditions hold (every failure is a 412 for a copy)."""
    with meta.connect() as conn:
        buckets.get(conn, source.bucket, account)
        obj = objects.head(conn, source.bucket, source.key, source.version_id)
    try:
        check(conditions, obj.etag, obj.last_modified)
    except PreconditionFailed as err:
        raise PreconditionFailed(_COPY_SOURCE_HEADER + err.fields["Condition"]) from err
    except NotModified as err:
        failed = "If-None-Match" if conditions.if_none_match else "If-Modified-Since"
        raise PreconditionFailed(_COPY_SOURCE_HEADER + failed) from err
    return obj


def copy_bytes(
    blobs: BlobStore, obj: StoredObject, span: tuple[int, int], algorithms: list[str]
) -> tuple[BlobInfo, dict[str, str]]:
    """Bytes `span` (inclusive) of `obj` into a new blob; its digests by `algorithms`."""
    chunks = objects.read(blobs, obj, *span)
    reader = ChecksumReader(PullReader(lambda: next(chunks, b"")), algorithms)
    return blobs.put(reader), reader.digests()


def parse_range(header: str | None, size: int) -> tuple[int, int]:
    """UploadPartCopy's `bytes=first-last`, which must lie inside the source."""
    if header is None:
        return 0, size - 1
    first, sep, last = header.removeprefix("bytes=").partition("-")
    if not (header.startswith("bytes=") and sep and first.isdigit() and last.isdigit()):
        raise InvalidArgument(
            "The x-amz-copy-source-range value must be of the form bytes=first-last where "
            "first and last are the zero-based offsets of the first and last bytes to copy",
            "x-amz-copy-source-range",
            header,
        )
    if int(first) > int(last) or int(last) >= size:
        raise InvalidArgument(
            f"Range specified is not valid for source object of size: {size}",
            "x-amz-copy-source-range",
            header,
        )
    return int(first), int(last)
