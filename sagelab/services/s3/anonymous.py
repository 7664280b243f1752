"""Unsigned GET and HEAD requests, answered as S3 answers anyone: what the bucket's policy
grants to `"Principal": "*"` (unless Block Public Access restricts a public policy to the
owner's account), and a read of an object whose public-read ACL counts (Object Ownership not
BucketOwnerEnforced, Block Public Access not ignoring public ACLs). Whatever neither grants
is refused with S3's 403 "Access Denied"; new buckets block all public access, as on S3.

The answer is made before authentication, through the same codec and validation as a
signed request. A policy's grant goes through the gateway's own authorization (IAM evaluates
the bucket policy for the anonymous principal) and metering; an ACL's read is made as the
bucket's owner for that one read.
"""

from __future__ import annotations

from typing import Any

from botocore import xform_name

from sagelab.gateway.codec import codec_for
from sagelab.gateway.context import Principal, RequestContext
from sagelab.gateway.http import HttpRequest, HttpResponse
from sagelab.gateway.models import service_model
from sagelab.gateway.pipeline import Gateway
from sagelab.gateway.sigv4 import signing_scope
from sagelab.gateway.validate import validate
from sagelab.services.s3 import acls, bucket_policy, objects
from sagelab.services.s3.errors import NoSuchBucket
from sagelab.store.metadata import MetadataStore
from sagelab.store.tables import buckets as buckets_table

_ACL_READS = ("GetObject", "HeadObject")
ANONYMOUS_ARN = "*"


def is_unsigned(req: HttpRequest) -> bool:
    return req.method in ("GET", "HEAD") and signing_scope(req) is None


def answer(
    meta: MetadataStore, req: HttpRequest, ctx: RequestContext, gateway: Gateway
) -> HttpResponse | None:
    """The response to an unsigned read, or None to let authentication refuse it."""
    codec = codec_for(service_model("s3"))
    op, uri_params = codec.match_operation(req)
    params = codec.parse(op, req, uri_params)
    validate(op, params, style="s3")
    bucket = params.get("Bucket")
    if bucket is None:
        return None
    with meta.connect() as conn:
        row = conn.execute(buckets_table.select().where(buckets_table.c.name == bucket)).first()
        if row is None:
            raise NoSuchBucket(bucket)
        found = (
            objects.find(conn, bucket, params["Key"], params.get("VersionId"))
            if op.name in _ACL_READS
            else None
        )
    config = dict(row.config or {})
    ctx.account_id = row.account_id
    ctx.principal = Principal("anonymous", row.account_id, ANONYMOUS_ARN, "anonymous", "anonymous")
    if _acl_grants_read(config, found):
        ctx.service, ctx.operation = "s3", op.name
        kwargs = {xform_name(name): value for name, value in params.items()}
        api = gateway.apis["s3"]
        return codec.serialize(op, getattr(api, xform_name(op.name))(ctx, **kwargs), ctx)
    if not _policy_may_grant(config):
        return None
    return codec.serialize(op, gateway.invoke(ctx, "s3", op.name, params), ctx)


def _acl_grants_read(config: dict[str, Any], found: Any) -> bool:
    """Whether the version read is one anyone may read by its ACL."""
    if found is None or found.delete_marker:
        return False
    return acls.publicly_readable(config, objects.from_row(found).spec.acl)


def _policy_may_grant(config: dict[str, Any]) -> bool:
    """A bucket policy may grant anyone access unless RestrictPublicBuckets confines a
    public one to the owner's account."""
    text = config.get(bucket_policy.SECTION)
    if text is None:
        return False
    return not (acls.blocks(config, "RestrictPublicBuckets") and bucket_policy.is_public(text))
