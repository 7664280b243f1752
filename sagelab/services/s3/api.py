"""S3 operations (rest-xml): thin mapping between params/output shapes and the domain.

`S3Api` gathers the operations by family: buckets here, bucket subresources, objects,
listings and multipart uploads in their own modules. Parameters absent from a signature are
refused with 501 by the gateway; `params.refuse` covers the ones accepted only for some values.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.services.s3 import acls, buckets, multipart, objects
from sagelab.services.s3.acl_api import AclApi
from sagelab.services.s3.bucket_config_api import BucketConfigApi
from sagelab.services.s3.errors import (
    AccessControlListNotSupported,
    InvalidBucketAclWithObjectOwnership,
)
from sagelab.services.s3.listing_api import ListingApi
from sagelab.services.s3.multipart_api import MultipartApi
from sagelab.services.s3.object_api import ObjectApi
from sagelab.services.s3.params import refuse


class S3Api(BucketConfigApi, AclApi, ObjectApi, ListingApi, MultipartApi):
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
        config = dict(create_bucket_configuration or {})
        refuse(
            **{
                f"CreateBucketConfiguration.{k}": v
                for k, v in config.items()
                if k != "LocationConstraint"
            }
        )
        region = buckets.target_region(ctx.region, config.get("LocationConstraint"))
        settings = _first_settings(acl, object_ownership)
        with self.deps.meta.begin() as conn:
            buckets.create(conn, bucket, ctx.account_id, region, settings)
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
            freed = multipart.forget_bucket(conn, bucket)
        objects.discard(self.deps.blobs, freed)
        return {}


def _first_settings(acl: str | None, object_ownership: str | None) -> dict[str, Any]:
    """A new bucket's ownership, public access block and ACL documents."""
    settings = acls.default_config()
    if object_ownership is not None:
        settings[acls.OWNERSHIP] = object_ownership
    try:
        acls.check_settable(settings, acl)
    except AccessControlListNotSupported as refused:
        raise InvalidBucketAclWithObjectOwnership() from refused
    if acl not in (None, acls.PRIVATE):
        settings[acls.BUCKET_ACL] = acl
    return settings
