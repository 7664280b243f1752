"""A trained K-Means model: the centroids, saved as MXNet's NDArray list (`model_algo-1`,
element 0 = centroids [k, feature_dim]), and the answers it gives."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.kmeans import ndarray

Array = npt.NDArray[np.float32]
ARTIFACT = "model_algo-1"


def squared_distances(x: Array, centers: Array) -> Array:
    """[rows, centres] squared Euclidean distances, clipped at 0 against rounding."""
    d: Array = ((x * x).sum(1)[:, None] - 2 * x @ centers.T + (centers * centers).sum(1)[None])
    return np.maximum(d, 0)


@dataclass(frozen=True)
class KMeansModel:
    centroids: Array

    @property
    def feature_dim(self) -> int:
        return int(self.centroids.shape[1])

    def assign(self, x: Array) -> tuple[npt.NDArray[np.intp], Array]:
        """(closest centroid, squared distance to it) per row."""
        d = squared_distances(x, self.centroids)
        closest = d.argmin(axis=1)
        return closest, d[np.arange(len(x)), closest]

    def predict(self, x: Array) -> list[dict[str, Any]]:
        closest, squared = self.assign(x)
        # The real one answers the cluster index as a float (reference §0.9).
        return [{"closest_cluster": float(c), "distance_to_cluster": float(d)}
                for c, d in zip(closest, np.sqrt(squared), strict=True)]

    def save(self, model_dir: Path) -> None:
        ndarray.save(model_dir / ARTIFACT, [self.centroids.astype(np.float32)])

    @classmethod
    def load(cls, model_dir: Path) -> KMeansModel:
        arrays, _ = ndarray.load(model_dir / ARTIFACT)
        return cls(np.asarray(arrays[0], np.float32))
