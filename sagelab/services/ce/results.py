"""ResultsByTime from billing's report lines: each period's lines, filtered, grouped by up to
two dimensions, summed per metric. Cost metrics are the bill after the free tier (AWS's bill
has no blended rates, credits or reservations here, so every cost metric is the same
figure); UsageQuantity is in the usage type's unit, "N/A" where units are mixed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from sagelab.billing import Line
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.ce.errors import CeValidation

COSTS = frozenset(
    {"UnblendedCost", "BlendedCost", "AmortizedCost", "NetUnblendedCost", "NetAmortizedCost"}
)
USAGE = "UsageQuantity"
METRICS = COSTS | {USAGE, "NormalizedUsageAmount"}

DIMENSIONS: dict[str, Callable[[Line], str]] = {
    "SERVICE": lambda line: line.service,
    "USAGE_TYPE": lambda line: line.usage_type,
    "REGION": lambda line: line.usage.region,
}


def check_metrics(metrics: list[str]) -> None:
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise CeValidation(message=f"Invalid metric names: {', '.join(unknown)}")
    if "NormalizedUsageAmount" in metrics:
        raise NotImplementedByUs(message="Metric NormalizedUsageAmount is not supported by sagelab")


def _dimension(key: str) -> Callable[[Line], str]:
    found = DIMENSIONS.get(key)
    if found is None:
        raise NotImplementedByUs(message=f"Dimension {key} is not supported by sagelab")
    return found


def groupers(group_by: list[dict[str, str]] | None) -> list[Callable[[Line], str]]:
    if not group_by:
        return []
    if len(group_by) > 2:
        raise CeValidation(message="You can only group by up to two dimensions")
    for g in group_by:
        if g.get("Type") != "DIMENSION":
            raise NotImplementedByUs(message=f"GroupBy type {g.get('Type')} is not supported")
    return [_dimension(g.get("Key", "")) for g in group_by]


def line_filter(expression: dict[str, Any] | None) -> Callable[[Line], bool]:
    """Only one dimension's EQUALS values; anything richer answers 501."""
    if not expression:
        return lambda line: True
    dims: dict[str, Any] = expression.get("Dimensions") or {}
    if set(expression) != {"Dimensions"} or dims.get("MatchOptions") not in (None, ["EQUALS"]):
        raise NotImplementedByUs(
            message="Filter is supported by sagelab for one Dimensions EQUALS expression only"
        )
    value, wanted = _dimension(dims.get("Key", "")), set(dims.get("Values") or [])
    return lambda line: value(line) in wanted


def amount(x: float) -> str:
    text = f"{x:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def metric_values(lines: list[Line], metrics: list[str]) -> dict[str, dict[str, str]]:
    cost = sum(line.cost for line in lines)
    units = {line.unit for line in lines}
    quantity = {
        "Amount": amount(sum(line.usage.quantity for line in lines)),
        "Unit": units.pop() if len(units) == 1 else "N/A",
    }
    return {m: quantity if m == USAGE else {"Amount": amount(cost), "Unit": "USD"} for m in metrics}


def result(
    period: tuple[date, date],
    lines: list[Line],
    metrics: list[str],
    keys: list[Callable[[Line], str]],
    today: date,
) -> dict[str, Any]:
    inside = [line for line in lines if period[0] <= line.usage.day < period[1]]
    found: dict[str, Any] = {
        "TimePeriod": {"Start": period[0].isoformat(), "End": period[1].isoformat()},
        "Estimated": period[1] > today,
    }
    if not keys:
        return {**found, "Total": metric_values(inside, metrics), "Groups": []}
    groups: dict[tuple[str, ...], list[Line]] = defaultdict(list)
    for line in inside:
        groups[tuple(k(line) for k in keys)].append(line)
    found["Total"] = {}
    found["Groups"] = [
        {"Keys": list(g), "Metrics": metric_values(groups[g], metrics)} for g in sorted(groups)
    ]
    return found
