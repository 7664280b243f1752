"""The free tier of the lesson's table: SageMaker for the first two months after the account
was created (250 h of ml.t2/t3.medium notebooks, 50 h of ml.m4/m5.xlarge training, 125 h of
ml.m4/m5.xlarge hosting a month), S3 for its first twelve (5 GB-months of Standard storage,
20,000 GET and 2,000 PUT requests a month). Allowances are per calendar month, across
regions, and used up in the order usage happened."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sagelab.billing import days
from sagelab.billing.sources import Usage
from sagelab.billing.usage_types import HOSTING, NOTEBOOK, STORAGE, TIER1, TIER2, TRAINING

_MEDIUM = frozenset({"ml.t2.medium", "ml.t3.medium"})
_XLARGE = frozenset({"ml.m4.xlarge", "ml.m5.xlarge"})


@dataclass(frozen=True)
class Allowance:
    name: str
    family: str
    instance_types: frozenset[str] | None  # None: every usage of the family
    limit: float  # a month, in the usage type's unit
    unit: str
    months: int  # how long after the account's creation it applies

    def covers(self, usage: Usage) -> bool:
        kind = usage.kind
        return kind.family == self.family and (
            self.instance_types is None or kind.instance_type in self.instance_types
        )


ALLOWANCES = (
    Allowance("SageMaker notebooks (ml.t2.medium, ml.t3.medium)", NOTEBOOK, _MEDIUM, 250, "Hrs", 2),
    Allowance("SageMaker training (ml.m4.xlarge, ml.m5.xlarge)", TRAINING, _XLARGE, 50, "Hrs", 2),
    Allowance("SageMaker hosting (ml.m4.xlarge, ml.m5.xlarge)", HOSTING, _XLARGE, 125, "Hrs", 2),
    Allowance("S3 Standard storage", STORAGE, None, 5, "GB-Mo", 12),
    Allowance("S3 GET and other requests", TIER2, None, 20_000, "Requests", 12),
    Allowance("S3 PUT, COPY, POST, LIST requests", TIER1, None, 2_000, "Requests", 12),
)  # fmt: skip


@dataclass(frozen=True)
class AllowanceUse:
    """One allowance in one calendar month: how much matching usage, how much of it was free."""

    allowance: Allowance
    month: date  # its first day
    used: float
    free: float
    eligible: bool  # the month is (at least partly) within the allowance's months

    @property
    def fraction(self) -> float:
        return min(1.0, self.used / self.allowance.limit)


def _allowance(usage: Usage) -> Allowance | None:
    return next((a for a in ALLOWANCES if a.covers(usage)), None)


def _month(day: date) -> date:
    return day.replace(day=1)


def apply(usages: Sequence[Usage], created: date) -> tuple[list[float], list[AllowanceUse]]:
    """The free quantity of each usage (same order), and every allowance's use per month that
    the usages touch."""
    free = [0.0] * len(usages)
    used: dict[tuple[Allowance, date], list[float]] = {}
    for i in sorted(range(len(usages)), key=lambda i: usages[i].day):
        usage = usages[i]
        allowance = _allowance(usage)
        if allowance is None:
            continue
        tally = used.setdefault((allowance, _month(usage.day)), [0.0, 0.0])
        tally[0] += usage.quantity
        if usage.day < days.add_months(created, allowance.months):
            free[i] = min(usage.quantity, allowance.limit - tally[1])
            tally[1] += free[i]
    uses = [
        AllowanceUse(a, month, u, f, month < days.add_months(created, a.months))
        for (a, month), (u, f) in used.items()
    ]
    return free, uses
