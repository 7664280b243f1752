"""Notebook instance and lifecycle configuration operations."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sagelab import arns
from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.base import Deps, ServiceApi
from sagelab.services.iam.passrole import check_pass_role
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.errors import SageMakerValidation
from sagelab.services.sagemaker.notebooks import instances, lifecycle, listing, rows, sessions
from sagelab.services.sagemaker.notebooks.instances import (
    DELETED,
    DELETING,
    FAILED,
    IN_SERVICE,
    PENDING,
    STOPPED,
    STOPPING,
)
from sagelab.services.sagemaker.notebooks.reconcile import NotebookStep

DEFAULTS = {
    "DirectInternetAccess": "Enabled",
    "VolumeSizeInGB": 5,
    "RootAccess": "Enabled",
    "PlatformIdentifier": "notebook-al2-v3",
    "IpAddressType": "ipv4",
    "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": "1"},
}
DEFAULT_SESSION_SECONDS = 43200


def _check_repositories(default: str | None, additional: list[str] | None) -> None:
    """Code repositories are stored; cloning a Git URL into the home is not built yet."""
    for repo in [default or "", *(additional or [])]:
        if "://" in repo or repo.startswith("git@"):
            raise NotImplementedByUs(
                message=f"Cloning the code repository {repo} into a notebook instance is not "
                "implemented by sagelab yet"
            )


def _query(
    kw: dict[str, Any], sortable: tuple[str, ...]
) -> tuple[resources.ListQuery, str | None, int]:
    sort_by = kw.get("sort_by") or "CreationTime"
    if sort_by not in sortable:
        raise NotImplementedByUs(message=f"SortBy={sort_by} is not implemented by sagelab yet")
    query = resources.ListQuery(
        created_after=kw.get("creation_time_after"),
        created_before=kw.get("creation_time_before"),
        modified_after=kw.get("last_modified_time_after"),
        modified_before=kw.get("last_modified_time_before"),
        name_contains=kw.get("name_contains"),
        status=kw.get("status_equals"),
        sort_by=sort_by,
        descending=(kw.get("sort_order") or "Descending") == "Descending",
    )
    return query, kw.get("next_token"), kw.get("max_results") or 10


class NotebooksApi(ServiceApi):
    def __init__(self, deps: Deps) -> None:
        super().__init__(deps)
        deps.reconciler.register(NotebookStep(deps))

    def _url(self, name: str) -> str:
        host = self.deps.settings.endpoint_url.split("://", 1)[1]
        return f"{host}/_sagelab/notebooks/{name}/"

    def _wish(self, ctx: RequestContext, name: str, allowed: tuple[str, ...], to: str) -> None:
        where = instances.scope(ctx.account_id, ctx.region)
        target = {STOPPED: STOPPING, DELETED: DELETING}.get(to, PENDING)
        with self.deps.meta.begin() as conn:
            inst = instances.require(conn, where, name)
            instances.check_status(inst, allowed, target)
            instances.wish(conn, inst, to, time.time())
        self.deps.reconciler.kick()

    # --- instances ---------------------------------------------------------------------------

    def create_notebook_instance(
        self,
        ctx: RequestContext,
        *,
        notebook_instance_name: str,
        instance_type: str,
        role_arn: str,
        tags: list[dict[str, str]] | None = None,
        lifecycle_config_name: str | None = None,
        direct_internet_access: str | None = None,
        volume_size_in_gb: int | None = None,
        default_code_repository: str | None = None,
        additional_code_repositories: list[str] | None = None,
        root_access: str | None = None,
        platform_identifier: str | None = None,
        instance_metadata_service_configuration: dict[str, Any] | None = None,
        ip_address_type: str | None = None,
    ) -> dict[str, Any]:
        if direct_internet_access == "Disabled":
            raise NotImplementedByUs(
                message="DirectInternetAccess=Disabled is not implemented by sagelab yet"
            )
        _check_repositories(default_code_repository, additional_code_repositories)
        check_pass_role(self.deps, ctx, role_arn)
        where = instances.scope(ctx.account_id, ctx.region)
        arn = arns.sagemaker(ctx.region, ctx.account_id, instances.KIND, notebook_instance_name)
        now = time.time()
        given = {
            "NotebookInstanceLifecycleConfigName": lifecycle_config_name,
            "DirectInternetAccess": direct_internet_access,
            "VolumeSizeInGB": volume_size_in_gb,
            "DefaultCodeRepository": default_code_repository,
            "AdditionalCodeRepositories": additional_code_repositories,
            "RootAccess": root_access,
            "PlatformIdentifier": platform_identifier,
            "InstanceMetadataServiceConfiguration": instance_metadata_service_configuration,
            "IpAddressType": ip_address_type,
        }
        doc = {
            "NotebookInstanceArn": arn,
            "NotebookInstanceName": notebook_instance_name,
            "NotebookInstanceStatus": PENDING,
            "Url": self._url(notebook_instance_name),
            "InstanceType": instance_type,
            "RoleArn": role_arn,
            "CreationTime": now,
            "LastModifiedTime": now,
            **DEFAULTS,
            **{k: v for k, v in given.items() if v is not None},
        }
        with self.deps.meta.begin() as conn:
            if instances.find(conn, where, notebook_instance_name) is not None:
                raise SageMakerValidation(
                    message=f"Cannot create a duplicate Notebook Instance ({arn})"
                )
            if lifecycle_config_name:
                lifecycle.require_for_instance(
                    conn, lifecycle.scope(ctx.account_id, ctx.region), lifecycle_config_name
                )
            instances.insert_instance(conn, where, doc, tags or [])
        self.deps.reconciler.kick()
        return {"NotebookInstanceArn": arn}

    def describe_notebook_instance(
        self, ctx: RequestContext, *, notebook_instance_name: str
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            inst = instances.require(
                conn, instances.scope(ctx.account_id, ctx.region), notebook_instance_name
            )
        return instances.describe(inst)

    def list_notebook_instances(
        self,
        ctx: RequestContext,
        *,
        next_token: str | None = None,
        max_results: int | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        name_contains: str | None = None,
        creation_time_before: datetime | None = None,
        creation_time_after: datetime | None = None,
        last_modified_time_before: datetime | None = None,
        last_modified_time_after: datetime | None = None,
        status_equals: str | None = None,
        notebook_instance_lifecycle_config_name_contains: str | None = None,
        default_code_repository_contains: str | None = None,
        additional_code_repository_equals: str | None = None,
    ) -> dict[str, Any]:
        query, token, limit = _query(locals(), ("Name", "CreationTime", "Status"))
        filters = listing.DocFilters(
            notebook_instance_lifecycle_config_name_contains,
            default_code_repository_contains,
            additional_code_repository_equals,
        )
        with self.deps.meta.connect() as conn:
            page, token = listing.list_page(
                conn, instances.scope(ctx.account_id, ctx.region), query, filters, token, limit
            )
        return {"NotebookInstances": [instances.summary(r) for r in page], "NextToken": token}

    def start_notebook_instance(
        self, ctx: RequestContext, *, notebook_instance_name: str
    ) -> dict[str, Any]:
        self._wish(ctx, notebook_instance_name, (STOPPED, FAILED), IN_SERVICE)
        return {}

    def stop_notebook_instance(
        self, ctx: RequestContext, *, notebook_instance_name: str
    ) -> dict[str, Any]:
        self._wish(ctx, notebook_instance_name, (IN_SERVICE,), STOPPED)
        return {}

    def delete_notebook_instance(
        self, ctx: RequestContext, *, notebook_instance_name: str
    ) -> dict[str, Any]:
        self._wish(ctx, notebook_instance_name, (STOPPED, FAILED), DELETED)
        return {}

    def update_notebook_instance(
        self,
        ctx: RequestContext,
        *,
        notebook_instance_name: str,
        instance_type: str | None = None,
        role_arn: str | None = None,
        lifecycle_config_name: str | None = None,
        disassociate_lifecycle_config: bool | None = None,
        volume_size_in_gb: int | None = None,
        default_code_repository: str | None = None,
        additional_code_repositories: list[str] | None = None,
        disassociate_default_code_repository: bool | None = None,
        disassociate_additional_code_repositories: bool | None = None,
        root_access: str | None = None,
        instance_metadata_service_configuration: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        _check_repositories(default_code_repository, additional_code_repositories)
        if role_arn is not None:
            check_pass_role(self.deps, ctx, role_arn)
        changes: dict[str, Any] = {
            k: v
            for k, v in {
                "InstanceType": instance_type,
                "RoleArn": role_arn,
                "NotebookInstanceLifecycleConfigName": lifecycle_config_name,
                "VolumeSizeInGB": volume_size_in_gb,
                "DefaultCodeRepository": default_code_repository,
                "AdditionalCodeRepositories": additional_code_repositories,
                "RootAccess": root_access,
                "InstanceMetadataServiceConfiguration": instance_metadata_service_configuration,
            }.items()
            if v is not None
        }
        for flag, member in (
            (disassociate_lifecycle_config, "NotebookInstanceLifecycleConfigName"),
            (disassociate_default_code_repository, "DefaultCodeRepository"),
            (disassociate_additional_code_repositories, "AdditionalCodeRepositories"),
        ):
            if flag:
                changes[member] = None
        self._amend(ctx, notebook_instance_name, changes)
        return {}

    def _amend(self, ctx: RequestContext, name: str, changes: dict[str, Any]) -> None:
        where = instances.scope(ctx.account_id, ctx.region)
        with self.deps.meta.begin() as conn:
            inst = instances.require(conn, where, name)
            instances.check_status(inst, (STOPPED,), "Updating")
            size = changes.get("VolumeSizeInGB")
            if size is not None and size < inst.doc.get("VolumeSizeInGB", 5):
                raise SageMakerValidation(
                    message="Invalid request provided: Volume size cannot be decreased."
                )
            config = changes.get("NotebookInstanceLifecycleConfigName")
            if config:
                lifecycle.require_for_instance(
                    conn, lifecycle.scope(ctx.account_id, ctx.region), config
                )
            instances.amend(conn, inst, changes, time.time())

    def create_presigned_notebook_instance_url(
        self,
        ctx: RequestContext,
        *,
        notebook_instance_name: str,
        session_expiration_duration_in_seconds: int | None = None,
    ) -> dict[str, Any]:
        seconds = session_expiration_duration_in_seconds or DEFAULT_SESSION_SECONDS
        with self.deps.meta.begin() as conn:
            inst = instances.require(
                conn, instances.scope(ctx.account_id, ctx.region), notebook_instance_name
            )
            token = sessions.issue_url_token(conn, inst.key, seconds, time.time())
        url = f"http://{self._url(inst.name)}?authToken={token}"
        return {"AuthorizedUrl": url}

    # --- lifecycle configurations ------------------------------------------------------------

    def create_notebook_instance_lifecycle_config(
        self,
        ctx: RequestContext,
        *,
        notebook_instance_lifecycle_config_name: str,
        on_create: list[dict[str, str]] | None = None,
        on_start: list[dict[str, str]] | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        hooks = {"OnCreate": on_create, "OnStart": on_start}
        lifecycle.check_hooks(hooks)
        where = lifecycle.scope(ctx.account_id, ctx.region)
        with self.deps.meta.begin() as conn:
            arn = lifecycle.create(
                conn, where, notebook_instance_lifecycle_config_name, hooks, time.time()
            )
            if tags:
                rows.update_row(conn, where, notebook_instance_lifecycle_config_name, tags=tags)
        return {"NotebookInstanceLifecycleConfigArn": arn}

    def describe_notebook_instance_lifecycle_config(
        self, ctx: RequestContext, *, notebook_instance_lifecycle_config_name: str
    ) -> dict[str, Any]:
        where = lifecycle.scope(ctx.account_id, ctx.region)
        with self.deps.meta.connect() as conn:
            found = lifecycle.require(
                conn, where, notebook_instance_lifecycle_config_name, "describe"
            )
        return dict(found.doc)

    def update_notebook_instance_lifecycle_config(
        self,
        ctx: RequestContext,
        *,
        notebook_instance_lifecycle_config_name: str,
        on_create: list[dict[str, str]] | None = None,
        on_start: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        hooks = {"OnCreate": on_create, "OnStart": on_start}
        lifecycle.check_hooks(hooks)
        where = lifecycle.scope(ctx.account_id, ctx.region)
        with self.deps.meta.begin() as conn:
            lifecycle.update(
                conn, where, notebook_instance_lifecycle_config_name, hooks, time.time()
            )
        return {}

    def delete_notebook_instance_lifecycle_config(
        self, ctx: RequestContext, *, notebook_instance_lifecycle_config_name: str
    ) -> dict[str, Any]:
        where = lifecycle.scope(ctx.account_id, ctx.region)
        with self.deps.meta.begin() as conn:
            lifecycle.require(conn, where, notebook_instance_lifecycle_config_name, "delete")
            rows.delete_row(conn, where, notebook_instance_lifecycle_config_name)
        return {}

    def list_notebook_instance_lifecycle_configs(
        self,
        ctx: RequestContext,
        *,
        next_token: str | None = None,
        max_results: int | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        name_contains: str | None = None,
        creation_time_before: datetime | None = None,
        creation_time_after: datetime | None = None,
        last_modified_time_before: datetime | None = None,
        last_modified_time_after: datetime | None = None,
    ) -> dict[str, Any]:
        query, token, limit = _query(locals(), ("Name", "CreationTime", "LastModifiedTime"))
        with self.deps.meta.connect() as conn:
            page, token = resources.list_page(
                conn, lifecycle.scope(ctx.account_id, ctx.region), query, token, limit
            )
        return {
            "NotebookInstanceLifecycleConfigs": [lifecycle.summary(r) for r in page],
            "NextToken": token,
        }
