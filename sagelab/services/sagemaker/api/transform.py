"""Batch transform job operations."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from sagelab.gateway.context import RequestContext
from sagelab.services.base import Deps, ServiceApi
from sagelab.services.sagemaker.jobs.operations import JobOperations, list_query
from sagelab.services.sagemaker.transform import jobs, validation
from sagelab.services.sagemaker.transform.reconcile import TransformReconciler

_JOBS = JobOperations(jobs.RECORDS)


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

        def model_runs(conn: Connection) -> None:
            validation.algorithm(
                validation.model_document(conn, ctx.account_id, ctx.region, model_name)
            )

        arn = _JOBS.arn(ctx, transform_job_name)
        _JOBS.create(self.deps, ctx, jobs.new_document(request, arn, time.time()), tags, model_runs)
        return {"TransformJobArn": arn}

    def describe_transform_job(
        self, ctx: RequestContext, *, transform_job_name: str
    ) -> dict[str, Any]:
        return _JOBS.describe(self.deps, ctx, transform_job_name)

    def stop_transform_job(self, ctx: RequestContext, *, transform_job_name: str) -> dict[str, Any]:
        return _JOBS.stop(self.deps, ctx, transform_job_name)

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
        query = list_query(
            creation_time_after=creation_time_after,
            creation_time_before=creation_time_before,
            last_modified_time_after=last_modified_time_after,
            last_modified_time_before=last_modified_time_before,
            name_contains=name_contains,
            status_equals=status_equals,
            sort_by=sort_by,
            sort_order=sort_order,
        )
        page, token = _JOBS.list(self.deps, ctx, query, next_token, max_results)
        return {"TransformJobSummaries": page, "NextToken": token}
