"""PutMetricData's MetricDatum: its rules, and the samples it stores.

A datum carries exactly one of `Value`, `Values` (+ `Counts`) or `StatisticValues`; errors name
the member as the query protocol spells it (`MetricData.member.N.Value`), as AWS does.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sagelab.services.cloudwatch.errors import (
    InvalidParameterCombination,
    InvalidParameterValue,
    MissingParameter,
)
from sagelab.services.cloudwatch.metrics import Sample

_TWO_WEEKS = 14 * 86_400
_TWO_HOURS = 2 * 3_600
_RESOLUTIONS = (1, 60)


def dimensions_of(datum: Mapping[str, Any]) -> dict[str, str]:
    return {d["Name"]: d["Value"] for d in datum.get("Dimensions") or ()}


def samples(datum: Mapping[str, Any], index: int, now: float | None = None) -> list[Sample]:
    """The rows one datum stores; raises the error AWS gives for a malformed datum."""
    where = f"MetricData.member.{index}"
    _check_exclusive(datum, where)
    timestamp = _timestamp(datum.get("Timestamp"), where, time.time() if now is None else now)
    unit = datum.get("Unit") or "None"
    if datum.get("StorageResolution", 60) not in _RESOLUTIONS:
        raise InvalidParameterValue(
            message=f"The value {datum['StorageResolution']} for parameter "
            f"{where}.StorageResolution is not valid."
        )
    if "Value" in datum:
        return [Sample.value(timestamp, float(datum["Value"]), unit)]
    if "StatisticValues" in datum:
        return [_statistic_set(datum["StatisticValues"], timestamp, unit, where)]
    return _values(datum, timestamp, unit, where)


def _check_exclusive(datum: Mapping[str, Any], where: str) -> None:
    given = [k for k in ("Value", "StatisticValues", "Values") if k in datum]
    if len(given) > 1:
        raise InvalidParameterCombination(
            message=f"The parameters {where}.{given[0]} and {where}.{given[1]} are mutually "
            "exclusive and you have specified both."
        )
    if not given:
        raise MissingParameter(message=f"The parameter {where}.Value is required.")


def _timestamp(stamp: datetime | None, where: str, now: float) -> float:
    if stamp is None:
        return now
    seconds = stamp.timestamp()
    if seconds < now - _TWO_WEEKS or seconds > now + _TWO_HOURS:
        raise InvalidParameterValue(
            message=f"The parameter {where}.Timestamp must specify a time no more than two "
            "weeks in the past and no more than two hours in the future."
        )
    return seconds


def _statistic_set(stats: Mapping[str, Any], timestamp: float, unit: str, where: str) -> Sample:
    if stats["Minimum"] > stats["Maximum"] or stats["SampleCount"] <= 0:
        raise InvalidParameterValue(
            message=f"The values for parameter {where}.StatisticValues are not valid."
        )
    return Sample(
        timestamp,
        unit,
        float(stats["SampleCount"]),
        float(stats["Sum"]),
        float(stats["Minimum"]),
        float(stats["Maximum"]),
    )


def _values(datum: Mapping[str, Any], timestamp: float, unit: str, where: str) -> list[Sample]:
    values = datum["Values"]
    counts = datum.get("Counts") or [1.0] * len(values)
    if len(counts) != len(values):
        raise InvalidParameterValue(
            message=f"The parameters {where}.Values and {where}.Counts must be of the same size."
        )
    return [
        Sample.value(timestamp, float(v), unit, float(c))
        for v, c in zip(values, counts, strict=True)
        if c > 0
    ]
