"""Feature and label normalisation, fitted on the first `num_point_for_scaler` rows (§2.4.3).

The fit goes through the sample's first and second moments, which the hosts of a
data-parallel job pool (weighted by their rows) into one scaler for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.linear_learner.hyperparameters import Config

Array = npt.NDArray[np.float32]
Moments = dict[str, npt.NDArray[np.float64]]


def moments(features: Array, labels: Array) -> Moments:
    x = features.astype(np.float64)
    y = labels.astype(np.float64)
    return {"x1": x.mean(axis=0), "x2": (x * x).mean(axis=0),
            "y": np.array([y.mean(), (y * y).mean()])}


def _std(first: npt.NDArray[np.float64], second: npt.NDArray[np.float64]) -> Array:
    std: Array = np.sqrt(np.maximum(second - first * first, 0)).astype(np.float32)
    return std


@dataclass(frozen=True)
class Scaler:
    x_mean: Array
    x_scale: Array
    y_mean: float
    y_scale: float

    @classmethod
    def fit(cls, features: Array, labels: Array, config: Config) -> Scaler:
        return cls.from_moments(moments(features, labels), config)

    @classmethod
    def from_moments(cls, found: Moments, config: Config) -> Scaler:
        width = len(found["x1"])
        x_mean = found["x1"] if config.unbias_data else np.zeros(width)
        x_scale = np.ones(width, np.float32)
        if config["normalize_data"] in (True, "auto"):
            x_scale = _spread(_std(found["x1"], found["x2"]))
        y_first, y_second = found["y"][:1], found["y"][1:]
        y_mean = float(y_first[0]) if config.unbias_label else 0.0
        y_scale = float(_spread(_std(y_first, y_second))[0]) if config.normalize_label else 1.0
        return cls(x_mean.astype(np.float32), x_scale.astype(np.float32), y_mean, y_scale)

    def log_line(self) -> str:
        return (
            "Scaling model computed with parameters: "
            f"{{'stdev_weight': {np.round(self.x_scale, 6).tolist()}, "
            f"'stdev_label': {self.y_scale}, 'mean_label': {self.y_mean}, "
            f"'mean_weight': {np.round(self.x_mean, 6).tolist()}}}"
        )


def _spread(std: Array) -> Array:
    """A constant feature keeps scale 1 rather than dividing by zero."""
    return np.where(std > 1e-12, std, 1.0).astype(np.float32)
