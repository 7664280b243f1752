"""CloudWatch Logs operations as `logs:<Operation>` on the log group's ARN, or the log
stream's (`log-group:<g>:log-stream:<s>`) for calls naming one; calls naming no group act on
every group of the account (`log-group:*`)."""

from __future__ import annotations

from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.services.iam.access import JSON_DENIAL, Check, request_tag_keys

DENIAL = JSON_DENIAL


def resource_of(ctx: RequestContext, params: dict[str, Any]) -> str:
    prefix = f"arn:aws:logs:{ctx.region}:{ctx.account_id}:log-group:"
    group = params.get("logGroupName") or params.get("logGroupIdentifier")
    if group is None:
        return f"{prefix}*"
    if str(group).startswith("arn:"):
        return str(group).removesuffix(":*")
    stream = params.get("logStreamName")
    return f"{prefix}{group}" + (f":log-stream:{stream}" if stream else "")


def checks(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[Check]:
    return [
        Check(f"logs:{operation}", resource_of(ctx, params), request_tag_keys(params.get("tags")))
    ]
