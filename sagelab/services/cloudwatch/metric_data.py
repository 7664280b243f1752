"""GetMetricData: one series per MetricStat query, paged by a datapoint budget.

The token is the number of datapoints already handed out across the queries, in query order;
later pages recompute the series and skip that many.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.cloudwatch import metrics, statistics
from sagelab.services.cloudwatch.errors import InvalidNextToken, InvalidParameterValue


@dataclass
class Series:
    id: str
    label: str
    timestamps: list[datetime | float]
    values: list[float]
    complete: bool = True

    def result(self) -> dict[str, Any]:
        return {
            "Id": self.id,
            "Label": self.label,
            "Timestamps": self.timestamps,
            "Values": self.values,
            "StatusCode": "Complete" if self.complete else "PartialData",
        }


@dataclass(frozen=True)
class Span:
    account: str
    region: str
    start: float
    end: float
    descending: bool


def _check_query(query: Mapping[str, Any], index: int) -> None:
    where = f"MetricDataQueries.member.{index}"
    if "Expression" in query:
        raise NotImplementedByUs(message=f"{where}.Expression is not implemented by sagelab")
    if "MetricStat" not in query:
        raise InvalidParameterValue(
            message=f"Exactly one element of Expression and MetricStat must be set in {where}."
        )
    stat = query["MetricStat"]
    statistics.check_statistic(stat["Stat"], f"{where}.MetricStat.Stat")
    statistics.check_period(stat["Period"], f"{where}.MetricStat.Period")


def _series(conn: Connection, span: Span, query: Mapping[str, Any]) -> Series:
    stat = query["MetricStat"]
    metric = stat["Metric"]
    dims = {d["Name"]: d["Value"] for d in metric.get("Dimensions") or ()}
    ident = metrics.MetricId.of(
        span.account, span.region, metric["Namespace"], metric["MetricName"], dims
    )
    rows = metrics.samples_between(conn, ident, span.start, span.end, stat.get("Unit"))
    points = [
        (b.start, value)
        for b in statistics.aggregate(rows, span.start, stat["Period"])
        if (value := b.statistic(stat["Stat"])) is not None
    ]
    if span.descending:
        points.reverse()
    label = query.get("Label") or metric["MetricName"]
    return Series(query["Id"], label, [t for t, _ in points], [v for _, v in points])


def _skip(token: str | None) -> int:
    if token is None:
        return 0
    if not token.isdigit():
        raise InvalidNextToken(message="The service cannot process the nextToken.")
    return int(token)


def page(
    conn: Connection,
    span: Span,
    queries: list[dict[str, Any]],
    token: str | None,
    budget: int,
) -> tuple[list[Series], str | None]:
    """The page's series (queries with ReturnData false are computed but not returned) and
    the token for the rest."""
    for i, query in enumerate(queries, 1):
        _check_query(query, i)
    skip, handed = _skip(token), 0
    out: list[Series] = []
    for query in queries:
        if query.get("ReturnData") is False:
            continue
        series = _series(conn, span, query)
        drop = min(skip, len(series.values))
        skip -= drop
        keep = max(0, min(len(series.values) - drop, budget - handed))
        series.complete = drop + keep == len(series.values)
        series.timestamps = series.timestamps[drop : drop + keep]
        series.values = series.values[drop : drop + keep]
        handed += keep
        out.append(series)
    more = any(not s.complete for s in out)
    return out, str(_skip(token) + handed) if more else None
