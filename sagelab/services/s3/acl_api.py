"""S3 access control subresources: bucket and object ACLs (canned), Object Ownership and
Block Public Access. Explicit grants are refused with 501 (`acls.only_canned`)."""

from __future__ import annotations

from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.services.base import ServiceApi
from sagelab.services.s3 import acls, bucket_config, buckets, objects
from sagelab.services.s3.bucket_config import Owned
from sagelab.services.s3.config_errors import (
    NoSuchPublicAccessBlockConfiguration,
    OwnershipControlsNotFound,
)


class AclApi(ServiceApi):
    def _config(self, ctx: RequestContext, bucket: str, expected_owner: str | None) -> Any:
        with self.deps.meta.connect() as conn:
            buckets.get(conn, bucket, ctx.account_id, expected_owner)
            return bucket_config.config_of(conn, bucket)

    def _set(
        self, ctx: RequestContext, where: tuple[str, str | None], section: str, document: Any
    ) -> dict[str, Any]:
        with self.deps.meta.begin() as conn:
            bucket_config.write(conn, Owned(where[0], ctx.account_id, where[1]), section, document)
        return {}

    # --- bucket ACL ------------------------------------------------------------------------

    def put_bucket_acl(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        acl: str | None = None,
        access_control_policy: dict[str, Any] | None = None,
        content_md5: str | None = None,
        checksum_algorithm: str | None = None,
        grant_full_control: str | None = None,
        grant_read: str | None = None,
        grant_read_acp: str | None = None,
        grant_write: str | None = None,
        grant_write_acp: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        canned = acls.only_canned(
            acl,
            AccessControlPolicy=access_control_policy,
            GrantFullControl=grant_full_control,
            GrantRead=grant_read,
            GrantReadACP=grant_read_acp,
            GrantWrite=grant_write,
            GrantWriteACP=grant_write_acp,
        )
        acls.check_settable(self._config(ctx, bucket, expected_bucket_owner), canned)
        return self._set(ctx, (bucket, expected_bucket_owner), acls.BUCKET_ACL, canned)

    def get_bucket_acl(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        canned = self._config(ctx, bucket, expected_bucket_owner).get(acls.BUCKET_ACL)
        owner = buckets.owner(ctx.account_id)
        return {"Owner": owner, "Grants": acls.grants(canned or acls.PRIVATE, owner)}

    # --- object ACL ------------------------------------------------------------------------

    def put_object_acl(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        acl: str | None = None,
        access_control_policy: dict[str, Any] | None = None,
        content_md5: str | None = None,
        checksum_algorithm: str | None = None,
        grant_full_control: str | None = None,
        grant_read: str | None = None,
        grant_read_acp: str | None = None,
        grant_write: str | None = None,
        grant_write_acp: str | None = None,
        version_id: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        canned = acls.only_canned(
            acl,
            AccessControlPolicy=access_control_policy,
            GrantFullControl=grant_full_control,
            GrantRead=grant_read,
            GrantReadACP=grant_read_acp,
            GrantWrite=grant_write,
            GrantWriteACP=grant_write_acp,
        )
        with self.deps.meta.begin() as conn:
            buckets.get(conn, bucket, ctx.account_id, expected_bucket_owner)
            acls.check_settable(bucket_config.config_of(conn, bucket), canned)
            obj = objects.head(conn, bucket, key, version_id)
            objects.set_acl(conn, obj, canned)
        return {}

    def get_object_acl(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        key: str,
        version_id: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            buckets.get(conn, bucket, ctx.account_id, expected_bucket_owner)
            obj = objects.head(conn, bucket, key, version_id)
        owner = buckets.owner(ctx.account_id)
        return {"Owner": owner, "Grants": acls.grants(obj.spec.acl, owner)}

    # --- Object Ownership ------------------------------------------------------------------

    def put_bucket_ownership_controls(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        ownership_controls: dict[str, Any],
        content_md5: str | None = None,
        checksum_algorithm: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        ownership = acls.check_ownership(ownership_controls)
        return self._set(ctx, (bucket, expected_bucket_owner), acls.OWNERSHIP, ownership)

    def get_bucket_ownership_controls(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        ownership = self._config(ctx, bucket, expected_bucket_owner).get(acls.OWNERSHIP)
        if ownership is None:
            raise OwnershipControlsNotFound(bucket)
        return {"OwnershipControls": {"Rules": [{"ObjectOwnership": ownership}]}}

    def delete_bucket_ownership_controls(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        return self._set(ctx, (bucket, expected_bucket_owner), acls.OWNERSHIP, None)

    # --- Block Public Access ---------------------------------------------------------------

    def put_public_access_block(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        public_access_block_configuration: dict[str, Any],
        content_md5: str | None = None,
        checksum_algorithm: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        given = public_access_block_configuration
        block = {name: bool(given.get(name, False)) for name in acls.BLOCK_ALL}
        return self._set(ctx, (bucket, expected_bucket_owner), acls.PUBLIC_ACCESS_BLOCK, block)

    def get_public_access_block(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        block = self._config(ctx, bucket, expected_bucket_owner).get(acls.PUBLIC_ACCESS_BLOCK)
        if block is None:
            raise NoSuchPublicAccessBlockConfiguration(bucket)
        return {"PublicAccessBlockConfiguration": block}

    def delete_public_access_block(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        return self._set(ctx, (bucket, expected_bucket_owner), acls.PUBLIC_ACCESS_BLOCK, None)
