"""CloudWatch Logs operations (json protocol, camelCase members): groups and retention here,
streams and events in their mixins."""

from __future__ import annotations

from typing import Any

from sagelab import arns
from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.logs import groups
from sagelab.services.logs.errors import InvalidParameter
from sagelab.services.logs.event_api import EventsApi
from sagelab.services.logs.stream_api import StreamsApi


def _describe(ctx: RequestContext, group: groups.LogGroup) -> dict[str, Any]:
    out: dict[str, Any] = {
        "logGroupName": group.name,
        "creationTime": int(group.created_at * 1000),
        "metricFilterCount": 0,
        "arn": arns.logs_group(ctx.region, ctx.account_id, group.name),
        "storedBytes": group.stored_bytes,
        "logGroupClass": "STANDARD",
        "logGroupArn": arns.logs_group(ctx.region, ctx.account_id, group.name, wildcard=False),
    }
    if group.retention_days is not None:
        out["retentionInDays"] = group.retention_days
    return out


class LogsApi(StreamsApi, EventsApi):
    service_name = "logs"

    def create_log_group(
        self,
        ctx: RequestContext,
        *,
        log_group_name: str,
        tags: dict[str, str] | None = None,
        log_group_class: str | None = None,
    ) -> dict[str, Any]:
        if log_group_class not in (None, "STANDARD"):
            raise NotImplementedByUs(
                message=f"logGroupClass {log_group_class} is not implemented by sagelab"
            )
        with self.deps.meta.begin() as conn:
            groups.create(conn, ctx.account_id, ctx.region, log_group_name, dict(tags or {}))
        return {}

    def delete_log_group(self, ctx: RequestContext, *, log_group_name: str) -> dict[str, Any]:
        with self.deps.meta.begin() as conn:
            groups.delete_group(conn, ctx.account_id, ctx.region, log_group_name)
        return {}

    def describe_log_groups(
        self,
        ctx: RequestContext,
        *,
        log_group_name_prefix: str | None = None,
        log_group_name_pattern: str | None = None,
        next_token: str | None = None,
        limit: int | None = None,
    ) -> dict[str, Any]:
        if log_group_name_prefix and log_group_name_pattern:
            raise InvalidParameter(
                message="LogGroup name prefix and LogGroup name pattern are mutually "
                "exclusive parameters."
            )
        where = groups.Filter(log_group_name_prefix, log_group_name_pattern)
        with self.deps.meta.connect() as conn:
            page, token = groups.list_page(
                conn, ctx.account_id, ctx.region, where, next_token, limit or 50
            )
        return {"logGroups": [_describe(ctx, g) for g in page], "nextToken": token}

    def put_retention_policy(
        self, ctx: RequestContext, *, log_group_name: str, retention_in_days: int
    ) -> dict[str, Any]:
        if retention_in_days not in groups.RETENTION_DAYS:
            allowed = ", ".join(str(d) for d in sorted(groups.RETENTION_DAYS))
            raise InvalidParameter(
                message="1 validation error detected: Value '"
                f"{retention_in_days}' at 'retentionInDays' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{allowed}]"
            )
        with self.deps.meta.begin() as conn:
            groups.set_retention(
                conn, ctx.account_id, ctx.region, log_group_name, retention_in_days
            )
        return {}

    def delete_retention_policy(
        self, ctx: RequestContext, *, log_group_name: str
    ) -> dict[str, Any]:
        with self.deps.meta.begin() as conn:
            groups.set_retention(conn, ctx.account_id, ctx.region, log_group_name, None)
        return {}
