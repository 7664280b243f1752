"""A trained Random Cut Forest: its trees and the score threshold (mean + 3 std of the training
sample's scores) that the test metrics label anomalies by.

Artifact: `model_algo-1` (the real one's member name), an `.npz` of the forest's arrays plus
`threshold` and `feature_dim`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sagelab.algorithms.random_cut_forest.forest import Array, Forest, score

ARTIFACT = "model_algo-1"


@dataclass
class RCFModel:
    forest: Forest
    threshold: float
    feature_dim: int

    def scores(self, features: Array) -> Array:
        return score(self.forest, features)

    def predict(self, features: Array) -> list[dict[str, Any]]:
        return [{"score": s} for s in self.scores(features).tolist()]

    def save(self, model_dir: Path) -> None:
        with (model_dir / ARTIFACT).open("wb") as f:
            np.savez(f, threshold=self.threshold, feature_dim=self.feature_dim,
                     **self.forest.arrays())  # type: ignore[arg-type]  # numpy's stub

    @classmethod
    def load(cls, model_dir: Path) -> RCFModel:
        with np.load(model_dir / ARTIFACT) as saved:
            arrays = {name: saved[name] for name in saved.files}
        threshold, feature_dim = arrays.pop("threshold"), arrays.pop("feature_dim")
        return cls(Forest(**arrays), float(threshold), int(feature_dim))
