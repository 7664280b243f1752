"""Pure billing maths: days, usage type names, the free tier, Cost Explorer's periods."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sagelab.billing import days, free_tier
from sagelab.billing.sources import Usage
from sagelab.billing.usage_types import NOTEBOOK, TIER1, TRAINING, UsageType, parse
from sagelab.services.ce import periods
from sagelab.services.ce.errors import CeValidation


def ts(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def test_usage_split_at_midnight() -> None:
    parts = list(days.split(ts(2025, 3, 1, 23, 30), ts(2025, 3, 2, 0, 15)))
    assert parts == [(date(2025, 3, 1), 1800.0), (date(2025, 3, 2), 900.0)]


def test_usage_type_names_round_trip() -> None:
    kinds = [UsageType(NOTEBOOK, "ml.t2.medium"), UsageType(TIER1)]
    assert [k.name("us-east-1") for k in kinds] == ["USE1-Notebk:ml.t2.medium", "Requests-Tier1"]
    assert [k.name("us-west-2") for k in kinds] == [
        "USW2-Notebk:ml.t2.medium",
        "USW2-Requests-Tier1",
    ]
    assert all(parse(k.name(r)) == k for k in kinds for r in ("us-east-1", "eu-west-1"))


def hours(day: date, family: str, instance_type: str | None, quantity: float) -> Usage:
    return Usage(day, "us-east-1", UsageType(family, instance_type), "r", quantity)


def test_free_tier_is_used_up_in_order_and_resets_monthly() -> None:
    usages = [
        hours(date(2025, 1, 20), NOTEBOOK, "ml.t2.medium", 200),
        hours(date(2025, 1, 25), NOTEBOOK, "ml.t3.medium", 100),  # 50 h left of 250
        hours(date(2025, 2, 1), NOTEBOOK, "ml.t2.medium", 10),  # a new month
        hours(date(2025, 1, 21), TRAINING, "ml.m5.large", 5),  # not a free-tier type
    ]
    free, uses = free_tier.apply(usages, created=date(2025, 1, 10))
    assert free == [200, 50, 10, 0]
    january = next(u for u in uses if u.month == date(2025, 1, 1))
    assert (january.used, january.free, january.eligible) == (300, 250, True)


def test_free_tier_ends_two_months_after_creation() -> None:
    usages = [
        hours(date(2025, 3, 9), TRAINING, "ml.m4.xlarge", 1),
        hours(date(2025, 3, 10), TRAINING, "ml.m4.xlarge", 1),
    ]
    free, _ = free_tier.apply(usages, created=date(2025, 1, 10))
    assert free == [1, 0]


def test_periods_split_and_validate() -> None:
    today = date(2025, 5, 20)
    assert periods.split(date(2025, 4, 30), date(2025, 5, 2), "DAILY") == [
        (date(2025, 4, 30), date(2025, 5, 1)),
        (date(2025, 5, 1), date(2025, 5, 2)),
    ]
    assert periods.split(date(2025, 4, 15), date(2025, 6, 1), "MONTHLY") == [
        (date(2025, 4, 15), date(2025, 5, 1)),
        (date(2025, 5, 1), date(2025, 6, 1)),
    ]
    with pytest.raises(CeValidation, match="should be before end date"):
        periods.parse({"Start": "2025-05-02", "End": "2025-05-02"}, today)
    with pytest.raises(CeValidation, match="past the beginning of next month"):
        periods.parse({"Start": "2025-05-01", "End": "2025-06-02"}, today)
