"""UTC days: bills are summed per day, and usage that spans midnight is split at it."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

DAY = 86400.0


def of(ts: float) -> date:
    return datetime.fromtimestamp(ts, UTC).date()


def start_of(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def split(start: float, end: float) -> Iterator[tuple[date, float]]:
    """Seconds of [start, end) that fall on each UTC day."""
    at = start
    while at < end:
        day = of(at)
        until = min(end, start_of(day + timedelta(days=1)))
        yield day, until - at
        at = until


def month_seconds(day: date) -> float:
    return calendar.monthrange(day.year, day.month)[1] * DAY


def add_months(day: date, months: int) -> date:
    """The same day `months` later (clamped to the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
