"""S3 operations as IAM actions, where they differ from `s3:<Operation>` (IAM Service
Authorization Reference, "Actions defined by Amazon S3"). An operation with a `Key` acts on
the object ARN, others on the bucket ARN; ListBuckets on `*`. The bucket's policy applies."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote

from sagelab import arns
from sagelab.gateway.context import RequestContext
from sagelab.services.iam.access import Check, Denial
from sagelab.services.iam.patterns import ContextValue

DENIAL = Denial("AccessDenied", 403, quote_resource=True)

ACTIONS = {
    "ListObjects": "s3:ListBucket",
    "ListObjectsV2": "s3:ListBucket",
    "HeadBucket": "s3:ListBucket",
    "ListObjectVersions": "s3:ListBucketVersions",
    "ListBuckets": "s3:ListAllMyBuckets",
    "ListMultipartUploads": "s3:ListBucketMultipartUploads",
    "ListParts": "s3:ListMultipartUploadParts",
    "HeadObject": "s3:GetObject",
    "GetObjectAttributes": "s3:GetObjectAttributes",
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
    "DeleteObjects": "s3:DeleteObject",
    "GetBucketCors": "s3:GetBucketCORS",
    "PutBucketCors": "s3:PutBucketCORS",
    "DeleteBucketCors": "s3:PutBucketCORS",
    "GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "PutBucketEncryption": "s3:PutEncryptionConfiguration",
    "DeleteBucketEncryption": "s3:PutEncryptionConfiguration",
    "GetBucketLifecycle": "s3:GetLifecycleConfiguration",
    "GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "PutBucketLifecycle": "s3:PutLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "s3:PutLifecycleConfiguration",
    "DeleteBucketLifecycle": "s3:PutLifecycleConfiguration",
    "DeleteBucketTagging": "s3:PutBucketTagging",
    "DeleteBucketWebsite": "s3:DeleteBucketWebsite",
    "GetBucketNotificationConfiguration": "s3:GetBucketNotification",
    "PutBucketNotificationConfiguration": "s3:PutBucketNotification",
    "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "DeleteBucketOwnershipControls": "s3:PutBucketOwnershipControls",
    "GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "PutObjectLockConfiguration": "s3:PutBucketObjectLockConfiguration",
    "DeleteBucketReplication": "s3:PutReplicationConfiguration",
    "GetBucketReplication": "s3:GetReplicationConfiguration",
    "PutBucketReplication": "s3:PutReplicationConfiguration",
    "DeleteBucketMetricsConfiguration": "s3:PutMetricsConfiguration",
    "GetBucketMetricsConfiguration": "s3:GetMetricsConfiguration",
    "PutBucketMetricsConfiguration": "s3:PutMetricsConfiguration",
    "ListBucketMetricsConfigurations": "s3:GetMetricsConfiguration",
    "SelectObjectContent": "s3:GetObject",
    "UploadPartCopy": "s3:PutObject",
}
# Acting on one version (a VersionId is given) is a separate action.
VERSIONED = {
    "s3:GetObject": "s3:GetObjectVersion",
    "s3:DeleteObject": "s3:DeleteObjectVersion",
    "s3:GetObjectTagging": "s3:GetObjectVersionTagging",
    "s3:PutObjectTagging": "s3:PutObjectVersionTagging",
    "s3:DeleteObjectTagging": "s3:DeleteObjectVersionTagging",
    "s3:GetObjectAcl": "s3:GetObjectVersionAcl",
    "s3:PutObjectAcl": "s3:PutObjectVersionAcl",
    "s3:GetObjectAttributes": "s3:GetObjectVersionAttributes",
}
_LIST_KEYS = {"Prefix": "s3:prefix", "Delimiter": "s3:delimiter", "MaxKeys": "s3:max-keys"}


def action_of(operation: str, version_id: str | None = None) -> str:
    action = ACTIONS.get(operation, f"s3:{operation}")
    return VERSIONED.get(action, action) if version_id else action


def checks(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[Check]:
    bucket = params.get("Bucket")
    if bucket is None:
        return [Check(action_of(operation))]
    if operation == "DeleteObjects":
        return [
            check
            for o in params.get("Delete", {}).get("Objects", [])
            for check in _delete(bucket, o["Key"], o.get("VersionId"), o.get("ETag"))
        ]
    if operation == "DeleteObject":
        return _delete(bucket, params["Key"], params.get("VersionId"), params.get("IfMatch"))
    key = params.get("Key")
    if key is None:
        return [
            Check(
                action_of(operation), arns.s3_bucket(bucket), _list_keys(params), ("bucket", bucket)
            )
        ]
    target = _object(action_of(operation, params.get("VersionId")), bucket, key, _tag_keys(params))
    source = params.get("CopySource")
    return [target] if source is None else [_copy_source(source), target]


def _delete(bucket: str, key: str, version_id: str | None, if_match: str | None) -> list[Check]:
    """A conditional delete can be required by policy (`s3:if-match`); one on an entity tag
    reads the object's, so it needs s3:GetObject as well (as AWS asks)."""
    context: dict[str, ContextValue] = {} if if_match is None else {"s3:if-match": if_match}
    delete = _object(action_of("DeleteObject", version_id), bucket, key, context)
    if if_match is None or if_match.strip() == "*":
        return [delete]
    return [delete, _object(action_of("GetObject", version_id), bucket, key)]


def _object(
    action: str, bucket: str, key: str, context: dict[str, ContextValue] | None = None
) -> Check:
    return Check(action, arns.s3_object(bucket, key), context or {}, ("bucket", bucket))


def _copy_source(source: str) -> Check:
    """`bucket/key[?versionId=v]`, URL-encoded, with or without a leading slash."""
    path, _, query = source.lstrip("/").partition("?")
    bucket, _, key = unquote(path).partition("/")
    version = dict(parse_qsl(query)).get("versionId")
    return _object(action_of("GetObject", version), bucket, key)


def _list_keys(params: dict[str, Any]) -> dict[str, ContextValue]:
    return {name: str(params[member]) for member, name in _LIST_KEYS.items() if member in params}


def _tag_keys(params: dict[str, Any]) -> dict[str, ContextValue]:
    """`s3:RequestObjectTag/<key>` and `s3:RequestObjectTagKeys` from an `x-amz-tagging`."""
    tagging = params.get("Tagging")
    if not isinstance(tagging, str):
        return {}
    tags = parse_qsl(tagging, keep_blank_values=True)
    keys: dict[str, ContextValue] = {f"s3:RequestObjectTag/{k}": v for k, v in tags}
    keys["s3:RequestObjectTagKeys"] = [k for k, _ in tags]
    return keys
