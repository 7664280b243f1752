"""A trained PCA model and its artifact: `model_algo-1`, MXNet's NDArray dict of `s`
(num_components), `v` (feature_dim x num_components) and `mean` (1 x feature_dim), components
in ascending order of singular value as the real one stores them (reference §5.2, §0.10), so
`mx.ndarray.load("model_algo-1")["v"]` works on it. Without `subtract_mean` the stored mean is
zero: the projection is always (x - mean)·v."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.kmeans import ndarray

Array = npt.NDArray[np.float32]
ARTIFACT = "model_algo-1"


@dataclass(frozen=True)
class PCAModel:
    mean: Array  # [1, feature_dim]
    v: Array  # [feature_dim, num_components]
    s: Array  # [num_components], ascending

    @classmethod
    def from_eigen(cls, mean: npt.NDArray[np.float64], values: npt.NDArray[np.float64],
                   vectors: npt.NDArray[np.float64], components: int) -> PCAModel:
        """From an eigendecomposition of the scatter matrix (any order): the top
        `components`, ascending, singular values = √eigenvalues, each vector's sign fixed
        so that its largest entry is positive (eigensolvers' signs are arbitrary)."""
        order = np.argsort(values)[-components:]
        top = vectors[:, order]
        signs = np.sign(top[np.abs(top).argmax(axis=0), np.arange(top.shape[1])])
        s = np.sqrt(np.maximum(values[order], 0))
        return cls(mean.reshape(1, -1).astype(np.float32),
                   (top * np.where(signs == 0, 1, signs)).astype(np.float32),
                   s.astype(np.float32))

    @property
    def feature_dim(self) -> int:
        return int(self.v.shape[0])

    def project(self, x: Array) -> Array:
        return np.asarray((x - self.mean) @ self.v, dtype=np.float32)

    def predict(self, x: Array) -> list[dict[str, Any]]:
        return [{"projection": row} for row in self.project(x).tolist()]

    def save(self, model_dir: Path) -> None:
        ndarray.save(model_dir / ARTIFACT, {"s": self.s, "v": self.v, "mean": self.mean})

    @classmethod
    def load(cls, model_dir: Path) -> PCAModel:
        arrays, names = ndarray.load(model_dir / ARTIFACT)
        saved = dict(zip(names, arrays, strict=True))
        return cls(*(np.asarray(saved[name], np.float32) for name in ("mean", "v", "s")))
