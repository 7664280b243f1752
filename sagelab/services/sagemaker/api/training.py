"""Training job operations, and tags and Search as far as training jobs need them."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sagelab.algorithms import registry
from sagelab.algorithms.errors import HyperParameterError
from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.base import ServiceApi
from sagelab.services.iam.passrole import check_pass_role
from sagelab.services.sagemaker import images
from sagelab.services.sagemaker.errors import SageMakerValidation
from sagelab.services.sagemaker.jobs.operations import JobOperations, list_query
from sagelab.services.sagemaker.training import jobs, scope, search, validation
from sagelab.services.sagemaker.training import tags as resource_tags
from sagelab.services.sagemaker.training.reconcile import TrainingReconciler

_SEARCH_PAGE = 10
_JOBS = JobOperations(jobs.RECORDS)


def _check_structure(request: dict[str, Any]) -> None:
    channels = request.get("InputDataConfig") or []
    validation.check_algorithm(request["AlgorithmSpecification"], channels)
    validation.check_channels(channels)
    validation.check_resources(request["ResourceConfig"])
    validation.check_stopping(request["StoppingCondition"])
    validation.check_output(request["OutputDataConfig"])


def _algorithm(request: dict[str, Any]) -> str:
    """The built-in the image names, once the hyperparameters suit it."""
    algorithm = images.training_algorithm(
        request["AlgorithmSpecification"]["TrainingImage"], frozenset(registry.names())
    )
    try:
        registry.get(algorithm).hyperparameters.validate(request.get("HyperParameters") or {})
    except HyperParameterError as err:
        raise SageMakerValidation(message=str(err)) from err
    return algorithm


class TrainingApi(ServiceApi):
    def startup(self) -> None:
        self.deps.reconciler.register(TrainingReconciler(self.deps))

    def create_training_job(
        self,
        ctx: RequestContext,
        *,
        training_job_name: str,
        role_arn: str,
        output_data_config: dict[str, Any],
        algorithm_specification: dict[str, Any] | None = None,
        resource_config: dict[str, Any] | None = None,
        stopping_condition: dict[str, Any] | None = None,
        hyper_parameters: dict[str, str] | None = None,
        input_data_config: list[dict[str, Any]] | None = None,
        tags: list[dict[str, str]] | None = None,
        environment: dict[str, str] | None = None,
        checkpoint_config: dict[str, Any] | None = None,
        debug_hook_config: dict[str, Any] | None = None,
        profiler_config: dict[str, Any] | None = None,
        experiment_config: dict[str, Any] | None = None,
        enable_network_isolation: bool | None = None,
        enable_inter_container_traffic_encryption: bool | None = None,
        enable_managed_spot_training: bool | None = None,
    ) -> dict[str, Any]:
        request = {
            "TrainingJobName": training_job_name,
            "AlgorithmSpecification": algorithm_specification or {},
            "RoleArn": role_arn,
            "OutputDataConfig": output_data_config,
            "ResourceConfig": resource_config or {},
            "StoppingCondition": stopping_condition or {},
            "HyperParameters": hyper_parameters,
            "InputDataConfig": input_data_config,
            "Environment": environment,
            "CheckpointConfig": checkpoint_config,
            "DebugHookConfig": debug_hook_config,
            "ProfilerConfig": profiler_config,
            "ExperimentConfig": experiment_config,
            "EnableNetworkIsolation": enable_network_isolation,
            "EnableInterContainerTrafficEncryption": enable_inter_container_traffic_encryption,
            "EnableManagedSpotTraining": enable_managed_spot_training,
        }
        _check_structure(request)
        validation.check_role(role_arn, ctx.account_id)
        check_pass_role(self.deps, ctx, role_arn)
        algorithm = _algorithm(request)
        arn = _JOBS.arn(ctx, training_job_name)
        _JOBS.create(self.deps, ctx, jobs.new_document(request, arn, algorithm, time.time()), tags)
        return {"TrainingJobArn": arn}

    def describe_training_job(
        self, ctx: RequestContext, *, training_job_name: str
    ) -> dict[str, Any]:
        return _JOBS.describe(self.deps, ctx, training_job_name)

    def stop_training_job(self, ctx: RequestContext, *, training_job_name: str) -> dict[str, Any]:
        return _JOBS.stop(self.deps, ctx, training_job_name)

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
        return {"TrainingJobSummaries": page, "NextToken": token}

    def add_tags(
        self, ctx: RequestContext, *, resource_arn: str, tags: list[dict[str, str]]
    ) -> dict[str, Any]:
        with self.deps.meta.begin() as conn:
            return {"Tags": resource_tags.add(conn, resource_arn, tags)}

    def list_tags(
        self,
        ctx: RequestContext,
        *,
        resource_arn: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            page, token = resource_tags.page(conn, resource_arn, next_token, max_results or 50)
        return {"Tags": page, "NextToken": token}

    def delete_tags(
        self, ctx: RequestContext, *, resource_arn: str, tag_keys: list[str]
    ) -> dict[str, Any]:
        with self.deps.meta.begin() as conn:
            resource_tags.delete(conn, resource_arn, tag_keys)
        return {}

    def search(
        self,
        ctx: RequestContext,
        *,
        resource: str,
        search_expression: dict[str, Any] | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        if resource != "TrainingJob":
            raise NotImplementedByUs(
                message=f"Search for Resource {resource} is not implemented by sagelab yet"
            )
        with self.deps.meta.connect() as conn:
            found = search.search(
                conn,
                scope(ctx.account_id, ctx.region),
                search_expression,
                sort_by,
                (sort_order or "Descending") == "Descending",
            )
        start = int(next_token) if next_token and next_token.isdigit() else 0
        end = start + (max_results or _SEARCH_PAGE)
        return {
            "Results": [{"TrainingJob": doc} for doc in found[start:end]],
            "NextToken": str(end) if end < len(found) else None,
            "TotalHits": {"Value": len(found), "Relation": "EqualTo"},
        }
