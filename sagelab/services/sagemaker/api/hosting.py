"""Hosting operations: models, endpoint configs and endpoints (the reconciler runs them)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.base import Deps, ServiceApi
from sagelab.services.iam.passrole import check_pass_role
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.errors import SageMakerValidation
from sagelab.services.sagemaker.hosting import (
    CONFIG,
    ENDPOINT,
    MODEL,
    configs,
    endpoints,
    models,
    records,
    scope,
)
from sagelab.services.sagemaker.hosting.reconcile import HostingReconciler
from sagelab.services.sagemaker.training import validation


def _query(
    after: datetime | None,
    before: datetime | None,
    name_contains: str | None,
    sort_by: str | None,
    sort_order: str | None,
    **extra: Any,
) -> resources.ListQuery:
    return resources.ListQuery(
        created_after=after,
        created_before=before,
        name_contains=name_contains,
        sort_by=sort_by or "CreationTime",
        descending=(sort_order or "Descending") == "Descending",
        **extra,
    )


class HostingApi(ServiceApi):
    def __init__(self, deps: Deps) -> None:
        super().__init__(deps)
        deps.reconciler.register(HostingReconciler(deps))

    def _list(
        self,
        ctx: RequestContext,
        kind: str,
        member: str,
        query: resources.ListQuery,
        token: str | None,
        limit: int | None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            page, nxt = resources.list_page(
                conn, scope(kind, ctx.account_id, ctx.region), query, token, limit or 10
            )
        return {member: [records.summary(kind, r) for r in page], "NextToken": nxt}

    def _find(self, ctx: RequestContext, kind: str, name: str, arn: str) -> resources.Resource:
        with self.deps.meta.connect() as conn:
            return records.require(conn, scope(kind, ctx.account_id, ctx.region), name, arn)

    def _delete(self, ctx: RequestContext, kind: str, name: str, arn: str) -> dict[str, Any]:
        """DeleteModel/DeleteEndpointConfig: the row goes; nothing runs for either."""
        where = scope(kind, ctx.account_id, ctx.region)
        with self.deps.meta.begin() as conn:
            records.require(conn, where, name, arn)
            records.remove(conn, where, name)
        return {}

    # ---- models ----------------------------------------------------------------------

    def create_model(
        self,
        ctx: RequestContext,
        *,
        model_name: str,
        execution_role_arn: str | None = None,
        primary_container: dict[str, Any] | None = None,
        containers: list[dict[str, Any]] | None = None,
        tags: list[dict[str, str]] | None = None,
        vpc_config: dict[str, Any] | None = None,
        inference_execution_config: dict[str, Any] | None = None,
        enable_network_isolation: bool | None = None,
    ) -> dict[str, Any]:
        if vpc_config or (inference_execution_config or {}).get("Mode") == "Direct":
            raise NotImplementedByUs(
                message="VpcConfig and direct invocation of pipeline containers are not "
                "implemented by sagelab yet"
            )
        if not execution_role_arn:
            raise SageMakerValidation(message="ExecutionRoleArn must be specified.")
        request = {
            "ModelName": model_name,
            "ExecutionRoleArn": execution_role_arn,
            "PrimaryContainer": primary_container,
            "Containers": containers,
            "EnableNetworkIsolation": enable_network_isolation,
        }
        doc = models.new_document(request, ctx.account_id, ctx.region)
        validation.check_role(execution_role_arn, ctx.account_id)
        check_pass_role(self.deps, ctx, execution_role_arn)
        with self.deps.meta.begin() as conn:
            records.insert_new(conn, scope(MODEL, ctx.account_id, ctx.region), doc, tags=tags or [])
        return {"ModelArn": doc["ModelArn"]}

    def describe_model(self, ctx: RequestContext, *, model_name: str) -> dict[str, Any]:
        arn = models.arn(ctx.account_id, ctx.region, model_name)
        return self._find(ctx, MODEL, model_name, arn).doc

    def delete_model(self, ctx: RequestContext, *, model_name: str) -> dict[str, Any]:
        arn = models.arn(ctx.account_id, ctx.region, model_name)
        return self._delete(ctx, MODEL, model_name, arn)

    def list_models(
        self,
        ctx: RequestContext,
        *,
        sort_by: str | None = None,
        sort_order: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
        name_contains: str | None = None,
        creation_time_before: datetime | None = None,
        creation_time_after: datetime | None = None,
    ) -> dict[str, Any]:
        query = _query(
            creation_time_after, creation_time_before, name_contains, sort_by, sort_order
        )
        return self._list(ctx, MODEL, "Models", query, next_token, max_results)

    # ---- endpoint configs ------------------------------------------------------------

    def create_endpoint_config(
        self,
        ctx: RequestContext,
        *,
        endpoint_config_name: str,
        production_variants: list[dict[str, Any]],
        data_capture_config: dict[str, Any] | None = None,
        tags: list[dict[str, str]] | None = None,
        kms_key_id: str | None = None,
        async_inference_config: dict[str, Any] | None = None,
        shadow_production_variants: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        request = {
            "EndpointConfigName": endpoint_config_name,
            "ProductionVariants": production_variants,
            "DataCaptureConfig": data_capture_config,
            "KmsKeyId": kms_key_id,
            "AsyncInferenceConfig": async_inference_config,
            "ShadowProductionVariants": shadow_production_variants,
        }
        with self.deps.meta.begin() as conn:
            doc = configs.new_document(conn, request, ctx.account_id, ctx.region)
            records.insert_new(
                conn, scope(CONFIG, ctx.account_id, ctx.region), doc, tags=tags or []
            )
        return {"EndpointConfigArn": doc["EndpointConfigArn"]}

    def describe_endpoint_config(
        self, ctx: RequestContext, *, endpoint_config_name: str
    ) -> dict[str, Any]:
        arn = configs.arn(ctx.account_id, ctx.region, endpoint_config_name)
        return self._find(ctx, CONFIG, endpoint_config_name, arn).doc

    def delete_endpoint_config(
        self, ctx: RequestContext, *, endpoint_config_name: str
    ) -> dict[str, Any]:
        arn = configs.arn(ctx.account_id, ctx.region, endpoint_config_name)
        return self._delete(ctx, CONFIG, endpoint_config_name, arn)

    def list_endpoint_configs(
        self,
        ctx: RequestContext,
        *,
        sort_by: str | None = None,
        sort_order: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
        name_contains: str | None = None,
        creation_time_before: datetime | None = None,
        creation_time_after: datetime | None = None,
    ) -> dict[str, Any]:
        query = _query(
            creation_time_after, creation_time_before, name_contains, sort_by, sort_order
        )
        return self._list(ctx, CONFIG, "EndpointConfigs", query, next_token, max_results)

    # ---- endpoints -------------------------------------------------------------------

    def create_endpoint(
        self,
        ctx: RequestContext,
        *,
        endpoint_name: str,
        endpoint_config_name: str,
        tags: list[dict[str, str]] | None = None,
        deployment_config: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        where = scope(ENDPOINT, ctx.account_id, ctx.region)
        with self.deps.meta.begin() as conn:
            wanted = endpoints.snapshot(conn, endpoint_config_name, ctx.account_id, ctx.region)
            for variant in wanted["variants"]:
                check_pass_role(self.deps, ctx, variant["role"])
            desired = {**wanted, "generation": 1, "incarnation": uuid.uuid4().hex[:12]}
            doc = endpoints.new_document(endpoint_name, ctx.account_id, ctx.region, wanted)
            records.insert_new(
                conn, where, doc, tags=tags or [], status=endpoints.CREATING, desired=desired
            )
        self.deps.reconciler.kick()
        return {"EndpointArn": doc["EndpointArn"]}

    def describe_endpoint(self, ctx: RequestContext, *, endpoint_name: str) -> dict[str, Any]:
        arn = endpoints.arn(ctx.account_id, ctx.region, endpoint_name)
        return self._find(ctx, ENDPOINT, endpoint_name, arn).doc

    def delete_endpoint(self, ctx: RequestContext, *, endpoint_name: str) -> dict[str, Any]:
        where = scope(ENDPOINT, ctx.account_id, ctx.region)
        with self.deps.meta.begin() as conn:
            found = endpoints.require(conn, where, endpoint_name)
            desired = endpoints.desired_of(conn, where, endpoint_name)
            records.set_desired(conn, where, endpoint_name, {**desired, "delete": True})
            records.save(
                conn,
                where,
                endpoint_name,
                {**found.doc, "EndpointStatus": endpoints.DELETING},
                endpoints.DELETING,
            )
        self.deps.reconciler.kick()
        return {}

    def list_endpoints(
        self,
        ctx: RequestContext,
        *,
        sort_by: str | None = None,
        sort_order: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
        name_contains: str | None = None,
        creation_time_before: datetime | None = None,
        creation_time_after: datetime | None = None,
        last_modified_time_before: datetime | None = None,
        last_modified_time_after: datetime | None = None,
        status_equals: str | None = None,
    ) -> dict[str, Any]:
        query = _query(
            creation_time_after,
            creation_time_before,
            name_contains,
            sort_by,
            sort_order,
            modified_after=last_modified_time_after,
            modified_before=last_modified_time_before,
            status=status_equals,
        )
        return self._list(ctx, ENDPOINT, "Endpoints", query, next_token, max_results)

    def update_endpoint(
        self,
        ctx: RequestContext,
        *,
        endpoint_name: str,
        endpoint_config_name: str,
        retain_all_variant_properties: bool | None = None,
        deployment_config: dict[str, Any] | None = None,
        retain_deployment_config: bool | None = None,
    ) -> dict[str, Any]:
        if retain_all_variant_properties:
            raise NotImplementedByUs(
                message="RetainAllVariantProperties is not implemented by sagelab yet"
            )
        where = scope(ENDPOINT, ctx.account_id, ctx.region)
        with self.deps.meta.begin() as conn:
            found = endpoints.require(conn, where, endpoint_name)
            endpoints.check_updatable(found)
            wanted = endpoints.snapshot(conn, endpoint_config_name, ctx.account_id, ctx.region)
            for variant in wanted["variants"]:
                check_pass_role(self.deps, ctx, variant["role"])
            desired = endpoints.desired_of(conn, where, endpoint_name)
            previous = {k: v for k, v in desired.items() if k != "previous"}
            records.set_desired(
                conn,
                where,
                endpoint_name,
                {
                    **previous,
                    **wanted,
                    "generation": desired["generation"] + 1,
                    "previous": previous,
                },
            )
            doc = {**found.doc, "EndpointStatus": endpoints.UPDATING}
            doc.pop("FailureReason", None)
            records.save(conn, where, endpoint_name, doc, endpoints.UPDATING)
        self.deps.reconciler.kick()
        return {"EndpointArn": found.arn}

    def update_endpoint_weights_and_capacities(
        self,
        ctx: RequestContext,
        *,
        endpoint_name: str,
        desired_weights_and_capacities: list[dict[str, Any]],
    ) -> dict[str, Any]:
        where = scope(ENDPOINT, ctx.account_id, ctx.region)
        with self.deps.meta.begin() as conn:
            found = endpoints.require(conn, where, endpoint_name)
            endpoints.check_updatable(found)
            desired = endpoints.desired_of(conn, where, endpoint_name)
            desired["variants"] = endpoints.reweigh(
                desired["variants"], desired_weights_and_capacities
            )
            records.set_desired(conn, where, endpoint_name, desired)
            doc = {**found.doc, "EndpointStatus": endpoints.UPDATING}
            records.save(conn, where, endpoint_name, doc, endpoints.UPDATING)
        self.deps.reconciler.kick()
        return {"EndpointArn": found.arn}
