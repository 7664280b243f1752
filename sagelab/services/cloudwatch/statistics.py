"""Statistics over periods: samples fall into buckets of `period` seconds, each bucket reports
SampleCount, Average, Sum, Minimum, Maximum and percentiles (pNN, pNN.NN).

Pure functions: no store, no HTTP.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.cloudwatch.errors import InvalidParameterValue
from sagelab.services.cloudwatch.metrics import Sample

BASIC = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
HIGH_RESOLUTION_PERIODS = (1, 5, 10, 30)
_PERCENTILE = re.compile(r"^p(\d{1,2}(?:\.\d{1,2})?|100)$")
# Statistics CloudWatch has that sagelab does not compute (trimmed/winsorized means...).
_OTHER_STATISTIC = re.compile(r"^(tm|wm|tc|ts|pr|iqm)", re.IGNORECASE)


@dataclass
class Bucket:
    start: float
    unit: str
    sample_count: float = 0.0
    total: float = 0.0
    minimum: float = math.inf
    maximum: float = -math.inf
    # (value, count) of raw samples; None once a statistic set with a spread falls in, as
    # percentiles need every value.
    values: list[tuple[float, float]] | None = field(default_factory=list)

    def add(self, sample: Sample) -> None:
        self.sample_count += sample.sample_count
        self.total += sample.total
        self.minimum = min(self.minimum, sample.minimum)
        self.maximum = max(self.maximum, sample.maximum)
        if self.values is None:
            return
        if sample.minimum == sample.maximum:
            self.values.append((sample.minimum, sample.sample_count))
        else:
            self.values = None

    def statistic(self, name: str) -> float | None:
        """The value of one statistic; None where it cannot be known (a percentile of sets)."""
        basic = {
            "SampleCount": self.sample_count,
            "Sum": self.total,
            "Minimum": self.minimum,
            "Maximum": self.maximum,
            "Average": self.total / self.sample_count if self.sample_count else 0.0,
        }
        if name in basic:
            return basic[name]
        return _percentile(self.values, float(name[1:])) if self.values is not None else None


def _percentile(values: Sequence[tuple[float, float]], rank: float) -> float | None:
    """Nearest-rank percentile of weighted values."""
    if not values:
        return None
    ordered = sorted(values)
    total = sum(count for _, count in ordered)
    wanted = max(rank / 100.0 * total, min(count for _, count in ordered))
    seen = 0.0
    for value, count in ordered:
        seen += count
        if seen >= wanted:
            return value
    return ordered[-1][0]


def check_statistic(name: str, where: str) -> None:
    """A basic statistic or pNN; other CloudWatch statistics are 501, anything else 400."""
    if name in BASIC or _PERCENTILE.match(name):
        return
    if _OTHER_STATISTIC.match(name):
        raise NotImplementedByUs(message=f"{where} {name} is not implemented by sagelab")
    raise InvalidParameterValue(message=f"The value {name} for parameter {where} is not valid.")


def check_period(period: int, where: str = "Period") -> None:
    if period <= 0 or (period % 60 and period not in HIGH_RESOLUTION_PERIODS):
        raise InvalidParameterValue(
            message=f"The parameter {where} must be a multiple of 60 or one of "
            f"{', '.join(map(str, HIGH_RESOLUTION_PERIODS))}."
        )


def origin(start: float, period: int) -> float:
    """Where the first bucket begins: CloudWatch rounds the start time down (to the minute,
    or to the period when it is shorter)."""
    unit = min(period, 60)
    return math.floor(start / unit) * unit


def bucket_count(start: float, end: float, period: int) -> int:
    return max(0, math.ceil((end - origin(start, period)) / period))


def aggregate(samples: Iterable[Sample], start: float, period: int) -> list[Bucket]:
    """Non-empty buckets, oldest first."""
    first = origin(start, period)
    buckets: dict[int, Bucket] = {}
    for sample in samples:
        index = int((sample.timestamp - first) // period)
        bucket = buckets.get(index)
        if bucket is None:
            bucket = buckets[index] = Bucket(first + index * period, sample.unit)
        bucket.add(sample)
    return [buckets[i] for i in sorted(buckets)]
