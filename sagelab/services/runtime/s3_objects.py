"""S3 objects the runtime reads and writes for an account (capture files, async inputs,
outputs and failures): through the S3 domain code, stored exactly as PutObject stores them."""

from __future__ import annotations

from sagelab.container import s3uri
from sagelab.gateway.http import BytesReader
from sagelab.services.base import Deps
from sagelab.services.s3 import buckets, objects


def write(deps: Deps, account: str, uri: str, data: bytes, content_type: str) -> None:
    bucket, key = s3uri.split(uri)
    objects.put(
        deps.meta,
        deps.blobs,
        (bucket, account, None),
        key,
        objects.Upload(BytesReader(data)),
        objects.ObjectSpec(content_type=content_type),
    )


def read(deps: Deps, account: str, uri: str) -> tuple[bytes, str]:
    """The whole object and its content type; S3's own errors (NoSuchBucket, NoSuchKey,
    AccessDenied) otherwise."""
    bucket, key = s3uri.split(uri)
    with deps.meta.connect() as conn:
        buckets.get(conn, bucket, account)
        found = objects.head(conn, bucket, key)
    data = b"".join(objects.read(deps.blobs, found, 0, found.size - 1))
    return data, found.spec.content_type
