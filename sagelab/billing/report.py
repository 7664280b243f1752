"""A usage report: the meter's usage over a range of days, priced with AWS's on-demand
prices ("what this would have cost on AWS"), with and without the free tier.

The free tier is applied from the first day of the report's first month, so usage earlier in
a month uses up its allowance before the days a report shows."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from sagelab.billing import days, free_tier, prices, sources
from sagelab.billing.free_tier import ALLOWANCES, AllowanceUse
from sagelab.billing.sources import Usage, Window
from sagelab.billing.usage_types import UsageType
from sagelab.store.metadata import MetadataStore
from sagelab.store.tables import accounts


@dataclass(frozen=True)
class Line:
    """One usage type of one resource on one day."""

    usage: Usage
    rate: float | None  # USD per unit; None where the price list has no price for it
    free: float  # the quantity the free tier covers

    @property
    def usage_type(self) -> str:
        return self.usage.kind.name(self.usage.region)

    @property
    def service(self) -> str:
        return self.usage.kind.service

    @property
    def unit(self) -> str:
        return self.usage.kind.unit

    @property
    def on_demand(self) -> float:
        """What it would have cost on AWS without the free tier."""
        return self.usage.quantity * (self.rate or 0.0)

    @property
    def cost(self) -> float:
        """What it would have cost on AWS, the free tier applied: AWS's bill."""
        return (self.usage.quantity - self.free) * (self.rate or 0.0)


@dataclass(frozen=True)
class Report:
    start: date
    end: date  # exclusive
    lines: list[Line]
    free_tier: list[AllowanceUse]  # each allowance, each month the report touches
    prices_as_of: str

    @property
    def on_demand(self) -> float:
        return sum(line.on_demand for line in self.lines)

    @property
    def cost(self) -> float:
        return sum(line.cost for line in self.lines)


def _merged(usages: Iterable[Usage]) -> list[Usage]:
    """One record per (day, region, usage type, resource): a notebook started twice a day."""
    totals: dict[tuple[date, str, UsageType, str], float] = defaultdict(float)
    for u in usages:
        totals[(u.day, u.region, u.kind, u.resource)] += u.quantity
    return [Usage(d, r, k, res, q) for (d, r, k, res), q in totals.items()]


def _months(start: date, end: date) -> list[date]:
    months, at = [], start.replace(day=1)
    while at < end:
        months.append(at)
        at = days.add_months(at, 1)
    return months


def _table(uses: list[AllowanceUse], months: list[date], created: date) -> list[AllowanceUse]:
    found = {(u.allowance, u.month): u for u in uses}
    return [
        found.get((a, m)) or AllowanceUse(a, m, 0.0, 0.0, m < days.add_months(created, a.months))
        for m in months
        for a in ALLOWANCES
    ]


def created_on(conn: Connection, account_id: str) -> date:
    created = conn.execute(
        select(accounts.c.created_at).where(accounts.c.account_id == account_id)
    ).scalar_one()
    return days.of(float(created))


def usage_report(
    meta: MetadataStore, account_id: str, start: date, end: date, now: float | None = None
) -> Report:
    window = Window(start.replace(day=1), end, time.time() if now is None else now)
    with meta.connect() as conn:
        created = created_on(conn, account_id)
        usages = _merged(sources.every(conn, account_id, window))
    usages.sort(key=lambda u: (u.day, u.kind.service, u.region, u.resource))
    free, uses = free_tier.apply(usages, created)
    lines = [
        Line(u, prices.rate(u.region, u.kind.family, u.kind.instance_type), f)
        for u, f in zip(usages, free, strict=True)
        if start <= u.day
    ]
    table = _table(uses, _months(start, end), created)
    return Report(start, end, lines, table, str(prices.price_list()["as_of"]))
