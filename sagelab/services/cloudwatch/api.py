"""CloudWatch metrics operations (json 1.0, query-compatible errors)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.base import ServiceApi
from sagelab.services.cloudwatch import datums, metric_data, metrics
from sagelab.services.cloudwatch import statistics as stats
from sagelab.services.cloudwatch.errors import (
    InvalidNextToken,
    InvalidParameterCombination,
    InvalidParameterValue,
)

_MAX_DATAPOINTS = 1440
_LIST_PAGE = 500
_DEFAULT_MAX_DATAPOINTS = 100_800
_RECENTLY_ACTIVE_SECONDS = 3 * 3600


def _check_window(start: datetime, end: datetime) -> tuple[float, float]:
    if start >= end:
        raise InvalidParameterValue(
            message="The parameter StartTime must be less than the parameter EndTime."
        )
    return start.timestamp(), end.timestamp()


def _check_statistics_request(names: list[str], start: float, end: float, period: int) -> None:
    if not names:
        raise InvalidParameterCombination(
            message="Must specify either Statistics or ExtendedStatistics"
        )
    for name in names:
        stats.check_statistic(name, "ExtendedStatistics" if name[0] == "p" else "Statistics")
    stats.check_period(period)
    wanted = stats.bucket_count(start, end, period)
    if wanted > _MAX_DATAPOINTS:
        raise InvalidParameterCombination(
            message=f"You have requested up to {wanted:,} datapoints, which exceeds the limit "
            f"of {_MAX_DATAPOINTS:,}. You may reduce the datapoints requested by increasing "
            "Period, or decreasing the time range."
        )


def _datapoint(bucket: stats.Bucket, basic: list[str], extended: list[str]) -> dict[str, Any]:
    point: dict[str, Any] = {"Timestamp": bucket.start, "Unit": bucket.unit}
    point.update({name: bucket.statistic(name) for name in basic})
    if extended:
        point["ExtendedStatistics"] = {name: bucket.statistic(name) for name in extended}
    return point


def _offset(token: str | None) -> int:
    if token is None:
        return 0
    if not token.isdigit():
        raise InvalidNextToken(message="The service cannot process the nextToken.")
    return int(token)


class CloudWatchApi(ServiceApi):
    service_name = "cloudwatch"

    def put_metric_data(
        self,
        ctx: RequestContext,
        *,
        namespace: str,
        metric_data: list[dict[str, Any]] | None = None,
        entity_metric_data: list[dict[str, Any]] | None = None,
        strict_entity_validation: bool | None = None,
    ) -> dict[str, Any]:
        if entity_metric_data:
            raise NotImplementedByUs(
                message="PutMetricData EntityMetricData is not implemented by sagelab"
            )
        if namespace.startswith("AWS/"):
            raise InvalidParameterValue(
                message=f"The value {namespace} for parameter Namespace is invalid."
            )
        now = time.time()
        batch = [
            (datum, datums.samples(datum, i, now)) for i, datum in enumerate(metric_data or (), 1)
        ]
        with self.deps.meta.begin() as conn:
            for datum, rows in batch:
                ident = metrics.MetricId.of(
                    ctx.account_id,
                    ctx.region,
                    namespace,
                    datum["MetricName"],
                    datums.dimensions_of(datum),
                )
                metrics.store(conn, ident, rows)
        return {}

    def get_metric_statistics(
        self,
        ctx: RequestContext,
        *,
        namespace: str,
        metric_name: str,
        start_time: datetime,
        end_time: datetime,
        period: int,
        dimensions: list[dict[str, str]] | None = None,
        statistics: list[str] | None = None,
        extended_statistics: list[str] | None = None,
        unit: str | None = None,
    ) -> dict[str, Any]:
        """Datapoints of the metric whose dimensions are exactly `dimensions`."""
        start, end = _check_window(start_time, end_time)
        basic, extended = list(statistics or ()), list(extended_statistics or ())
        _check_statistics_request(basic + extended, start, end, period)
        dims = {d["Name"]: d["Value"] for d in dimensions or ()}
        ident = metrics.MetricId.of(ctx.account_id, ctx.region, namespace, metric_name, dims)
        with self.deps.meta.connect() as conn:
            rows = metrics.samples_between(conn, ident, stats.origin(start, period), end, unit)
        buckets = stats.aggregate(rows, start, period)
        return {
            "Label": metric_name,
            "Datapoints": [_datapoint(b, basic, extended) for b in buckets],
        }

    def get_metric_data(
        self,
        ctx: RequestContext,
        *,
        metric_data_queries: list[dict[str, Any]],
        start_time: datetime,
        end_time: datetime,
        next_token: str | None = None,
        scan_by: str | None = None,
        max_datapoints: int | None = None,
        label_options: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        if label_options:
            raise NotImplementedByUs(
                message="GetMetricData LabelOptions is not implemented by sagelab"
            )
        start, end = _check_window(start_time, end_time)
        descending = scan_by != "TimestampAscending"
        span = metric_data.Span(ctx.account_id, ctx.region, start, end, descending)
        budget = max_datapoints or _DEFAULT_MAX_DATAPOINTS
        with self.deps.meta.connect() as conn:
            series, token = metric_data.page(conn, span, metric_data_queries, next_token, budget)
        return {
            "MetricDataResults": [s.result() for s in series],
            "NextToken": token,
            "Messages": [],
        }

    def list_metrics(
        self,
        ctx: RequestContext,
        *,
        namespace: str | None = None,
        metric_name: str | None = None,
        dimensions: list[dict[str, str]] | None = None,
        next_token: str | None = None,
        recently_active: str | None = None,
        include_linked_accounts: bool | None = None,  # no linked accounts: only this one
        owning_account: str | None = None,
    ) -> dict[str, Any]:
        if owning_account and owning_account != ctx.account_id:
            return {"Metrics": []}
        since = time.time() - _RECENTLY_ACTIVE_SECONDS if recently_active else None
        where = metrics.ListFilter(
            namespace,
            metric_name,
            tuple((d["Name"], d.get("Value")) for d in dimensions or ()),
            since,
        )
        offset = _offset(next_token)
        with self.deps.meta.connect() as conn:
            found = metrics.list_metrics(conn, ctx.account_id, ctx.region, where)
        page = found[offset : offset + _LIST_PAGE]
        more = offset + _LIST_PAGE < len(found)
        return {
            "Metrics": [
                {"Namespace": ns, "MetricName": name, "Dimensions": dims} for ns, name, dims in page
            ],
            "NextToken": str(offset + _LIST_PAGE) if more else None,
        }
