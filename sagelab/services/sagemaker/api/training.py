"""Training job operations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sagelab import arns
from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.base import ServiceApi
from sagelab.services.sagemaker import resources, training


class TrainingApi(ServiceApi):
    def create_training_job(
        self,
        ctx: RequestContext,
        *,
        training_job_name: str,
        algorithm_specification: dict[str, Any],
        role_arn: str,
        output_data_config: dict[str, Any],
        resource_config: dict[str, Any],
        stopping_condition: dict[str, Any],
        hyper_parameters: dict[str, str] | None = None,
        input_data_config: list[dict[str, Any]] | None = None,
        tags: list[dict[str, str]] | None = None,
        environment: dict[str, str] | None = None,
        checkpoint_config: dict[str, Any] | None = None,
        debug_hook_config: dict[str, Any] | None = None,
        profiler_config: dict[str, Any] | None = None,
        enable_network_isolation: bool | None = None,
    ) -> dict[str, Any]:
        training.check_channels(input_data_config or [])
        training.check_role(role_arn, ctx.account_id)
        training.check_resources(resource_config)
        training.check_stopping(stopping_condition)
        training.check_output(output_data_config)
        with self.deps.meta.connect() as conn:
            training.check_unique(
                conn, training.scope(ctx.account_id, ctx.region), training_job_name
            )
        arn = arns.sagemaker(ctx.region, ctx.account_id, training.KIND, training_job_name)
        raise NotImplementedByUs(
            message="CreateTrainingJob is not implemented by sagelab yet: the request is valid "
            f"but training is not built, so {arn} was not created"
        )

    def list_training_jobs(
        self,
        ctx: RequestContext,
        *,
        next_token: str | None = None,
        max_results: int | None = None,
        creation_time_after: datetime | None = None,
        creation_time_before: datetime | None = None,
        last_modified_time_after: datetime | None = None,
        last_modified_time_before: datetime | None = None,
        name_contains: str | None = None,
        status_equals: str | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
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
                conn,
                training.scope(ctx.account_id, ctx.region),
                query,
                next_token,
                max_results or 10,
            )
        return {"TrainingJobSummaries": [training.summary(j) for j in page], "NextToken": token}
