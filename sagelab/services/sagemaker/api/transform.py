"""Batch transform job operations."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sagelab import arns
from sagelab.gateway.context import RequestContext
from sagelab.services.base import Deps, ServiceApi
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.transform import KIND, jobs, scope, validation
from sagelab.services.sagemaker.transform.reconcile import TransformReconciler


def _check_structure(request: dict[str, Any]) -> None:
    validation.check_unbuilt(request)
    validation.check_input(request["TransformInput"])
    validation.check_output(request["TransformOutput"])
    validation.check_payload(request.get("MaxPayloadInMB"), request.get("MaxConcurrentTransforms"))
    validation.check_data_processing(request.get("DataProcessing") or {})


class TransformApi(ServiceApi):
    def __init__(self, deps: Deps) -> None:
        super().__init__(deps)
        deps.reconciler.register(TransformReconciler(deps))

    def create_transform_job(
        self,
        ctx: RequestContext,
        *,
        transform_job_name: str,
        model_name: str,
        transform_input: dict[str, Any],
        transform_output: dict[str, Any],
        transform_resources: dict[str, Any],
        max_concurrent_transforms: int | None = None,
        model_client_config: dict[str, Any] | None = None,
        max_payload_in_mb: int | None = None,
        batch_strategy: str | None = None,
        environment: dict[str, str] | None = None,
        data_capture_config: dict[str, Any] | None = None,
        data_processing: dict[str, Any] | None = None,
        tags: list[dict[str, str]] | None = None,
        experiment_config: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        request = {
            "TransformJobName": transform_job_name,
            "ModelName": model_name,
            "TransformInput": transform_input,
            "TransformOutput": transform_output,
            "TransformResources": transform_resources,
            "MaxConcurrentTransforms": max_concurrent_transforms,
            "ModelClientConfig": model_client_config,
            "MaxPayloadInMB": max_payload_in_mb,
            "BatchStrategy": batch_strategy,
            "Environment": environment,
            "DataCaptureConfig": data_capture_config,
            "DataProcessing": data_processing,
            "ExperimentConfig": experiment_config,
        }
        _check_structure(request)
        where = scope(ctx.account_id, ctx.region)
        arn = arns.sagemaker(ctx.region, ctx.account_id, KIND, transform_job_name)
        doc = jobs.new_document(request, arn, time.time())
        with self.deps.meta.begin() as conn:
            model = validation.model_document(conn, ctx.account_id, ctx.region, model_name)
            validation.algorithm(model)
            validation.check_unique(conn, where, transform_job_name)
            jobs.insert_job(conn, where, doc, list(tags or []))
        self.deps.reconciler.kick()
        return {"TransformJobArn": arn}

    def describe_transform_job(
        self, ctx: RequestContext, *, transform_job_name: str
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            return jobs.describe(conn, scope(ctx.account_id, ctx.region), transform_job_name)

    def stop_transform_job(self, ctx: RequestContext, *, transform_job_name: str) -> dict[str, Any]:
        with self.deps.meta.begin() as conn:
            jobs.request_stop(conn, scope(ctx.account_id, ctx.region), transform_job_name)
        self.deps.reconciler.kick()
        return {}

    def list_transform_jobs(
        self,
        ctx: RequestContext,
        *,
        creation_time_after: datetime | None = None,
        creation_time_before: datetime | None = None,
        last_modified_time_after: datetime | None = None,
        last_modified_time_before: datetime | None = None,
        name_contains: str | None = None,
        status_equals: str | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        query = resources.ListQuery(
            created_after=creation_time_after,
            created_before=creation_time_before,
            modified_after=last_modified_time_after,
            modified_before=last_modified_time_before,
            name_contains=name_contains,
            status=status_equals,
            sort_by=sort_by or "CreationTime",
            descending=(sort_order or "Descending") == "Descending",
        )
        with self.deps.meta.connect() as conn:
            page, token = resources.list_page(
                conn, scope(ctx.account_id, ctx.region), query, next_token, max_results or 10
            )
        return {"TransformJobSummaries": [jobs.summary(j) for j in page], "NextToken": token}
