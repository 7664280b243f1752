"""The scatter matrix of a channel, streamed: one read accumulates, about a shift s (the first
mini-batch's mean, or the mean a previous read found), the count, Σ(x - s) and
Σ(x - s)(x - s)ᵀ·Q for a basis Q (the whole matrix when there is none). Shifting by a point
near the mean keeps the float32 products accurate; the hosts' (or any partitions') sums then
combine exactly into the scatter about the true mean (or about 0 without `subtract_mean`):

    Σ(x - c)(x - c)ᵀQ = P - δ(uᵀQ) - u(δᵀQ) + n·δ(δᵀQ),  δ = c - s,  u = Σ(x - s)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.linear_learner.cluster import Arrays, Cluster

Float64 = npt.NDArray[np.float64]
Float32 = npt.NDArray[np.float32]


def _times(vectors: Float64, basis: Float64 | None) -> Float64:
    return vectors if basis is None else vectors @ basis


class Read:
    """One pass over this host's rows."""

    def __init__(self, feature_dim: int, basis: Float64 | None, shift: Float64 | None) -> None:
        self.basis = basis
        self.shift = shift
        self.rows = 0
        self.total = np.zeros(feature_dim)
        self.product = np.zeros((feature_dim, feature_dim if basis is None else basis.shape[1]))
        self._basis32 = None if basis is None else basis.astype(np.float32)

    def add(self, x: Float32) -> None:
        if self.shift is None:
            self.shift = x.mean(axis=0, dtype=np.float64)
        centred = x - self.shift.astype(np.float32)
        self.rows += len(x)
        self.total += centred.sum(axis=0, dtype=np.float64)
        right = centred if self._basis32 is None else centred @ self._basis32
        self.product += centred.T @ right

    def consume(self, batches: Iterable[Float32]) -> Read:
        for x in batches:
            self.add(x)
        return self

    def arrays(self) -> Arrays:
        shift = np.zeros_like(self.total) if self.shift is None else self.shift
        return {"rows": np.array([self.rows]), "shift": shift, "total": self.total,
                "product": self.product}


def combine(parts: Sequence[Arrays], basis: Float64 | None, subtract_mean: bool
            ) -> tuple[int, Float64, Float64]:
    """(rows, mean, scatter·Q about the mean, or about 0 without `subtract_mean`)."""
    rows = int(sum(int(p["rows"][0]) for p in parts))
    mean = sum((p["shift"] * int(p["rows"][0]) + p["total"] for p in parts),
               np.zeros_like(parts[0]["total"])) / max(rows, 1)
    centre = mean if subtract_mean else np.zeros_like(mean)
    out = np.zeros_like(parts[0]["product"])
    for part in parts:
        delta, offsets = centre - part["shift"], part["total"]
        delta_q, offsets_q = _times(delta, basis), _times(offsets, basis)
        out += (part["product"] - np.outer(delta, offsets_q) - np.outer(offsets, delta_q)
                + int(part["rows"][0]) * np.outer(delta, delta_q))
    return rows, mean, out


def scatter(cluster: Cluster, read: Read, subtract_mean: bool) -> tuple[int, Float64, Float64]:
    """Every host's read of this pass, combined: the same answer on each host."""
    return combine(cluster.gather(read.arrays()), read.basis, subtract_mean)
