"""What a series' frequency says: the calendar covariates of each time point (DeepAR's
"time features", encoded as a sine/cosine pair per cycle so the year wraps smoothly) and the
seasonal lags worth feeding the network."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.deepar.hyperparameters import Frequency

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
_MINUTES = {"min": 1, "H": 60, "D": 1440, "W": 10080}
# The cycles a point of each unit sits in, as (name, period): the features DeepAR derives.
_CYCLES = {
    "M": ("month_of_year",),
    "W": ("week_of_year",),
    "D": ("day_of_week", "day_of_month", "day_of_year"),
    "H": ("hour_of_day", "day_of_week"),
    "min": ("minute_of_hour", "hour_of_day", "day_of_week"),
}
_PERIODS = {"month_of_year": 12, "week_of_year": 53, "day_of_week": 7, "day_of_month": 31,
            "day_of_year": 366, "hour_of_day": 24, "minute_of_hour": 60}
# Seasons in units of the base frequency: a year of months, a week of days...
_SEASONS = {"M": (12,), "W": (52,), "D": (7,), "H": (24, 168), "min": (60, 1440)}
_MAX_LAG = 1000  # longer lags would make every window mostly padding


def feature_count(freq: Frequency) -> int:
    return 2 * len(_CYCLES[freq.unit])


def _cycle_values(name: str, minutes: IntArray) -> IntArray:
    days: IntArray = minutes // 1440
    if name == "minute_of_hour":
        return minutes % 60
    if name == "hour_of_day":
        return (minutes // 60) % 24
    if name == "day_of_week":
        return (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    moments = days.astype("datetime64[D]")
    since = moments.astype("datetime64[M]" if name == "day_of_month" else "datetime64[Y]")
    elapsed: IntArray = (moments - since).astype(np.int64)
    return elapsed // 7 if name == "week_of_year" else elapsed


def time_features(start: np.datetime64, freq: Frequency, positions: IntArray) -> Array:
    """`[len(positions), feature_count]`: the cycles of `start + position * freq`."""
    if freq.unit == "M":
        months = start.astype("datetime64[M]").astype(np.int64) + positions * freq.multiple
        values = {"month_of_year": months % 12}
    else:
        first = start.astype("datetime64[m]").astype(np.int64)
        minutes = first + positions * freq.multiple * _MINUTES[freq.unit]
        values = {name: _cycle_values(name, minutes) for name in _CYCLES[freq.unit]}
    columns = []
    for name in _CYCLES[freq.unit]:
        angle = 2 * np.pi * values[name] / _PERIODS[name]
        columns += [np.sin(angle), np.cos(angle)]
    return np.stack(columns, axis=1)


def lags(freq: Frequency, context_length: int) -> list[int]:
    """Every lag within the context, plus a season and two seasons back (and their
    neighbours, for seasons that drift by a step)."""
    chosen = set(range(1, context_length + 1))
    for season in _SEASONS[freq.unit]:
        period = season // freq.multiple
        if period >= 2:
            chosen |= {period - 1, period, period + 1, 2 * period}
    return sorted(lag for lag in chosen if lag <= max(_MAX_LAG, context_length))
