"""Feature and label normalisation, fitted on the first `num_point_for_scaler` rows (§2.4.3)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.linear_learner.hyperparameters import Config

Array = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Scaler:
    x_mean: Array
    x_scale: Array
    y_mean: float
    y_scale: float

    @classmethod
    def fit(cls, features: Array, labels: Array, config: Config) -> Scaler:
        width = features.shape[1]
        x_mean = features.mean(axis=0) if config.unbias_data else np.zeros(width, np.float32)
        x_scale = np.ones(width, np.float32)
        if config["normalize_data"] in (True, "auto"):
            x_scale = _spread(features.std(axis=0))
        y_mean = float(labels.mean()) if config.unbias_label else 0.0
        y_scale = float(_spread(np.atleast_1d(labels.std()))[0]) if config.normalize_label else 1.0
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
