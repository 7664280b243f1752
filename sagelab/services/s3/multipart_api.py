"""S3 multipart operations: Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts,
ListMultipartUploads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.gateway.http import BodyReader, PullReader
from sagelab.services.base import ServiceApi
from sagelab.services.s3 import (
    acls,
    buckets,
    copy,
    encryption,
    key_index,
    listing,
    multipart,
    objects,
    params,
    write_conditions,
)
from sagelab.services.s3.errors import PreconditionFailed
from sagelab.services.s3.listing import Cursor
from sagelab.services.s3.multipart import MultipartUpload, StoredPart
from sagelab.services.s3.object_headers import checksum_members, spec_from_members
from sagelab.services.s3.objects import Target
from sagelab.services.s3.preconditions import Conditions
from sagelab.services.s3.write_conditions import WriteConditions

DEFAULT_MAX_PARTS = 1000


def _when(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _initiator(upload: MultipartUpload) -> dict[str, str]:
    return {"ID": upload.initiator, "DisplayName": upload.initiator.rpartition("/")[2]}


def _checksum_info(upload: MultipartUpload) -> dict[str, Any]:
    return {"ChecksumAlgorithm": upload.checksum_algorithm, "ChecksumType": upload.checksum_type}


def _part_entry(part: StoredPart) -> dict[str, Any]:
    entry = {
        "PartNumber": part.part_number,
        "LastModified": _when(part.last_modified),
        "ETag": part.etag,
        "Size": part.size,
    }
    return entry | checksum_members(part.checksums)


class MultipartApi(ServiceApi):
    def _target(self, ctx: RequestContext, bucket: str, expected_owner: str | None) -> Target:
        return bucket, ctx.account_id, expected_owner

    def create_multipart_upload(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        acl: str | None = None,
        cache_control: str | None = None,
        content_disposition: str | None = None,
        content_encoding: str | None = None,
        content_language: str | None = None,
        content_type: str | None = None,
        expires: datetime | None = None,
        metadata: dict[str, str] | None = None,
        storage_class: str | None = None,
        website_redirect_location: str | None = None,
        tagging: str | None = None,
        expected_bucket_owner: str | None = None,
        checksum_algorithm: str | None = None,
        checksum_type: str | None = None,
        server_side_encryption: str | None = None,
    ) -> dict[str, Any]:
        encryption.check_requested(server_side_encryption)
        acls.check_request(self.deps.meta, bucket, acl)
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
        initiator = ctx.principal.arn if ctx.principal else ctx.account_id
        upload = multipart.create(
            self.deps.meta,
            self._target(ctx, bucket, expected_bucket_owner),
            key,
            spec,
            (checksum_algorithm, checksum_type),
            initiator,
        )
        out = {"Bucket": bucket, "Key": key, "UploadId": upload.upload_id, **encryption.REPORTED}
        return out | _checksum_info(upload)

    def upload_part(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        part_number: int,
        upload_id: str,
        body: BodyReader | bytes | None = None,
        # Accepted for the gateway, which checks them while the body streams in.
        content_length: int | None = None,
        content_md5: str | None = None,
        checksum_algorithm: str | None = None,
        checksum_crc32: str | None = None,
        checksum_crc32_c: str | None = None,
        checksum_crc64_nvme: str | None = None,
        checksum_sha1: str | None = None,
        checksum_sha256: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        objects.check_size(content_length)
        target = self._target(ctx, bucket, expected_bucket_owner)
        with self.deps.meta.connect() as conn:
            upload = multipart.find(conn, target, key, upload_id)
        body_upload = params.with_checksum(params.upload(body), upload.checksum_algorithm)
        part = multipart.put_part(
            self.deps.meta, self.deps.blobs, (target, key, upload_id, part_number), body_upload
        )
        return {"ETag": part.etag, **encryption.REPORTED} | checksum_members(part.checksums)

    def upload_part_copy(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        copy_source: str,
        part_number: int,
        upload_id: str,
        copy_source_if_match: str | None = None,
        copy_source_if_modified_since: datetime | None = None,
        copy_source_if_none_match: str | None = None,
        copy_source_if_unmodified_since: datetime | None = None,
        copy_source_range: str | None = None,
        expected_bucket_owner: str | None = None,
        expected_source_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        target = self._target(ctx, bucket, expected_bucket_owner)
        with self.deps.meta.connect() as conn:
            upload = multipart.find(conn, target, key, upload_id)
        src = copy.open_source(
            self.deps.meta,
            ctx.account_id,
            copy.parse_source(copy_source),
            Conditions(
                copy_source_if_match,
                copy_source_if_none_match,
                copy_source_if_modified_since,
                copy_source_if_unmodified_since,
            ),
        )
        span = copy.parse_range(copy_source_range, src.size)
        chunks = objects.read(self.deps.blobs, src, *span)
        reader = params.with_checksum(
            objects.Upload(PullReader(lambda: next(chunks, b""))), upload.checksum_algorithm
        )
        part = multipart.put_part(
            self.deps.meta, self.deps.blobs, (target, key, upload_id, part_number), reader
        )
        result = {"ETag": part.etag, "LastModified": _when(part.last_modified)}
        copied = result | checksum_members(part.checksums)
        out: dict[str, Any] = {"CopyPartResult": copied, **encryption.REPORTED}
        if src.version_id != objects.NULL_VERSION:
            out["CopySourceVersionId"] = src.version_id
        return out

    def complete_multipart_upload(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        upload_id: str,
        multipart_upload: dict[str, Any] | None = None,
        checksum_crc32: str | None = None,
        checksum_crc32_c: str | None = None,
        checksum_crc64_nvme: str | None = None,
        checksum_sha1: str | None = None,
        checksum_sha256: str | None = None,
        checksum_type: str | None = None,
        mpu_object_size: int | None = None,
        expected_bucket_owner: str | None = None,
        if_match: str | None = None,
        if_none_match: str | None = None,
    ) -> dict[str, Any]:
        target = self._target(ctx, bucket, expected_bucket_owner)
        requested = (multipart_upload or {}).get("Parts", [])
        where = (target, key, upload_id)
        try:
            recheck = write_conditions.guard(
                self.deps.meta, target, key, WriteConditions(if_match, if_none_match)
            )
        except PreconditionFailed:
            # A retry of a completion that succeeded: its own object now fails the condition.
            done = multipart.retried(self.deps.meta, where, requested)
            if done is None:
                raise
            return _completion(bucket, key, done)
        sent = {
            "CRC32": checksum_crc32,
            "CRC32C": checksum_crc32_c,
            "CRC64NVME": checksum_crc64_nvme,
            "SHA1": checksum_sha1,
            "SHA256": checksum_sha256,
        }
        claims = multipart.Claims(
            {alg: value for alg, value in sent.items() if value is not None},
            checksum_type,
            mpu_object_size,
        )
        stored = multipart.complete(
            self.deps.meta, self.deps.blobs, where, requested, claims, recheck
        )
        return _completion(bucket, key, stored)

    def abort_multipart_upload(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        upload_id: str,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        target = self._target(ctx, bucket, expected_bucket_owner)
        multipart.abort(self.deps.meta, self.deps.blobs, target, key, upload_id)
        return {}

    def list_parts(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        upload_id: str,
        max_parts: int | None = None,
        part_number_marker: int | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        limit = min(DEFAULT_MAX_PARTS if max_parts is None else max_parts, DEFAULT_MAX_PARTS)
        target = self._target(ctx, bucket, expected_bucket_owner)
        with self.deps.meta.connect() as conn:
            upload = multipart.find(conn, target, key, upload_id)
            found = multipart.parts(conn, upload_id, part_number_marker or 0, limit + 1)
        page, truncated = found[:limit], len(found) > limit
        return {
            "Bucket": bucket,
            "Key": key,
            "UploadId": upload_id,
            "PartNumberMarker": part_number_marker or 0,
            "NextPartNumberMarker": page[-1].part_number if page else None,
            "MaxParts": limit,
            "IsTruncated": truncated,
            "Parts": [_part_entry(p) for p in page] or None,
            "Initiator": _initiator(upload),
            "Owner": buckets.owner(ctx.account_id),
            "StorageClass": upload.spec.storage_class,
        } | _checksum_info(upload)

    def list_multipart_uploads(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        delimiter: str | None = None,
        encoding_type: str | None = None,
        key_marker: str | None = None,
        max_uploads: int | None = None,
        prefix: str | None = None,
        upload_id_marker: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        encode, limit = listing.encoder(encoding_type), listing.max_keys(max_uploads)
        start = None if not key_marker else Cursor(key_marker, within=upload_id_marker or None)
        with self.deps.meta.connect() as conn:
            buckets.get(conn, bucket, ctx.account_id, expected_bucket_owner)
            page = listing.scan(
                key_index.uploads(conn, bucket),
                prefix=prefix or "",
                delimiter=delimiter,
                start=start,
                limit=limit,
            )
        owner = buckets.owner(ctx.account_id)
        last = page.last
        uploads = [multipart.upload_from_row(row) for row in page.rows]
        return {
            "Bucket": bucket,
            "KeyMarker": encode(key_marker or ""),
            "UploadIdMarker": upload_id_marker or "",
            "NextKeyMarker": None
            if last is None
            else encode(last if isinstance(last, str) else last.key),
            "NextUploadIdMarker": None if last is None or isinstance(last, str) else last.upload_id,
            "Prefix": encode(prefix or ""),
            "Delimiter": None if delimiter is None else encode(delimiter),
            "MaxUploads": limit,
            "IsTruncated": page.truncated,
            "EncodingType": encoding_type,
            "Uploads": [
                {
                    "UploadId": u.upload_id,
                    "Key": encode(u.key),
                    "Initiated": _when(u.initiated),
                    "StorageClass": u.spec.storage_class,
                    "Owner": owner,
                    "Initiator": _initiator(u),
                }
                | _checksum_info(u)
                for u in uploads
            ]
            or None,
            "CommonPrefixes": [{"Prefix": encode(p)} for p in page.prefixes] or None,
        }


def _completion(bucket: str, key: str, stored: objects.StoredObject) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Location": f"/{bucket}/{key}",
        "Bucket": bucket,
        "Key": key,
        "ETag": stored.etag,
        **checksum_members(stored.spec.checksums),
        **encryption.REPORTED,
    }
    if stored.spec.checksums:
        out["ChecksumType"] = stored.spec.checksum_type
    if stored.version_id != objects.NULL_VERSION:
        out["VersionId"] = stored.version_id
    return out
