"""A factorization machine: ŷ = w₀ + Σwᵢxᵢ + ½Σ_f[(Σvᵢ_f xᵢ)² - Σvᵢ_f² xᵢ²]
(reference/algorithms.md §3.5), evaluated and differentiated over a sparse batch in O(nnz·f).

Artifact: `model_algo-1` (the real one's member name), an `.npz` of `w0`, `w`, `v` and a
`state` JSON string (format, predictor type, hyperparameters).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]  # no stubs

Array = npt.NDArray[np.float32]
Matrix = Any  # a scipy CSR matrix (no stubs) or a dense array
ARTIFACT = "model_algo-1"
FORMAT = "sagelab-factorization-machines"


def sigmoid(z: Array) -> Array:
    out: Array = 0.5 * (1 + np.tanh(0.5 * z))  # overflow-free logistic
    return out


@dataclass
class Parameters:
    w0: Array  # [1]
    w: Array  # [features]
    v: Array  # [features, factors]


@dataclass
class Forward:
    """A batch's raw output and what its gradient reuses."""

    raw: Array
    xv: Array  # [rows, factors]: Σᵢ vᵢ_f xᵢ
    squared: sp.csr_matrix | Array  # x²


def forward(params: Parameters, x: Matrix) -> Forward:
    squared = x.multiply(x).tocsr() if sp.issparse(x) else x * x
    xv = np.asarray(x @ params.v, dtype=np.float32)
    pairwise = 0.5 * (xv**2 - np.asarray(squared @ (params.v**2))).sum(axis=1)
    raw = params.w0[0] + np.asarray(x @ params.w).ravel() + pairwise
    return Forward(raw.astype(np.float32), xv, squared)


def gradients(params: Parameters, x: Matrix, state: Forward, dloss: Array) -> Parameters:
    """∂(Σ loss)/∂θ given ∂loss/∂ŷ per row."""
    xt = x.T
    dv = np.asarray(xt @ (dloss[:, None] * state.xv)) - params.v * np.asarray(
        state.squared.T @ dloss)[:, None]
    return Parameters(np.array([dloss.sum()], np.float32), np.asarray(xt @ dloss).ravel(), dv)


@dataclass
class FMModel:
    predictor_type: str
    params: Parameters
    hyperparameters: dict[str, Any] = field(default_factory=dict)

    @property
    def feature_dim(self) -> int:
        return int(self.params.w.shape[0])

    def scores(self, x: Matrix) -> Array:
        raw = forward(self.params, x).raw
        return raw if self.predictor_type == "regressor" else sigmoid(raw)

    def predict(self, x: Matrix) -> list[dict[str, Any]]:
        scores = self.scores(x).tolist()
        if self.predictor_type == "regressor":
            return [{"score": s} for s in scores]
        return [{"score": s, "predicted_label": 1.0 if s > 0.5 else 0.0} for s in scores]

    def save(self, model_dir: Path) -> None:
        state = {"format": FORMAT, "predictor_type": self.predictor_type,
                 "hyperparameters": self.hyperparameters}
        with (model_dir / ARTIFACT).open("wb") as f:
            np.savez(f, w0=self.params.w0, w=self.params.w, v=self.params.v,
                     state=np.array(json.dumps(state, default=str)))

    @classmethod
    def load(cls, model_dir: Path) -> FMModel:
        with np.load(model_dir / ARTIFACT) as saved:
            state = json.loads(str(saved["state"]))
            params = Parameters(saved["w0"], saved["w"], saved["v"])
        if state.get("format") != FORMAT:
            raise ValueError(f"{ARTIFACT} is not a {FORMAT} model")
        return cls(state["predictor_type"], params, state["hyperparameters"])
