"""Metrics (namespace, name and exact dimension set) and their datapoints.

A datapoint row is either raw values (minimum == maximum, `sample_count` = how many times the
value was seen) or a statistic set; statistics over a period are sums of these rows.
`put_datapoints` is how the rest of sagelab publishes metrics (a training job's
`FinalMetricDataList` values, under `/aws/sagemaker/TrainingJobs`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from sagelab.store.metadata import MetadataStore
from sagelab.store.tables import cw_datapoints, cw_metrics


@dataclass(frozen=True)
class MetricId:
    account: str
    region: str
    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...]  # sorted by name: dimension order is irrelevant

    @classmethod
    def of(
        cls, account: str, region: str, namespace: str, name: str, dims: Mapping[str, str]
    ) -> MetricId:
        return cls(account, region, namespace, name, tuple(sorted(dims.items())))

    @property
    def dims_key(self) -> str:
        return json.dumps(self.dimensions, separators=(",", ":"))

    def dimension_list(self) -> list[dict[str, str]]:
        return [{"Name": n, "Value": v} for n, v in self.dimensions]


@dataclass(frozen=True)
class Sample:
    """One row to store: raw values or a statistic set, at epoch seconds `timestamp`."""

    timestamp: float
    unit: str
    sample_count: float
    total: float
    minimum: float
    maximum: float

    @classmethod
    def value(cls, timestamp: float, value: float, unit: str, count: float = 1.0) -> Sample:
        return cls(timestamp, unit, count, value * count, value, value)


def _identity(metric: MetricId) -> tuple[Any, ...]:
    c = cw_metrics.c
    return (
        c.account_id == metric.account,
        c.region == metric.region,
        c.namespace == metric.namespace,
        c.metric_name == metric.name,
        c.dims_key == metric.dims_key,
    )


def find_id(conn: Connection, metric: MetricId) -> int | None:
    found: int | None = conn.scalar(select(cw_metrics.c.id).where(*_identity(metric)))
    return found


def _ensure(conn: Connection, metric: MetricId, now: float) -> int:
    found = find_id(conn, metric)
    if found is not None:
        conn.execute(update(cw_metrics).where(cw_metrics.c.id == found).values(last_put_at=now))
        return found
    inserted = conn.execute(
        insert(cw_metrics).values(
            account_id=metric.account,
            region=metric.region,
            namespace=metric.namespace,
            metric_name=metric.name,
            dims_key=metric.dims_key,
            dimensions=metric.dimension_list(),
            last_put_at=now,
        )
    )
    key = inserted.inserted_primary_key
    assert key is not None  # a single-row insert always reports its key
    new_id: int = key[0]
    return new_id


def store(conn: Connection, metric: MetricId, samples: Iterable[Sample]) -> None:
    metric_id = _ensure(conn, metric, time.time())
    rows = [
        {
            "metric_id": metric_id,
            "timestamp": s.timestamp,
            "unit": s.unit,
            "sample_count": s.sample_count,
            "sum": s.total,
            "minimum": s.minimum,
            "maximum": s.maximum,
        }
        for s in samples
    ]
    if rows:
        conn.execute(insert(cw_datapoints), rows)


def put_datapoints(
    meta: MetadataStore,
    account_id: str,
    region: str,
    namespace: str,
    metric_name: str,
    dimensions: Mapping[str, str],
    points: Sequence[tuple[float, float]],
    unit: str = "None",
) -> None:
    """Publish (epoch seconds, value) points of one metric in one transaction."""
    metric = MetricId.of(account_id, region, namespace, metric_name, dimensions)
    with meta.begin() as conn:
        store(conn, metric, (Sample.value(ts, value, unit) for ts, value in points))


def samples_between(
    conn: Connection, metric: MetricId, start: float, end: float, unit: str | None
) -> list[Sample]:
    """The metric's rows with start <= timestamp < end, oldest first."""
    metric_id = find_id(conn, metric)
    if metric_id is None:
        return []
    c = cw_datapoints.c
    query = select(cw_datapoints).where(
        c.metric_id == metric_id, c.timestamp >= start, c.timestamp < end
    )
    if unit:
        query = query.where(c.unit == unit)
    return [
        Sample(r.timestamp, r.unit, r.sample_count, r.sum, r.minimum, r.maximum)
        for r in conn.execute(query.order_by(c.timestamp, c.id))
    ]


@dataclass(frozen=True)
class ListFilter:
    """ListMetrics' filters; a dimension filter without a value matches any value."""

    namespace: str | None = None
    name: str | None = None
    dimensions: tuple[tuple[str, str | None], ...] = ()
    active_since: float | None = None

    def keeps(self, dimensions: Sequence[Mapping[str, str]]) -> bool:
        have = {d["Name"]: d["Value"] for d in dimensions}
        return all(n in have and (v is None or have[n] == v) for n, v in self.dimensions)


def list_metrics(
    conn: Connection, account: str, region: str, where: ListFilter
) -> list[tuple[str, str, list[dict[str, str]]]]:
    """(namespace, name, dimensions) of every matching metric, in a stable order."""
    c = cw_metrics.c
    query = select(cw_metrics).where(c.account_id == account, c.region == region)
    if where.namespace:
        query = query.where(c.namespace == where.namespace)
    if where.name:
        query = query.where(c.metric_name == where.name)
    if where.active_since is not None:
        query = query.where(c.last_put_at >= where.active_since)
    rows = conn.execute(query.order_by(c.namespace, c.metric_name, c.dims_key)).all()
    return [
        (r.namespace, r.metric_name, list(r.dimensions)) for r in rows if where.keeps(r.dimensions)
    ]
