"""Walking and deleting many objects with S3's own calls: a folder's keys, every version
of a bucket (Empty), in DeleteObjects batches of S3's maximum size."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sagelab.console.listing import S3_OBJECTS, every_item
from sagelab.console.pagekit import PageContext
from sagelab.gateway.errors import ServiceError

BATCH = 1000  # DeleteObjects' limit


def keys_under(pc: PageContext, bucket: str, prefix: str) -> Iterator[str]:
    listed = every_item(pc, S3_OBJECTS, "ListObjectsV2", "Contents", Bucket=bucket, Prefix=prefix)
    return (str(item["Key"]) for item in listed)


def every_version(pc: PageContext, bucket: str) -> Iterator[dict[str, str]]:
    """Versions and delete markers alike (an unversioned bucket's objects have the `null`
    version), as Empty removes them all."""
    marker: dict[str, Any] = {}
    while True:
        out = pc.call("s3", "ListObjectVersions", Bucket=bucket, **marker)
        for item in (out.get("Versions") or []) + (out.get("DeleteMarkers") or []):
            yield {"Key": item["Key"], "VersionId": item["VersionId"]}
        if not out.get("IsTruncated"):
            return
        marker = {
            "KeyMarker": out.get("NextKeyMarker"),
            "VersionIdMarker": out.get("NextVersionIdMarker"),
        }


def delete_all(pc: PageContext, bucket: str, objects: Iterator[dict[str, str]]) -> int:
    """Deletes in batches; the first refusal (AccessDenied...) is raised as the API's."""
    batch: list[dict[str, str]] = []
    count = 0
    for item in objects:
        batch.append(item)
        if len(batch) == BATCH:
            count += _delete(pc, bucket, batch)
            batch = []
    if batch:
        count += _delete(pc, bucket, batch)
    return count


def _delete(pc: PageContext, bucket: str, batch: list[dict[str, str]]) -> int:
    out = pc.call("s3", "DeleteObjects", Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
    errors = out.get("Errors") or []
    if errors:
        first = errors[0]
        raise ServiceError(
            code=first.get("Code", "InternalError"), message=first.get("Message", "")
        )
    return len(batch)


def is_empty(pc: PageContext, bucket: str) -> bool:
    out = pc.call("s3", "ListObjectVersions", Bucket=bucket, MaxKeys=1)
    return not (out.get("Versions") or out.get("DeleteMarkers"))
