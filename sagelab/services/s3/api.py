"""S3 operations (rest-xml): thin mapping between params/output shapes and the domain.

Parameters absent from a signature are refused with 501 by the gateway; `refuse` covers the
ones accepted only for some values.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sagelab.gateway.checksums import ChecksumReader
from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.gateway.http import BodyReader, BytesReader
from sagelab.services.base import ServiceApi
from sagelab.services.s3 import buckets, objects, ranges
from sagelab.services.s3.object_headers import Overrides, describe, put_spec, tags_from_query
from sagelab.services.s3.preconditions import Conditions, check

# Canned ACLs that change nothing on a bucket owned by its writer (ACLs disabled, S3's default).
_HARMLESS_ACLS = (None, "private", "bucket-owner-full-control")
_PARTIAL_CONTENT = 206


def refuse(**params: Any) -> None:
    """501 for the first parameter given whose behaviour sagelab does not build."""
    for name, value in params.items():
        if value is not None:
            raise NotImplementedByUs(message=f"The {name} parameter is not implemented by sagelab")


def _acl(acl: str | None) -> None:
    refuse(ACL=None if acl in _HARMLESS_ACLS else acl)


class S3Api(ServiceApi):
    service_name = "s3"

    def startup(self) -> None:
        """Remove blobs no object row names (left by a crash between write and commit)."""
        with self.deps.meta.connect() as conn:
            live = objects.live_blob_ids(conn)
        self.deps.blobs.sweep(live)

    def list_buckets(
        self,
        ctx: RequestContext,
        *,
        max_buckets: int | None = None,
        continuation_token: str | None = None,
        prefix: str | None = None,
        bucket_region: str | None = None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            page, token = buckets.list_page(
                conn,
                ctx.account_id,
                prefix=prefix,
                region=bucket_region,
                after=continuation_token,
                limit=max_buckets,
            )
        listed = [
            {
                "Name": b.name,
                "CreationDate": datetime.fromtimestamp(b.created_at, UTC),
                "BucketRegion": b.region,
            }
            for b in page
        ]
        out = {"Owner": buckets.owner(ctx.account_id), "Buckets": listed, "Prefix": prefix}
        return out | {"ContinuationToken": token}

    def create_bucket(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        create_bucket_configuration: dict[str, Any] | None = None,
        acl: str | None = None,
        object_ownership: str | None = None,
    ) -> dict[str, Any]:
        _acl(acl)
        config = dict(create_bucket_configuration or {})
        refuse(
            **{
                f"CreateBucketConfiguration.{k}": v
                for k, v in config.items()
                if k != "LocationConstraint"
            }
        )
        region = buckets.target_region(ctx.region, config.get("LocationConstraint"))
        with self.deps.meta.begin() as conn:
            buckets.create(conn, bucket, ctx.account_id, region)
        return {"Location": f"/{bucket}"}

    def head_bucket(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            found = buckets.get(conn, bucket, ctx.account_id, expected_bucket_owner)
        return {"BucketRegion": found.region, "AccessPointAlias": False}

    def delete_bucket(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        with self.deps.meta.begin() as conn:
            buckets.delete_bucket(conn, bucket, ctx.account_id, expected_bucket_owner)
        return {}

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
    ) -> dict[str, Any]:
        _acl(acl)
        # Content-MD5, length and checksum members were verified by the gateway's reader.
        upload = _upload(body)
        spec = put_spec(
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
        target = (bucket, ctx.account_id, expected_bucket_owner)
        stored = objects.put(self.deps.meta, self.deps.blobs, target, key, upload, spec)
        checksums = {f"Checksum{alg}": v for alg, v in stored.spec.checksums.items()}
        if checksums:
            checksums["ChecksumType"] = "FULL_OBJECT"
        return {"ETag": stored.etag, **checksums}

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
    ) -> dict[str, Any]:
        obj, out, (first, last) = self._view(
            ctx,
            (bucket, key, version_id, expected_bucket_owner),
            Conditions(if_match, if_none_match, if_modified_since, if_unmodified_since),
            range,
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
        out["Body"] = objects.read(self.deps.blobs, obj, first, last)
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
    ) -> dict[str, Any]:
        _, out, _ = self._view(
            ctx,
            (bucket, key, version_id, expected_bucket_owner),
            Conditions(if_match, if_none_match, if_modified_since, if_unmodified_since),
            range,
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
        return out

    def _view(
        self,
        ctx: RequestContext,
        where: tuple[str, str, str | None, str | None],
        conditions: Conditions,
        range_header: str | None,
        overrides: Overrides,
    ) -> tuple[objects.StoredObject, dict[str, Any], tuple[int, int]]:
        """What GetObject and HeadObject share: the object, its output members, the span."""
        bucket, key, version_id, expected_owner = where
        with self.deps.meta.connect() as conn:
            buckets.get(conn, bucket, ctx.account_id, expected_owner)
            obj = objects.head(conn, bucket, key, version_id)
        check(conditions, obj.etag, obj.last_modified)
        span = ranges.resolve(range_header, obj.size)
        out = describe(obj, overrides, whole=span is None)
        if span is None:
            return obj, out, (0, obj.size - 1)
        first, last = span
        out["ContentLength"] = last - first + 1
        out["ContentRange"] = ranges.content_range(first, last, obj.size)
        # Not a member of botocore's output shape: a model patch gives it location statusCode.
        out["StatusCode"] = _PARTIAL_CONTENT
        return obj, out, span

    def delete_object(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        version_id: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        refuse(VersionId=None if version_id == objects.NULL_VERSION else version_id)
        target = (bucket, ctx.account_id, expected_bucket_owner)
        objects.delete_object(self.deps.meta, self.deps.blobs, target, key)
        return {}


def _upload(body: BodyReader | bytes | None) -> objects.Upload:
    if isinstance(body, ChecksumReader):
        return objects.Upload(body, body.digests)
    if body is None or isinstance(body, bytes):
        return objects.Upload(BytesReader(body or b""))
    return objects.Upload(body)
