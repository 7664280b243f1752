"""S3 listing operations: ListObjects, ListObjectsV2, ListObjectVersions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.services.base import ServiceApi
from sagelab.services.s3 import buckets, key_index, listing, versions
from sagelab.services.s3.errors import InvalidArgument
from sagelab.services.s3.listing import Cursor, Fetch, Page

Encode = Callable[[str], str]


def _checksum_members(checksums: dict[str, str] | None) -> dict[str, Any]:
    if not checksums:
        return {}
    composite = any("-" in value for value in checksums.values())
    return {
        "ChecksumAlgorithm": sorted(checksums),
        "ChecksumType": "COMPOSITE" if composite else "FULL_OBJECT",
    }


def _entry(row: Any, encode: Encode, owner: dict[str, str] | None) -> dict[str, Any]:
    entry = {
        "Key": encode(row.key),
        "LastModified": datetime.fromtimestamp(row.last_modified, UTC),
        "ETag": row.etag,
        "Size": row.size,
        "StorageClass": row.storage_class,
        "Owner": owner,
    }
    return entry | _checksum_members(row.checksums)


def _marker(row: Any) -> dict[str, Any]:
    return {
        "Key": row.key,
        "VersionId": row.version_id,
        "IsLatest": bool(row.is_latest),
        "LastModified": datetime.fromtimestamp(row.last_modified, UTC),
    }


def _last_key(page: Page) -> str | None:
    last = page.last
    return None if last is None else last if isinstance(last, str) else last.key


class ListingApi(ServiceApi):
    def _scan(
        self,
        ctx: RequestContext,
        where: tuple[str, str | None],
        fetch: Callable[[Any], Fetch],
        shape: tuple[str | None, str | None, Cursor | None, int],
    ) -> Page:
        bucket, expected_owner = where
        prefix, delimiter, start, limit = shape
        with self.deps.meta.connect() as conn:
            buckets.get(conn, bucket, ctx.account_id, expected_owner)
            return listing.scan(
                fetch(conn), prefix=prefix or "", delimiter=delimiter, start=start, limit=limit
            )

    def list_objects_v2(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        delimiter: str | None = None,
        encoding_type: str | None = None,
        max_keys: int | None = None,
        prefix: str | None = None,
        continuation_token: str | None = None,
        fetch_owner: bool | None = None,
        start_after: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        encode, limit = listing.encoder(encoding_type), listing.max_keys(max_keys)
        position = listing.decode_token(continuation_token) if continuation_token else start_after
        start = None if not position else Cursor(position)
        page = self._scan(
            ctx,
            (bucket, expected_bucket_owner),
            lambda conn: key_index.latest(conn, bucket),
            (prefix, delimiter, start, limit),
        )
        owner = buckets.owner(ctx.account_id) if fetch_owner else None
        last = _last_key(page)
        return {
            "Name": bucket,
            "Prefix": encode(prefix or ""),
            "Delimiter": encode(delimiter) if delimiter else None,  # an empty one is not echoed
            "StartAfter": None if start_after is None else encode(start_after),
            "MaxKeys": limit,
            "EncodingType": encoding_type,
            "IsTruncated": page.truncated,
            "KeyCount": len(page.rows) + len(page.prefixes),
            "ContinuationToken": continuation_token,
            "NextContinuationToken": None if last is None else listing.encode_token(last),
            "Contents": [_entry(row, encode, owner) for row in page.rows] or None,
            "CommonPrefixes": [{"Prefix": encode(p)} for p in page.prefixes] or None,
        }

    def list_objects(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        delimiter: str | None = None,
        encoding_type: str | None = None,
        marker: str | None = None,
        max_keys: int | None = None,
        prefix: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        encode, limit = listing.encoder(encoding_type), listing.max_keys(max_keys)
        page = self._scan(
            ctx,
            (bucket, expected_bucket_owner),
            lambda conn: key_index.latest(conn, bucket),
            (prefix, delimiter, Cursor(marker) if marker else None, limit),
        )
        owner = buckets.owner(ctx.account_id)
        last = _last_key(page)
        return {
            "Name": bucket,
            # Version 1 answers its Prefix as sent, encoding or not: botocore decodes only
            # Delimiter, Marker, NextMarker and the keys of a v1 listing.
            "Prefix": prefix or "",
            "Delimiter": encode(delimiter) if delimiter else None,  # an empty one is not echoed
            "Marker": encode(marker or ""),
            "MaxKeys": limit,
            "EncodingType": encoding_type,
            "IsTruncated": page.truncated,
            # S3 gives NextMarker only with a delimiter; clients otherwise use the last key.
            "NextMarker": None if last is None or not delimiter else encode(last),
            "Contents": [_entry(row, encode, owner) for row in page.rows] or None,
            "CommonPrefixes": [{"Prefix": encode(p)} for p in page.prefixes] or None,
        }

    def list_object_versions(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        delimiter: str | None = None,
        encoding_type: str | None = None,
        key_marker: str | None = None,
        max_keys: int | None = None,
        prefix: str | None = None,
        version_id_marker: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        encode, limit = listing.encoder(encoding_type), listing.max_keys(max_keys)
        start = self._version_cursor(bucket, key_marker, version_id_marker)
        page = self._scan(
            ctx,
            (bucket, expected_bucket_owner),
            lambda conn: key_index.every_version(conn, bucket),
            (prefix, delimiter, start, limit),
        )
        owner = buckets.owner(ctx.account_id)
        versions = [r for r in page.rows if not r.delete_marker]
        markers = [r for r in page.rows if r.delete_marker]
        last = page.last
        return {
            "Name": bucket,
            "Prefix": encode(prefix or ""),
            "Delimiter": encode(delimiter) if delimiter else None,  # an empty one is not echoed
            "KeyMarker": encode(key_marker or ""),
            "VersionIdMarker": version_id_marker or "",
            "MaxKeys": limit,
            "EncodingType": encoding_type,
            "IsTruncated": page.truncated,
            "NextKeyMarker": None if last is None else encode(_last_key(page) or ""),
            "NextVersionIdMarker": None
            if last is None or isinstance(last, str)
            else last.version_id,
            "Versions": [
                _entry(r, encode, owner) | _marker(r) | {"Key": encode(r.key)} for r in versions
            ]
            or None,
            "DeleteMarkers": [_marker(r) | {"Key": encode(r.key), "Owner": owner} for r in markers]
            or None,
            "CommonPrefixes": [{"Prefix": encode(p)} for p in page.prefixes] or None,
        }

    def _version_cursor(
        self, bucket: str, key_marker: str | None, version_id_marker: str | None
    ) -> Cursor | None:
        if version_id_marker and not key_marker:
            raise InvalidArgument(
                "A version-id marker cannot be specified without a key marker.",
                "version-id-marker",
                version_id_marker,
            )
        if not key_marker:
            return None
        if not version_id_marker:
            return Cursor(key_marker)
        with self.deps.meta.connect() as conn:
            seq = key_index.version_seq(conn, bucket, key_marker, version_id_marker)
        if seq is None and version_id_marker == versions.NULL_VERSION:
            # A "null" marker deleted since (a cleanup loop): list the key's versions again.
            return Cursor(key_marker, inclusive=True)
        seq = seq or versions.seq_in(version_id_marker)
        if seq is None:
            raise InvalidArgument(
                "Invalid version id specified", "version-id-marker", version_id_marker
            )
        return Cursor(key_marker, within=seq)
