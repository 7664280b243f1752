"""A blob store in an external S3-compatible service: `s3://bucket/prefix?endpoint=…`.

Blobs are objects `<prefix>/<id[:2]>/<id>`. S3 makes an object visible only whole, so the
file store's temp-then-rename dance is S3's own business here; what a crash can leave behind
is an unfinished multipart upload or an object no row names, and `sweep` removes both.
Everything stays under the prefix: `sweep` and `reset` never touch the rest of the bucket.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from sagelab.gateway.http import BodyReader
from sagelab.store.blobs import CHUNK, BlobInfo

# S3's smallest part but the last; blobs up to this size go up in one PutObject.
PART = 8 << 20
_RANGE_NOT_SATISFIABLE = 416


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str
    endpoint: str | None = None
    region: str | None = None
    profile: str | None = None

    @classmethod
    def parse(cls, url: str) -> S3Location:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"blob store {url!r}: expected s3://bucket/prefix?endpoint=…")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return cls(
            bucket=parts.netloc,
            prefix=parts.path.strip("/"),
            endpoint=query.get("endpoint"),
            region=query.get("region"),
            profile=query.get("profile"),
        )


class S3BlobStore:
    def __init__(self, where: S3Location) -> None:
        self.where = where
        session = boto3.Session(profile_name=where.profile, region_name=where.region)
        # Path-style: an endpoint such as http://127.0.0.1:9000 has no per-bucket host names.
        config = Config(s3={"addressing_style": "path"}, retries={"mode": "standard"})
        self.s3: Any = session.client("s3", endpoint_url=where.endpoint, config=config)
        self._base = f"{where.prefix}/" if where.prefix else ""

    def sync(self, blob_ids: Iterable[str]) -> None:
        """Nothing to do: a put returns only once the external store has the object."""

    def put(self, reader: BodyReader, *, durable: bool = True) -> BlobInfo:
        blob_id = uuid.uuid4().hex
        md5 = hashlib.md5(usedforsecurity=False)
        first = _read_part(reader)
        md5.update(first)
        if len(first) < PART:
            self.s3.put_object(Bucket=self.where.bucket, Key=self._key(blob_id), Body=first)
            return BlobInfo(blob_id, len(first), md5.hexdigest())
        size = self._multipart(blob_id, first, reader, md5)
        return BlobInfo(blob_id, size, md5.hexdigest())

    def _multipart(self, blob_id: str, first: bytes, reader: BodyReader, md5: Any) -> int:
        target = {"Bucket": self.where.bucket, "Key": self._key(blob_id)}
        upload_id = self.s3.create_multipart_upload(**target)["UploadId"]
        try:
            parts: list[dict[str, Any]] = []
            size, chunk = 0, first
            while chunk:
                number = len(parts) + 1
                sent = self.s3.upload_part(
                    **target, UploadId=upload_id, PartNumber=number, Body=chunk
                )
                parts.append({"PartNumber": number, "ETag": sent["ETag"]})
                size += len(chunk)
                chunk = _read_part(reader)
                md5.update(chunk)
            self.s3.complete_multipart_upload(
                **target, UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
        except BaseException:
            self.s3.abort_multipart_upload(**target, UploadId=upload_id)
            raise
        return size

    def open(self, blob_id: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Bytes [start, end); the GET is sent now, so the caller sees a missing blob at once."""
        if end is not None and end <= start:
            return iter(())
        last = "" if end is None else str(end - 1)
        try:
            got = self.s3.get_object(
                Bucket=self.where.bucket, Key=self._key(blob_id), Range=f"bytes={start}-{last}"
            )
        except ClientError as exc:
            if _status(exc) == _RANGE_NOT_SATISFIABLE:  # start at or past the end
                return iter(())
            raise
        return _stream(got["Body"])

    def size(self, blob_id: str) -> int:
        head = self.s3.head_object(Bucket=self.where.bucket, Key=self._key(blob_id))
        return int(head["ContentLength"])

    def delete(self, blob_id: str) -> None:
        self.s3.delete_object(Bucket=self.where.bucket, Key=self._key(blob_id))

    def sweep(self, live: Callable[[str], bool] | set[str]) -> int:
        """Start-up only: abort unfinished uploads, delete blobs no row names."""
        is_live = live.__contains__ if isinstance(live, set) else live
        removed = self._abort_uploads()
        for key in self._keys():
            if not is_live(key.rsplit("/", 1)[-1]):
                self.s3.delete_object(Bucket=self.where.bucket, Key=key)
                removed += 1
        return removed

    def reset(self) -> None:
        self.sweep(set())

    def _keys(self) -> Iterator[str]:
        pages = self.s3.get_paginator("list_objects_v2")
        for page in pages.paginate(Bucket=self.where.bucket, Prefix=self._base):
            for entry in page.get("Contents", []):
                yield entry["Key"]

    def _abort_uploads(self) -> int:
        pages = self.s3.get_paginator("list_multipart_uploads")
        aborted = 0
        for page in pages.paginate(Bucket=self.where.bucket, Prefix=self._base):
            for upload in page.get("Uploads", []):
                self.s3.abort_multipart_upload(
                    Bucket=self.where.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                )
                aborted += 1
        return aborted

    def _key(self, blob_id: str) -> str:
        return f"{self._base}{blob_id[:2]}/{blob_id}"


def _read_part(reader: BodyReader) -> bytes:
    """Up to PART bytes: body readers may return less than asked before the end."""
    parts, size = [], 0
    while size < PART:
        chunk = reader.read(min(CHUNK, PART - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)


def _stream(body: Any) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(CHUNK)
    finally:
        body.close()


def _status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
