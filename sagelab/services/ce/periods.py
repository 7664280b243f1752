"""GetCostAndUsage's TimePeriod: its checks, as Cost Explorer answers them, and its split
into DAILY or MONTHLY result periods (start inclusive, end exclusive)."""

from __future__ import annotations

from datetime import date, timedelta

from sagelab.billing import days
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.ce.errors import CeValidation


def _date(value: str) -> date:
    if "T" in value:
        raise NotImplementedByUs(message="Hourly time periods are not supported by sagelab")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CeValidation(message=f"Invalid date format: {value}") from None


def parse(period: dict[str, str], today: date) -> tuple[date, date]:
    start, end = _date(period["Start"]), _date(period["End"])
    if start >= end:
        raise CeValidation(message="Start date (and hour) should be before end date (and hour)")
    if end > days.add_months(today.replace(day=1), 1):
        raise CeValidation(message="end date past the beginning of next month")
    return start, end


def split(start: date, end: date, granularity: str) -> list[tuple[date, date]]:
    if granularity == "HOURLY":
        raise NotImplementedByUs(message="Granularity HOURLY is not supported by sagelab")
    periods, at = [], start
    while at < end:
        step = at + timedelta(days=1)
        if granularity == "MONTHLY":
            step = days.add_months(at.replace(day=1), 1)
        periods.append((at, min(step, end)))
        at = min(step, end)
    return periods
