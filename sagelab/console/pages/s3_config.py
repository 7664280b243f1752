"""S3 console, a bucket's Properties (versioning, tags, default encryption: read-only)
and Permissions (the bucket policy: view, edit, delete)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from sagelab import arns
from sagelab.console.pagekit import Crumb, PageContext, page
from sagelab.console.pages.s3 import bucket_url, crumbs
from sagelab.gateway.errors import ServiceError

# What each Get* answers when the configuration was never set: the console shows "none".
_UNSET = {"NoSuchTagSet", "NoSuchBucketPolicy"}


def _optional(fetch: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return fetch()
    except ServiceError as err:
        if err.code in _UNSET:
            return {}
        raise


def _encryption(out: dict[str, Any]) -> str:
    rules = (out.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
    default = rules[0].get("ApplyServerSideEncryptionByDefault", {}) if rules else {}
    algorithm = default.get("SSEAlgorithm")
    names = {"AES256": "Server-side encryption with Amazon S3 managed keys (SSE-S3)"}
    return names.get(algorithm, algorithm) if algorithm else "Disabled"


@page("/s3/buckets/{bucket}/properties")
def properties(pc: PageContext) -> Response:
    bucket = pc.path_param("bucket")
    location = pc.call("s3", "GetBucketLocation", Bucket=bucket).get("LocationConstraint")
    versioning = pc.call("s3", "GetBucketVersioning", Bucket=bucket)
    tags = _optional(lambda: pc.call("s3", "GetBucketTagging", Bucket=bucket))
    encryption = pc.call("s3", "GetBucketEncryption", Bucket=bucket)  # SSE-S3 unless set
    return pc.render(
        "s3/properties.html",
        title=f"{bucket} - Properties",
        crumbs=crumbs(bucket, Crumb("Properties")),
        bucket=bucket,
        tab="properties",
        bucket_region=location or "us-east-1",
        arn=arns.s3_bucket(bucket),
        versioning=versioning.get("Status") or "Disabled",
        tags=tags.get("TagSet") or [],
        encryption=_encryption(encryption),
    )


def _policy(pc: PageContext, bucket: str) -> str:
    return str(
        _optional(lambda: pc.call("s3", "GetBucketPolicy", Bucket=bucket)).get("Policy") or ""
    )


@page("/s3/buckets/{bucket}/permissions")
def permissions(pc: PageContext) -> Response:
    bucket = pc.path_param("bucket")
    return pc.render(
        "s3/permissions.html",
        title=f"{bucket} - Permissions",
        crumbs=crumbs(bucket, Crumb("Permissions")),
        bucket=bucket,
        tab="permissions",
        arn=arns.s3_bucket(bucket),
        policy=_policy(pc, bucket),
    )


def _policy_form(pc: PageContext, text: str, error: ServiceError | None = None) -> Response:
    bucket = pc.path_param("bucket")
    return pc.render(
        "s3/edit_policy.html",
        title="Edit bucket policy",
        crumbs=crumbs(
            bucket,
            Crumb("Permissions", bucket_url(bucket, "/permissions")),
            Crumb("Edit bucket policy"),
        ),
        bucket=bucket,
        arn=arns.s3_bucket(bucket),
        policy=text,
        error=error,
        status=400 if error else 200,
    )


@page("/s3/buckets/{bucket}/policy")
def edit_policy(pc: PageContext) -> Response:
    return _policy_form(pc, _policy(pc, pc.path_param("bucket")))


@page("/s3/buckets/{bucket}/policy", methods=("POST",))
def edit_policy_submit(pc: PageContext) -> Response:
    bucket, text = pc.path_param("bucket"), pc.field("policy")
    try:
        pc.call("s3", "PutBucketPolicy", Bucket=bucket, Policy=text)
    except ServiceError as err:
        return _policy_form(pc, text, err)
    return pc.redirect(
        bucket_url(bucket, "/permissions"), flash="Successfully edited bucket policy."
    )


@page("/s3/buckets/{bucket}/policy/delete", methods=("POST",))
def delete_policy(pc: PageContext) -> Response:
    bucket = pc.path_param("bucket")
    pc.call("s3", "DeleteBucketPolicy", Bucket=bucket)
    return pc.redirect(
        bucket_url(bucket, "/permissions"), flash="Successfully deleted bucket policy."
    )


ROUTES = [properties, permissions, edit_policy, edit_policy_submit, delete_policy]
