"""Metric charts of the SageMaker pages: one GetMetricData call (as the signed-in principal)
for every series a page draws; the browser draws them as inline SVG (sagemaker.js)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sagelab.console.pagekit import PageContext

# Periods GetMetricData accepts; the smallest that keeps a chart under MAX_POINTS wins.
PERIODS = (1, 5, 10, 30, 60, 300, 900, 3600, 86400)
MAX_POINTS = 240
MAX_CHARTS = 12


@dataclass(frozen=True)
class Series:
    """One metric to draw: its name, exact dimensions and statistic."""

    title: str
    namespace: str
    metric: str
    dimensions: dict[str, str]
    stat: str = "Average"


@dataclass(frozen=True)
class Chart:
    title: str
    points: str  # JSON [[epoch seconds, value], ...], oldest first


def period_for(seconds: float) -> int:
    return next((p for p in PERIODS if seconds / p <= MAX_POINTS), PERIODS[-1])


def _query(index: int, series: Series, period: int) -> dict[str, Any]:
    dimensions = [{"Name": k, "Value": v} for k, v in series.dimensions.items()]
    metric = {"Namespace": series.namespace, "MetricName": series.metric, "Dimensions": dimensions}
    return {
        "Id": f"m{index}",
        "MetricStat": {"Metric": metric, "Period": period, "Stat": series.stat},
        "ReturnData": True,
    }


def charts(
    pc: PageContext, wanted: Sequence[Series], start: dt.datetime, end: dt.datetime
) -> list[Chart]:
    """The series between `start` and `end`, each as a chart (empty ones included)."""
    wanted = list(wanted)[:MAX_CHARTS]
    if not wanted:
        return []
    period = period_for((end - start).total_seconds())
    result = pc.call(
        "cloudwatch",
        "GetMetricData",
        MetricDataQueries=[_query(i, s, period) for i, s in enumerate(wanted)],
        StartTime=start,
        EndTime=end,
        ScanBy="TimestampAscending",
    )
    by_id = {r["Id"]: r for r in result.get("MetricDataResults", [])}
    drawn = []
    for i, series in enumerate(wanted):
        found = by_id.get(f"m{i}", {})
        stamps = [_epoch(t) for t in found.get("Timestamps", [])]
        points = sorted(zip(stamps, found.get("Values", []), strict=False))
        drawn.append(Chart(series.title, json.dumps(points)))
    return drawn


def _epoch(value: Any) -> float:
    if isinstance(value, dt.datetime):
        return value.timestamp()
    return float(value)


def as_datetime(value: Any) -> dt.datetime:
    """An API time (a datetime or epoch seconds, as the api methods answer) in UTC."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.fromtimestamp(float(value), dt.UTC)
