"""CloudWatch metrics and alarms as `cloudwatch:<Operation>`: alarms and dashboards by ARN,
metrics on `*` with the `cloudwatch:namespace` key (PutMetricData)."""

from __future__ import annotations

from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.services.iam.access import QUERY_DENIAL, Check
from sagelab.services.iam.patterns import ContextValue

DENIAL = QUERY_DENIAL


def resource_of(ctx: RequestContext, params: dict[str, Any]) -> str:
    if "AlarmName" in params:
        return f"arn:aws:cloudwatch:{ctx.region}:{ctx.account_id}:alarm:{params['AlarmName']}"
    if "DashboardName" in params:
        return f"arn:aws:cloudwatch::{ctx.account_id}:dashboard/{params['DashboardName']}"
    return "*"


def checks(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[Check]:
    keys: dict[str, ContextValue] = {}
    if "Namespace" in params:
        keys["cloudwatch:namespace"] = str(params["Namespace"])
    return [Check(f"cloudwatch:{operation}", resource_of(ctx, params), keys)]
