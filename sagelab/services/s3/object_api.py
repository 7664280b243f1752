"""S3 object operations: Put, Get, Head, Delete, DeleteObjects, Copy and object tagging.

Parameters absent from a signature are refused with 501 by the gateway; `params.refuse`
covers the ones accepted only for some values.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import ClientError
from sagelab.gateway.http import BodyReader
from sagelab.services.base import ServiceApi
from sagelab.services.s3 import (
    acls,
    buckets,
    copy,
    encryption,
    object_parts,
    objects,
    params,
    ranges,
    write_conditions,
)
from sagelab.services.s3 import tagging as object_tags
from sagelab.services.s3.errors import InvalidRequest, MalformedXML, NotModified
from sagelab.services.s3.object_headers import (
    Overrides,
    checksum_members,
    describe,
    put_spec,
    spec_from_members,
    tags_from_query,
)
from sagelab.services.s3.objects import StoredObject, Target
from sagelab.services.s3.preconditions import Conditions, check
from sagelab.services.s3.write_conditions import WriteConditions

_PARTIAL_CONTENT = 206
_NOT_MODIFIED = 304
MAX_DELETE_KEYS = 1000
_DELETE_CONDITIONS = ("LastModifiedTime", "Size")
_SELF_COPY = (
    "This copy request is illegal because it is trying to copy an object to itself without "
    "changing the object's metadata, storage class, website redirect location or encryption "
    "attributes."
)


def _version_member(bucket: buckets.Bucket, version_id: str) -> dict[str, str]:
    """S3 names versions only in buckets that have had versioning turned on."""
    return {} if bucket.versioning is None else {"VersionId": version_id}


def _target(ctx: RequestContext, bucket: str, expected_owner: str | None) -> Target:
    return bucket, ctx.account_id, expected_owner


class ObjectApi(ServiceApi):
    def _bucket(self, ctx: RequestContext, bucket: str, expected_owner: str | None = None) -> Any:
        with self.deps.meta.connect() as conn:
            return buckets.get(conn, bucket, ctx.account_id, expected_owner)

    def put_object(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        body: BodyReader | bytes | None = None,
        acl: str | None = None,
        cache_control: str | None = None,
        content_disposition: str | None = None,
        content_encoding: str | None = None,
        content_language: str | None = None,
        # Accepted for the gateway, which checks them while the body streams in.
        content_length: int | None = None,
        content_md5: str | None = None,
        content_type: str | None = None,
        checksum_algorithm: str | None = None,
        checksum_crc32: str | None = None,
        checksum_crc32_c: str | None = None,
        checksum_crc64_nvme: str | None = None,
        checksum_sha1: str | None = None,
        checksum_sha256: str | None = None,
        expires: datetime | None = None,
        metadata: dict[str, str] | None = None,
        storage_class: str | None = None,
        website_redirect_location: str | None = None,
        tagging: str | None = None,
        expected_bucket_owner: str | None = None,
        if_match: str | None = None,
        if_none_match: str | None = None,
        server_side_encryption: str | None = None,
    ) -> dict[str, Any]:
        encryption.check_requested(server_side_encryption)
        acls.check_request(self.deps.meta, bucket, acl)
        objects.check_size(content_length)
        spec = spec_from_members(
            content_type=content_type,
            cache_control=cache_control,
            content_disposition=content_disposition,
            content_encoding=content_encoding,
            content_language=content_language,
            expires=expires,
            website_redirect_location=website_redirect_location,
            metadata=metadata,
            storage_class=storage_class,
            tagging=tagging,
            acl=acl,
        )
        target = _target(ctx, bucket, expected_bucket_owner)
        objects.check_key(key)
        recheck = write_conditions.guard(
            self.deps.meta, target, key, WriteConditions(if_match, if_none_match)
        )
        upload = params.upload(body)
        stored = objects.put(self.deps.meta, self.deps.blobs, target, key, upload, spec, recheck)
        out: dict[str, Any] = {"ETag": stored.etag, **checksum_members(stored.spec.checksums)}
        out.update(encryption.REPORTED)
        if stored.spec.checksums:
            out["ChecksumType"] = "FULL_OBJECT"
        if stored.version_id != objects.NULL_VERSION:
            out["VersionId"] = stored.version_id
        return out

    def get_object(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        if_match: str | None = None,
        if_modified_since: datetime | None = None,
        if_none_match: str | None = None,
        if_unmodified_since: datetime | None = None,
        range: str | None = None,
        response_cache_control: str | None = None,
        response_content_disposition: str | None = None,
        response_content_encoding: str | None = None,
        response_content_language: str | None = None,
        response_content_type: str | None = None,
        response_expires: datetime | None = None,
        version_id: str | None = None,
        expected_bucket_owner: str | None = None,
        checksum_mode: str | None = None,
        part_number: int | None = None,
    ) -> dict[str, Any]:
        conditions = Conditions(if_match, if_none_match, if_modified_since, if_unmodified_since)
        try:
            obj, out, (first, last) = self._view(
                ctx,
                (bucket, key, version_id, expected_bucket_owner),
                conditions,
                (range, part_number),
                Overrides(
                    response_cache_control,
                    response_content_disposition,
                    response_content_encoding,
                    response_content_language,
                    response_content_type,
                    response_expires,
                    checksum_mode == "ENABLED",
                ),
            )
        except _Unmodified as unmodified:
            # A 304 carries the validators and no body (an error document would be one).
            return {
                "StatusCode": _NOT_MODIFIED,
                "ETag": unmodified.obj.etag,
                "LastModified": datetime.fromtimestamp(unmodified.obj.last_modified, UTC),
            }
        out["Body"] = objects.body(self.deps.blobs, obj, first, last)
        return out

    def head_object(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        if_match: str | None = None,
        if_modified_since: datetime | None = None,
        if_none_match: str | None = None,
        if_unmodified_since: datetime | None = None,
        range: str | None = None,
        response_cache_control: str | None = None,
        response_content_disposition: str | None = None,
        response_content_encoding: str | None = None,
        response_content_language: str | None = None,
        response_content_type: str | None = None,
        response_expires: datetime | None = None,
        version_id: str | None = None,
        expected_bucket_owner: str | None = None,
        checksum_mode: str | None = None,
        part_number: int | None = None,
    ) -> dict[str, Any]:
        conditions = Conditions(if_match, if_none_match, if_modified_since, if_unmodified_since)
        try:
            _, out, _ = self._view(
                ctx,
                (bucket, key, version_id, expected_bucket_owner),
                conditions,
                (range, part_number),
                Overrides(
                    response_cache_control,
                    response_content_disposition,
                    response_content_encoding,
                    response_content_language,
                    response_content_type,
                    response_expires,
                    checksum_mode == "ENABLED",
                ),
            )
        except _Unmodified as unmodified:
            raise NotModified() from unmodified
        return out

    def _view(
        self,
        ctx: RequestContext,
        where: tuple[str, str, str | None, str | None],
        conditions: Conditions,
        wanted: tuple[str | None, int | None],
        overrides: Overrides,
    ) -> tuple[StoredObject, dict[str, Any], tuple[int, int]]:
        """What GetObject and HeadObject share: the object, its output members, the span
        (`wanted` is the Range header and the part number, at most one of them given)."""
        bucket, key, version_id, expected_owner = where
        range_header, part_number = wanted
        with self.deps.meta.connect() as conn:
            found, obj = objects.head_in(
                conn, (bucket, ctx.account_id, expected_owner), key, version_id
            )
        try:
            check(conditions, obj.etag, obj.last_modified)
        except NotModified as exc:
            raise _Unmodified(obj) from exc
        span = _span(obj, range_header, part_number)
        out = describe(obj, overrides, whole=span is None) | _version_member(found, obj.version_id)
        if part_number is not None and obj.parts:
            out["PartsCount"] = len(obj.parts)
        if part_number is not None and overrides.checksums:
            out.update(object_parts.part_checksums(obj, part_number))
        if span is None:
            return obj, out, (0, obj.size - 1)
        first, last = span
        out["ContentLength"] = last - first + 1
        out["ContentRange"] = ranges.content_range(first, last, obj.size)
        # Not a member of botocore's output shape: a model patch gives it location statusCode.
        out["StatusCode"] = _PARTIAL_CONTENT
        return obj, out, span

    def get_object_attributes(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        object_attributes: list[str],
        version_id: str | None = None,
        max_parts: int | None = None,
        part_number_marker: int | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            found = buckets.get(conn, bucket, ctx.account_id, expected_bucket_owner)
            obj = objects.head(conn, bucket, key, version_id)
        wanted = set(object_attributes)
        attributes: dict[str, Any] = {
            # Unlike GetObject's header, this ETag is bare, without its quotes.
            "ETag": obj.etag.strip('"'),
            "Checksum": checksum_members(obj.spec.checksums)
            | {"ChecksumType": obj.spec.checksum_type}
            if obj.spec.checksums
            else None,
            "ObjectParts": object_parts.page(obj, part_number_marker, max_parts),
            "StorageClass": obj.spec.storage_class,
            "ObjectSize": obj.size,
        }
        out: dict[str, Any] = {k: v for k, v in attributes.items() if k in wanted}
        out["LastModified"] = datetime.fromtimestamp(obj.last_modified, UTC)
        return out | _version_member(found, obj.version_id)

    def delete_object(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        version_id: str | None = None,
        expected_bucket_owner: str | None = None,
        # Object Lock is not built, so no version is under governance retention to bypass.
        bypass_governance_retention: bool | None = None,
        if_match: str | None = None,
    ) -> dict[str, Any]:
        target = _target(ctx, bucket, expected_bucket_owner)
        check = write_conditions.delete_check(target, key, if_match)
        deleted = objects.delete_object(
            self.deps.meta, self.deps.blobs, target, key, version_id, check
        )
        return _deleted_members(deleted)

    def delete_objects(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        delete: dict[str, Any],
        expected_bucket_owner: str | None = None,
        checksum_algorithm: str | None = None,
        bypass_governance_retention: bool | None = None,
    ) -> dict[str, Any]:
        wanted = delete.get("Objects", [])
        if not wanted or len(wanted) > MAX_DELETE_KEYS:
            raise MalformedXML()
        for item in wanted:  # the directory buckets' conditions
            params.refuse(**{f"Object.{m}": item.get(m) for m in _DELETE_CONDITIONS})
        target = _target(ctx, bucket, expected_bucket_owner)
        keys = [(item["Key"], item.get("VersionId")) for item in wanted]
        checks = [write_conditions.delete_check(target, i["Key"], i.get("ETag")) for i in wanted]
        results = objects.delete_objects(self.deps.meta, self.deps.blobs, target, keys, checks)
        done, errors = [], []
        for where, result in zip(keys, results, strict=True):
            if isinstance(result, ClientError):
                errors.append(_delete_error(*where, result))
            else:
                done.append(_deleted_entry(*where, result))
        return {"Deleted": None if delete.get("Quiet") else done, "Errors": errors or None}

    def copy_object(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        copy_source: str,
        acl: str | None = None,
        cache_control: str | None = None,
        checksum_algorithm: str | None = None,
        content_disposition: str | None = None,
        content_encoding: str | None = None,
        content_language: str | None = None,
        content_type: str | None = None,
        copy_source_if_match: str | None = None,
        copy_source_if_modified_since: datetime | None = None,
        copy_source_if_none_match: str | None = None,
        copy_source_if_unmodified_since: datetime | None = None,
        expires: datetime | None = None,
        metadata: dict[str, str] | None = None,
        metadata_directive: str | None = None,
        tagging_directive: str | None = None,
        storage_class: str | None = None,
        website_redirect_location: str | None = None,
        tagging: str | None = None,
        expected_bucket_owner: str | None = None,
        expected_source_bucket_owner: str | None = None,
        server_side_encryption: str | None = None,
    ) -> dict[str, Any]:
        encryption.check_requested(server_side_encryption)
        acls.check_request(self.deps.meta, bucket, acl)
        objects.check_key(key)
        source = copy.parse_source(copy_source)
        src = copy.open_source(
            self.deps.meta,
            ctx.account_id,
            source,
            Conditions(
                copy_source_if_match,
                copy_source_if_none_match,
                copy_source_if_modified_since,
                copy_source_if_unmodified_since,
            ),
        )
        replaced = put_spec(
            content_type=content_type,
            headers={
                "CacheControl": cache_control,
                "ContentDisposition": content_disposition,
                "ContentEncoding": content_encoding,
                "ContentLanguage": content_language,
                "Expires": expires,
                "WebsiteRedirectLocation": website_redirect_location,
            },
            user_metadata=metadata,
            storage_class=storage_class,
            tags=tags_from_query(tagging),
        )
        spec = replace(
            replaced if metadata_directive == "REPLACE" else src.spec,
            storage_class=replaced.storage_class,
            tags=replaced.tags if tagging_directive == "REPLACE" else src.spec.tags,
            acl=acl or "private",  # a copy never inherits its source's ACL
        )
        same_place = (bucket, key) == (source.bucket, source.key)
        if same_place and metadata_directive != "REPLACE" and storage_class is None:
            raise InvalidRequest(message=_SELF_COPY)
        return self._copy(ctx, (bucket, expected_bucket_owner), key, src, spec, checksum_algorithm)

    def _copy(
        self,
        ctx: RequestContext,
        where: tuple[str, str | None],
        key: str,
        src: StoredObject,
        spec: objects.ObjectSpec,
        checksum_algorithm: str | None,
    ) -> dict[str, Any]:
        target = _target(ctx, *where)
        self._bucket(ctx, where[0], where[1])
        algorithms = [checksum_algorithm] if checksum_algorithm else sorted(src.spec.checksums)
        info, digests = copy.copy_bytes(self.deps.blobs, src, (0, src.size - 1), algorithms)
        draft = StoredObject(
            target[0],
            key,
            objects.NULL_VERSION,
            info.blob_id,
            info.size,
            f'"{info.md5_hex}"',
            datetime.now(UTC).timestamp(),
            replace(spec, checksums=digests),
        )
        stored = objects.commit(
            self.deps.meta, self.deps.blobs, target, draft, on_failure=[info.blob_id]
        )
        result = {
            "ETag": stored.etag,
            "LastModified": datetime.fromtimestamp(stored.last_modified, UTC),
            **checksum_members(digests),
        }
        out: dict[str, Any] = {"CopyObjectResult": result, **encryption.REPORTED}
        if src.version_id != objects.NULL_VERSION:
            out["CopySourceVersionId"] = src.version_id
        if stored.version_id != objects.NULL_VERSION:
            out["VersionId"] = stored.version_id
        return out

    def put_object_tagging(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        tagging: dict[str, Any],
        version_id: str | None = None,
        content_md5: str | None = None,
        checksum_algorithm: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        tags = object_tags.from_tag_set(tagging.get("TagSet", []))
        return self._set_tags(ctx, (bucket, key, version_id, expected_bucket_owner), tags)

    def delete_object_tagging(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        version_id: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        return self._set_tags(ctx, (bucket, key, version_id, expected_bucket_owner), {})

    def _set_tags(
        self,
        ctx: RequestContext,
        where: tuple[str, str, str | None, str | None],
        tags: dict[str, str],
    ) -> dict[str, Any]:
        bucket, key, version_id, expected_owner = where
        with self.deps.meta.begin() as conn:
            found = buckets.get(conn, bucket, ctx.account_id, expected_owner)
            version = object_tags.replace_tags(conn, bucket, key, version_id, tags)
        return _version_member(found, version)

    def get_object_tagging(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        version_id: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            found = buckets.get(conn, bucket, ctx.account_id, expected_bucket_owner)
            obj = objects.head(conn, bucket, key, version_id)
        out = {"TagSet": object_tags.to_tag_set(obj.spec.tags)}
        return out | _version_member(found, obj.version_id)


def _span(
    obj: StoredObject, range_header: str | None, part_number: int | None
) -> tuple[int, int] | None:
    """The inclusive span a read asks for, or None for the whole object."""
    if part_number is None:
        return ranges.resolve(range_header, obj.size)
    # An empty object has no byte to name in a Content-Range: S3 answers it whole.
    return object_parts.span(obj, part_number, range_header) if obj.size else None


class _Unmodified(Exception):
    """The conditions call for a 304; GET answers it as a result, HEAD as an error."""

    def __init__(self, obj: StoredObject) -> None:
        super().__init__("not modified")
        self.obj = obj


def _deleted_members(deleted: objects.Deleted) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if deleted.version_id is not None:
        out["VersionId"] = deleted.version_id
    if deleted.delete_marker:
        out["DeleteMarker"] = True
    return out


def _delete_error(key: str, version_id: str | None, error: ClientError) -> dict[str, Any]:
    return {"Key": key, "VersionId": version_id, "Code": error.code, "Message": error.message}


def _deleted_entry(key: str, version_id: str | None, deleted: objects.Deleted) -> dict[str, Any]:
    """A DeleteObjects result names the version asked for, and a marker created or removed."""
    entry: dict[str, Any] = {"Key": key, "VersionId": version_id}
    if deleted.delete_marker:
        entry["DeleteMarker"] = True
        entry["DeleteMarkerVersionId"] = deleted.version_id
    return entry
