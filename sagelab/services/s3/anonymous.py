"""Unsigned GET and HEAD of an object anyone may read: what a public-read ACL grants once the
bucket's settings let ACLs count (Object Ownership not BucketOwnerEnforced, Block Public
Access not ignoring public ACLs), as on S3. Every other unsigned request is refused by the
gateway's authentication (403 AccessDenied), as S3 refuses it.

The answer is made before authentication, through the same codec, validation and api methods
as a signed request; the caller acts as the bucket's owner only for that one read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore import xform_name

from sagelab.gateway.codec import codec_for
from sagelab.gateway.context import Principal, RequestContext
from sagelab.gateway.http import HttpRequest, HttpResponse
from sagelab.gateway.models import service_model
from sagelab.gateway.sigv4 import signing_scope
from sagelab.gateway.validate import validate
from sagelab.services.s3 import acls, objects
from sagelab.services.s3.errors import NoSuchBucket
from sagelab.store.metadata import MetadataStore
from sagelab.store.tables import buckets as buckets_table

_READS = ("GetObject", "HeadObject")
ANONYMOUS_ARN = "*"


def is_unsigned(req: HttpRequest) -> bool:
    return req.method in ("GET", "HEAD") and signing_scope(req) is None


def _readable(meta: MetadataStore, bucket: str, key: str, version_id: str | None) -> str | None:
    """The owning account when the version is publicly readable; None otherwise."""
    with meta.connect() as conn:
        row = conn.execute(buckets_table.select().where(buckets_table.c.name == bucket)).first()
        if row is None:
            raise NoSuchBucket(bucket)
        found = objects.find(conn, bucket, key, version_id)
    if found is None or found.delete_marker:
        return None
    canned = objects.from_row(found).spec.acl
    return row.account_id if acls.publicly_readable(dict(row.config or {}), canned) else None


def answer(
    meta: MetadataStore,
    req: HttpRequest,
    ctx: RequestContext,
    call: Callable[..., dict[str, Any]],
) -> HttpResponse | None:
    """The response to an unsigned public read, or None to let authentication refuse it.
    `call(operation_method_name, **kwargs)` invokes the S3 api with `ctx`."""
    codec = codec_for(service_model("s3"))
    op, uri_params = codec.match_operation(req)
    if op.name not in _READS:
        return None
    params = codec.parse(op, req, uri_params)
    validate(op, params, style="s3")
    account = _readable(meta, params["Bucket"], params["Key"], params.get("VersionId"))
    if account is None:
        return None
    ctx.account_id = account
    ctx.service, ctx.operation = "s3", op.name
    ctx.principal = Principal("anonymous", account, ANONYMOUS_ARN, "anonymous", "anonymous")
    kwargs = {xform_name(name): value for name, value in params.items()}
    return codec.serialize(op, call(xform_name(op.name), **kwargs), ctx)
