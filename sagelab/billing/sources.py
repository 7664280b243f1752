"""Where each kind of usage is read from, as `Usage` records per UTC day:

- notebook instances: their InService intervals (`notebook_usage`, written by their reconciler);
- training jobs: InstanceCount x BillableTimeInSeconds once a job ends, spread over its
  training time; a job in progress counts the seconds it has run so far;
- hosting instances and S3: what the meter sampled or counted (`billing_usage`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from sagelab import arns
from sagelab.billing import days
from sagelab.billing.usage_types import NOTEBOOK, TRAINING, UsageType, parse
from sagelab.store.tables import billing_usage, notebook_usage, sm_resources

TRAINING_KIND, NOTEBOOK_KIND = "training-job", "notebook-instance"
HOUR = 3600.0


@dataclass(frozen=True)
class Usage:
    day: date
    region: str
    kind: UsageType
    resource: str
    quantity: float  # in the usage type's unit


@dataclass(frozen=True)
class Window:
    """The days [start, end) a report covers, and the time it is read at."""

    start: date
    end: date
    now: float

    def covers(self, day: date) -> bool:
        return self.start <= day < self.end


def _hours(
    window: Window,
    region: str,
    kind: UsageType,
    resource: str,
    span: tuple[float, float],
    scale: float,
) -> Iterator[Usage]:
    for day, seconds in days.split(*span):
        if window.covers(day):
            yield Usage(day, region, kind, resource, seconds * scale / HOUR)


def notebooks(conn: Connection, account: str, window: Window) -> Iterator[Usage]:
    rows = conn.execute(select(notebook_usage).where(notebook_usage.c.account_id == account))
    for r in rows:
        arn = arns.sagemaker(r.region, account, NOTEBOOK_KIND, r.name_key)
        span = (r.started_at, r.ended_at if r.ended_at is not None else window.now)
        yield from _hours(window, r.region, UsageType(NOTEBOOK, r.instance_type), arn, span, 1.0)


def _training_span(doc: dict[str, Any], now: float) -> tuple[tuple[float, float], float] | None:
    """The job's training interval and the billed fraction of it, or None before it trains."""
    started = doc.get("TrainingStartTime")
    if started is None:
        return None
    ended = doc.get("TrainingEndTime")
    if ended is None:
        return (float(started), now), 1.0
    billable = float(doc.get("BillableTimeInSeconds") or 0)
    elapsed = float(ended) - float(started)
    if elapsed <= 0:  # billed at least a second for no measurable time: put it at the end
        return (float(ended), float(ended) + billable), 1.0
    return (float(started), float(ended)), billable / elapsed


def training(conn: Connection, account: str, window: Window) -> Iterator[Usage]:
    query = select(sm_resources.c.region, sm_resources.c.arn, sm_resources.c.doc).where(
        sm_resources.c.kind == TRAINING_KIND, sm_resources.c.account_id == account
    )
    for region, arn, doc in conn.execute(query):
        found = _training_span(doc, window.now)
        if found is None:
            continue
        config = doc.get("ResourceConfig") or {}
        kind = UsageType(TRAINING, config.get("InstanceType"))
        count = float(config.get("InstanceCount") or 1)
        span, fraction = found
        yield from _hours(window, region, kind, arn, span, count * fraction)


def sampled(conn: Connection, account: str, window: Window) -> Iterator[Usage]:
    query = select(billing_usage).where(
        billing_usage.c.account_id == account,
        billing_usage.c.day >= window.start.isoformat(),
        billing_usage.c.day < window.end.isoformat(),
    )
    for r in conn.execute(query):
        day = date.fromisoformat(r.day)
        yield Usage(day, r.region, parse(r.usage_type), r.resource, r.quantity)


def every(conn: Connection, account: str, window: Window) -> list[Usage]:
    return [
        *notebooks(conn, account, window),
        *training(conn, account, window),
        *sampled(conn, account, window),
    ]
