"""S3 bucket subresources (versioning, tagging, policy, CORS, lifecycle, encryption, location):
the operations of `S3Api` that configure a bucket rather than move objects, and the CORS
hooks the gateway calls around every S3 request."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import unquote

from sagelab.gateway.codec.rest_xml import malformed_xml
from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import AccessDenied, NotImplementedByUs, ServiceError
from sagelab.gateway.http import HttpRequest, HttpResponse
from sagelab.gateway.pipeline import Gateway
from sagelab.services.base import Deps, ServiceApi
from sagelab.services.s3 import (
    acls,
    anonymous,
    bucket_config,
    bucket_policy,
    buckets,
    cors,
    encryption,
    lifecycle,
    post_form,
    post_object,
)
from sagelab.services.s3.bucket_config import Owned
from sagelab.services.s3.bucket_tagging import check_tag_set
from sagelab.services.s3.config_errors import (
    CorsForbidden,
    NoSuchBucketPolicy,
    NoSuchCORSConfiguration,
    NoSuchLifecycleConfiguration,
    NoSuchTagSet,
)
from sagelab.services.s3.errors import NoSuchBucket
from sagelab.services.s3.lifecycle_sweep import DEFAULT_INTERVAL, LifecycleSweep

TAGGING = "tagging"
# What AWS answers for buckets whose lifecycle configuration did not choose.
_TRANSITION_MINIMUM = "all_storage_classes_128K"
_NOT_ALLOWED = (
    "This CORS request is not allowed. This is usually because the evalution of Origin, "
    "request method / Access-Control-Request-Method or Access-Control-Request-Headers are not "
    "whitelisted by the resource's CORS spec."
)


class BucketConfigApi(ServiceApi):
    def __init__(self, deps: Deps) -> None:
        super().__init__(deps)
        # Registered here rather than in startup(): S3Api's own startup() sweeps blobs.
        interval = float(os.environ.get("SAGELAB_LIFECYCLE_INTERVAL", DEFAULT_INTERVAL))
        deps.reconciler.register(LifecycleSweep(deps.meta, deps.blobs, interval))

    # --- the generic Get/Put/Delete of one stored document ---------------------------------

    def _read(self, ctx: RequestContext, where: tuple[str, str | None], section: str) -> Any:
        with self.deps.meta.connect() as conn:
            return bucket_config.read(conn, Owned(where[0], ctx.account_id, where[1]), section)

    def _write(
        self, ctx: RequestContext, where: tuple[str, str | None], section: str, document: Any
    ) -> dict[str, Any]:
        with self.deps.meta.begin() as conn:
            bucket_config.write(conn, Owned(where[0], ctx.account_id, where[1]), section, document)
        return {}

    def _found(
        self,
        ctx: RequestContext,
        where: tuple[str, str | None],
        section: str,
        missing: type[ServiceError],
    ) -> Any:
        document = self._read(ctx, where, section)
        if document is None:
            raise missing(where[0])
        return document

    # --- location and versioning -----------------------------------------------------------

    def get_bucket_location(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            found = buckets.get(conn, bucket, ctx.account_id, expected_bucket_owner)
        # us-east-1 answers an empty <LocationConstraint/>, as it did before regions had names.
        return {"LocationConstraint": "" if found.region == buckets.US_EAST_1 else found.region}

    def put_bucket_versioning(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        versioning_configuration: dict[str, Any],
        content_md5: str | None = None,
        checksum_algorithm: str | None = None,
        mfa: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        if mfa is not None or versioning_configuration.get("MFADelete") == "Enabled":
            raise NotImplementedByUs(
                message="The MFADelete parameter is not implemented by sagelab"
            )
        status = versioning_configuration.get("Status")
        if status is not None:
            with self.deps.meta.begin() as conn:
                owned = Owned(bucket, ctx.account_id, expected_bucket_owner)
                bucket_config.set_versioning(conn, owned, status)
        return {}

    def get_bucket_versioning(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            owned = Owned(bucket, ctx.account_id, expected_bucket_owner)
            return {"Status": bucket_config.versioning(conn, owned)}

    # --- tagging ---------------------------------------------------------------------------

    def put_bucket_tagging(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        tagging: dict[str, Any],
        content_md5: str | None = None,
        checksum_algorithm: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        tags = check_tag_set(tagging.get("TagSet", []))
        return self._write(ctx, (bucket, expected_bucket_owner), TAGGING, tags)

    def get_bucket_tagging(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        tags = self._found(ctx, (bucket, expected_bucket_owner), TAGGING, NoSuchTagSet)
        return {"TagSet": tags}

    def delete_bucket_tagging(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        return self._write(ctx, (bucket, expected_bucket_owner), TAGGING, None)

    # --- policy ----------------------------------------------------------------------------

    def put_bucket_policy(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        policy: str,
        content_md5: str | None = None,
        checksum_algorithm: str | None = None,
        confirm_remove_self_bucket_access: bool | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        text = bucket_policy.check_policy(policy, bucket)
        owned = Owned(bucket, ctx.account_id, expected_bucket_owner)
        with self.deps.meta.begin() as conn:
            config = bucket_config.config_of(conn, bucket)
            if acls.blocks(config, "BlockPublicPolicy") and bucket_policy.is_public(text):
                who = ctx.principal.arn if ctx.principal else ctx.account_id
                raise AccessDenied(
                    message=f"User: {who} is not authorized to perform: s3:PutBucketPolicy on "
                    f'resource: "arn:aws:s3:::{bucket}" because public policies are blocked by '
                    "the BlockPublicPolicy block public access setting."
                )
            bucket_config.write(conn, owned, bucket_policy.SECTION, text)
        return {}

    def get_bucket_policy(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        where = (bucket, expected_bucket_owner)
        return {"Policy": self._found(ctx, where, bucket_policy.SECTION, NoSuchBucketPolicy)}

    def get_bucket_policy_status(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        where = (bucket, expected_bucket_owner)
        text = self._found(ctx, where, bucket_policy.SECTION, NoSuchBucketPolicy)
        return {"PolicyStatus": {"IsPublic": bucket_policy.is_public(text)}}

    def delete_bucket_policy(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        return self._write(ctx, (bucket, expected_bucket_owner), bucket_policy.SECTION, None)

    # --- CORS ------------------------------------------------------------------------------

    def put_bucket_cors(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        cors_configuration: dict[str, Any],
        content_md5: str | None = None,
        checksum_algorithm: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        rules = cors.check_rules(cors_configuration.get("CORSRules", []))
        return self._write(ctx, (bucket, expected_bucket_owner), cors.SECTION, rules)

    def get_bucket_cors(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        where = (bucket, expected_bucket_owner)
        return {"CORSRules": self._found(ctx, where, cors.SECTION, NoSuchCORSConfiguration)}

    def delete_bucket_cors(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        return self._write(ctx, (bucket, expected_bucket_owner), cors.SECTION, None)

    def preflight(
        self, req: HttpRequest, ctx: RequestContext, gateway: Gateway
    ) -> HttpResponse | None:
        """What S3 answers before (and without) SigV4: a browser's `OPTIONS /<bucket>/<key>`,
        from the bucket's CORS rules; an unsigned read of a publicly readable object; a
        browser's form upload, signed in its policy."""
        if anonymous.is_unsigned(req):
            return anonymous.answer(self.deps.meta, req, ctx, gateway)
        if post_form.is_form_upload(req):
            return post_object.answer(req, ctx, gateway)
        bucket = _bucket_of(req)
        if req.method != "OPTIONS" or not bucket:
            return None
        origin = req.header("origin")
        method = req.header("access-control-request-method")
        if not origin:
            raise ServiceError(
                "BadRequest", "Insufficient information. Origin request header needed.", 400
            )
        if not method:
            raise ServiceError(
                "BadRequest", f"Invalid Access-Control-Request-Method: {method}", 400
            )
        with self.deps.meta.connect() as conn:
            rules = bucket_config.config_of(conn, bucket).get(cors.SECTION)
        if rules is None:
            raise CorsForbidden("CORS is not enabled for this bucket.", method)
        request = cors.CorsRequest(
            origin, method, cors.requested_headers(req.header("access-control-request-headers"))
        )
        rule = cors.matching_rule(rules, request)
        if rule is None:
            raise CorsForbidden(_NOT_ALLOWED, method)
        return HttpResponse(200, headers=cors.allow_headers(rule, request))

    def response_headers(self, ctx: RequestContext, req: HttpRequest) -> list[tuple[str, str]]:
        """Access-Control-* on a real request whose `Origin` one of the bucket's rules allows."""
        origin, bucket = req.header("origin"), _bucket_of(req)
        if not origin or not bucket or req.method == "OPTIONS":
            return []
        try:
            with self.deps.meta.connect() as conn:
                rules = bucket_config.config_of(conn, bucket).get(cors.SECTION) or []
        except NoSuchBucket:
            return []
        request = cors.CorsRequest(origin, req.method)
        rule = cors.matching_rule(rules, request)
        return [] if rule is None else cors.allow_headers(rule, request)

    # --- lifecycle -------------------------------------------------------------------------

    def put_bucket_lifecycle_configuration(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        lifecycle_configuration: dict[str, Any] | None = None,
        checksum_algorithm: str | None = None,
        expected_bucket_owner: str | None = None,
        transition_default_minimum_object_size: str | None = None,
    ) -> dict[str, Any]:
        if lifecycle_configuration is None:
            raise malformed_xml()
        rules = lifecycle.check_rules(lifecycle_configuration.get("Rules", []))
        self._write(ctx, (bucket, expected_bucket_owner), lifecycle.SECTION, rules)
        return {"TransitionDefaultMinimumObjectSize": _TRANSITION_MINIMUM}

    def get_bucket_lifecycle_configuration(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        where = (bucket, expected_bucket_owner)
        rules = self._found(ctx, where, lifecycle.SECTION, NoSuchLifecycleConfiguration)
        return {
            "Rules": [lifecycle.wire(r) for r in rules],
            "TransitionDefaultMinimumObjectSize": _TRANSITION_MINIMUM,
        }

    def delete_bucket_lifecycle(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        return self._write(ctx, (bucket, expected_bucket_owner), lifecycle.SECTION, None)

    # --- default encryption ----------------------------------------------------------------

    def put_bucket_encryption(
        self,
        ctx: RequestContext,
        *,
        bucket: str,
        server_side_encryption_configuration: dict[str, Any],
        content_md5: str | None = None,
        checksum_algorithm: str | None = None,
        expected_bucket_owner: str | None = None,
    ) -> dict[str, Any]:
        config = encryption.check_config(server_side_encryption_configuration)
        return self._write(ctx, (bucket, expected_bucket_owner), encryption.SECTION, config)

    def get_bucket_encryption(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        config = self._read(ctx, (bucket, expected_bucket_owner), encryption.SECTION)
        return {"ServerSideEncryptionConfiguration": config or encryption.DEFAULT_CONFIG}

    def delete_bucket_encryption(
        self, ctx: RequestContext, *, bucket: str, expected_bucket_owner: str | None = None
    ) -> dict[str, Any]:
        return self._write(ctx, (bucket, expected_bucket_owner), encryption.SECTION, None)


def _bucket_of(req: HttpRequest) -> str:
    """The bucket of a path-style request (the style every client uses against sagelab)."""
    return unquote(req.raw_path.lstrip("/").split("/", 1)[0])
