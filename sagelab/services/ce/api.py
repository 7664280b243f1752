"""Cost Explorer: GetCostAndUsage answered from billing's usage report, the same figures the
console's Billing page shows (the bill after the free tier)."""

from __future__ import annotations

import time
from typing import Any

from sagelab.billing import days as billing_days
from sagelab.billing import may_see_billing, usage_report
from sagelab.gateway.context import RequestContext
from sagelab.services.base import ServiceApi
from sagelab.services.ce import periods, results
from sagelab.services.ce.errors import BillingAccessDenied, InvalidNextToken


class CostExplorerApi(ServiceApi):
    service_name = "ce"

    def _require_billing_access(self, ctx: RequestContext) -> None:
        principal = ctx.principal
        if principal is None or may_see_billing(self.deps.meta, principal):
            return
        raise BillingAccessDenied(
            message=f"User: {principal.arn} is not authorized to perform: "
            f"ce:{ctx.operation} on resource: arn:aws:ce:{ctx.region}:{ctx.account_id}:/"
            f"{ctx.operation} because IAM user access to billing information is not "
            "activated for this account"
        )

    def get_cost_and_usage(
        self,
        ctx: RequestContext,
        *,
        time_period: dict[str, str],
        granularity: str,
        metrics: list[str],
        filter: dict[str, Any] | None = None,
        group_by: list[dict[str, str]] | None = None,
        next_page_token: str | None = None,
    ) -> dict[str, Any]:
        self._require_billing_access(ctx)
        if next_page_token is not None:
            raise InvalidNextToken(message="Invalid NextPageToken")
        now = time.time()
        today = billing_days.of(now)
        start, end = periods.parse(time_period, today)
        spans = periods.split(start, end, granularity)
        results.check_metrics(metrics)
        keys = results.groupers(group_by)
        keep = results.line_filter(filter)
        report = usage_report(self.deps.meta, ctx.account_id, start, end, now)
        lines = [line for line in report.lines if keep(line)]
        answer: dict[str, Any] = {
            "ResultsByTime": [results.result(s, lines, metrics, keys, today) for s in spans],
            "DimensionValueAttributes": [],
        }
        if group_by:
            answer["GroupDefinitions"] = group_by
        return answer
