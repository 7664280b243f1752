"""Many series laid end to end in flat arrays, so that a mini-batch of windows, or the
instances of a request, are gathered with one fancy index whatever their lengths.

Series i occupies `margin + len_i + horizon` slots from `offsets[i]`: `margin` slots of
padding before its start (the lags of its first points), its targets, then `horizon` slots
for the points a forecast fills in. A window anchored at `a` is the forecast made at time
`a`: its segment holds the targets of `[a - margin, a + horizon)` (NaN where unknown), and
the covariates of the `horizon` points it predicts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.deepar import calendar
from sagelab.algorithms.deepar.hyperparameters import Frequency
from sagelab.algorithms.deepar.series import Series

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass
class Windows:
    segment: Array  # [windows, margin + horizon]
    time: Array  # [windows, horizon, time features]
    dynamic: Array  # [windows, horizon, dynamic features]
    cats: IntArray  # [windows, categorical features]

    def repeated(self, times: int) -> Windows:
        """Each window `times` times in a row: one per sample path."""
        return Windows(np.repeat(self.segment, times, axis=0),
                       np.repeat(self.time, times, axis=0),
                       np.repeat(self.dynamic, times, axis=0), np.repeat(self.cats, times, axis=0))


class Panel:
    def __init__(self, series: list[Series], margin: int, horizon: int, freq: Frequency,
                 num_dynamic: int, num_cats: int) -> None:
        self.margin, self.horizon = margin, horizon
        self.lengths = np.array([len(s) for s in series], np.int64)
        sizes = margin + self.lengths + horizon
        self.offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self.target = np.concatenate(
            [np.concatenate([np.full(margin, np.nan), s.target, np.full(horizon, np.nan)])
             for s in series])
        self.time = np.concatenate(
            [calendar.time_features(s.start, freq, np.arange(-margin, len(s) + horizon))
             for s in series])
        self.dynamic = np.concatenate([self._dynamic(s, num_dynamic) for s in series])
        self.cats = np.array([s.cat[:num_cats] for s in series], np.int64).reshape(
            len(series), num_cats)

    def _dynamic(self, series: Series, count: int) -> Array:
        out = np.zeros((self.margin + len(series) + self.horizon, count))
        known = series.dynamic_feat[:count].T
        out[self.margin:self.margin + len(known)] = known
        return out

    def windows(self, index: IntArray, anchors: IntArray) -> Windows:
        first = self.offsets[index] + anchors
        segment = self.target[first[:, None] + np.arange(self.margin + self.horizon)]
        points = (first + self.margin)[:, None] + np.arange(self.horizon)
        return Windows(segment, self.time[points], self.dynamic[points], self.cats[index])

    def forecast_windows(self) -> Windows:
        """Each series' window anchored at its end: what a forecast of it conditions on."""
        return self.windows(np.arange(len(self.lengths)), self.lengths)
