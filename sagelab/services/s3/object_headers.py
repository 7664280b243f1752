"""How an object's stored description becomes GetObject/HeadObject output, and back from PutObject.

Stored headers are keyed by the output members' names (`CacheControl`, `Expires`...), so
describing an object is a copy; `Expires` is kept as epoch seconds, like every stored time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from sagelab.services.s3 import encryption
from sagelab.services.s3 import tagging as tagging_rules
from sagelab.services.s3.objects import ObjectSpec, StoredObject

DEFAULT_CONTENT_TYPE = "binary/octet-stream"
# The transfer coding boto3 uses on https uploads; S3 does not keep it as the object's encoding.
_AWS_CHUNKED = "aws-chunked"


@dataclass(frozen=True)
class Overrides:
    """GetObject's `response-*` parameters, and whether checksums were asked for."""

    cache_control: str | None = None
    content_disposition: str | None = None
    content_encoding: str | None = None
    content_language: str | None = None
    content_type: str | None = None
    expires: datetime | None = None
    checksums: bool = False

    def headers(self) -> dict[str, Any]:
        given = {
            "CacheControl": self.cache_control,
            "ContentDisposition": self.content_disposition,
            "ContentEncoding": self.content_encoding,
            "ContentLanguage": self.content_language,
            "ContentType": self.content_type,
            "Expires": self.expires,
        }
        return {name: value for name, value in given.items() if value is not None}


def checksum_members(checksums: dict[str, str]) -> dict[str, str]:
    """`{"SHA256": v}` as output members: `{"ChecksumSHA256": v}`."""
    return {f"Checksum{alg}": value for alg, value in checksums.items()}


def describe(obj: StoredObject, overrides: Overrides, *, whole: bool) -> dict[str, Any]:
    """The output members shared by GetObject and HeadObject; checksums only for whole reads,
    since botocore would check a full-object checksum against a part."""
    out: dict[str, Any] = {
        "AcceptRanges": "bytes",
        "ETag": obj.etag,
        "LastModified": datetime.fromtimestamp(obj.last_modified, UTC),
        "ContentLength": obj.size,
        "ContentType": obj.spec.content_type,
        "Metadata": dict(obj.spec.user_metadata),
        **encryption.REPORTED,
    }
    for name, value in obj.spec.headers.items():
        out[name] = datetime.fromtimestamp(value, UTC) if name == "Expires" else value
    if obj.spec.storage_class != "STANDARD":
        out["StorageClass"] = obj.spec.storage_class
    if obj.spec.tags:
        out["TagCount"] = len(obj.spec.tags)
    if overrides.checksums and whole and obj.spec.checksums:
        out.update(checksum_members(obj.spec.checksums))
        out["ChecksumType"] = obj.spec.checksum_type
    out.update(overrides.headers())
    return out


def put_spec(
    *,
    content_type: str | None,
    headers: dict[str, Any],
    user_metadata: dict[str, str] | None,
    storage_class: str | None,
    tags: dict[str, str],
    acl: str | None = None,
) -> ObjectSpec:
    kept = {name: value for name, value in headers.items() if value not in (None, "")}
    encoding = _without_aws_chunked(kept.pop("ContentEncoding", None))
    if encoding:
        kept["ContentEncoding"] = encoding
    if isinstance(kept.get("Expires"), datetime):
        kept["Expires"] = kept["Expires"].timestamp()
    return ObjectSpec(
        content_type=content_type or DEFAULT_CONTENT_TYPE,
        headers=kept,
        user_metadata={k.lower(): v for k, v in (user_metadata or {}).items()},
        storage_class=storage_class or "STANDARD",
        tags=tags,
        acl=acl or "private",
    )


def _without_aws_chunked(encoding: str | None) -> str | None:
    if encoding is None:
        return None
    codings = [c.strip() for c in encoding.split(",") if c.strip() != _AWS_CHUNKED]
    return ", ".join(codings) or None


def tags_from_query(tagging: str | None) -> dict[str, str]:
    """PutObject's `x-amz-tagging` header is a URL-encoded query string."""
    return tagging_rules.validate(parse_qsl(tagging or "", keep_blank_values=True))


def spec_from_members(
    *,
    content_type: str | None,
    cache_control: str | None,
    content_disposition: str | None,
    content_encoding: str | None,
    content_language: str | None,
    expires: datetime | None,
    website_redirect_location: str | None,
    metadata: dict[str, str] | None,
    storage_class: str | None,
    tagging: str | None,
    acl: str | None,
) -> ObjectSpec:
    """The stored description of an object from the members PutObject and
    CreateMultipartUpload share."""
    return put_spec(
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
        acl=acl,
    )
