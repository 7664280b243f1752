"""A trained Linear Learner model: save, load, predict.

Artifact (reference/algorithms.md §5.2): the real algorithm leaves `model_algo-1`, a zip of
MXNet Module files. Writing MXNet's formats would buy nothing here (no MXNet to load them),
so `model_algo-1` keeps the name and the zip container (`unzip model_algo-1` works, and lesson
code finds the file) but holds sagelab's own state: `sagelab.json` (format name and version,
predictor type, loss, threshold, hyperparameters) and `weights.npz` (`weight [features,
outputs]`, `bias [outputs]`, already folded with the data and label scaling so prediction is
one product, plus the scaler itself, `x_mean`, `x_scale`, `y_mean`, `y_scale`, for reference).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.linear_learner.losses import sigmoid, softmax
from sagelab.algorithms.linear_learner.scaler import Scaler

Array = npt.NDArray[np.float32]
ARTIFACT = "model_algo-1"
FORMAT = "sagelab-linear-learner"
VERSION = 1


@dataclass(frozen=True)
class LinearModel:
    predictor_type: str
    loss: str
    weight: Array  # [features, outputs], in the features' and label's own units
    bias: Array  # [outputs]
    threshold: float = 0.5
    scaler: Scaler | None = None
    hyperparameters: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_normalised(cls, theta: Array, scaler: Scaler, **kw: Any) -> LinearModel:
        """Fold the scaling into a model's `[features + 1, outputs]` block of theta."""
        weight_n, bias_n = theta[:-1], theta[-1]
        weight = weight_n / scaler.x_scale[:, None] * np.float32(scaler.y_scale)
        bias = (bias_n - (scaler.x_mean / scaler.x_scale) @ weight_n) * np.float32(
            scaler.y_scale) + np.float32(scaler.y_mean)
        return cls(weight=weight.astype(np.float32), bias=bias.astype(np.float32),
                   scaler=scaler, **kw)

    @property
    def feature_dim(self) -> int:
        return int(self.weight.shape[0])

    def raw(self, features: Array) -> Array:
        out: Array = features @ self.weight + self.bias
        return out

    def scores(self, features: Array) -> Array:
        return self.activate(self.raw(features))

    def activate(self, z: Array) -> Array:
        """Regressor: ŷ; logistic: P(y=1); hinge: the margin; multiclass: probabilities."""
        if self.loss == "softmax_loss":
            return softmax(z)
        return sigmoid(z[:, 0]) if self.loss == "logistic" else z[:, 0]

    def labels(self, scores: Array) -> npt.NDArray[np.int64]:
        picked = scores.argmax(axis=1) if scores.ndim == 2 else scores > self.threshold
        labels: npt.NDArray[np.int64] = picked.astype(np.int64)
        return labels

    def predict(self, features: Array) -> list[dict[str, Any]]:
        """One JSON-ready result per row, shaped as reference §2.6."""
        scores = self.scores(features)
        if self.predictor_type == "regressor":
            return [{"score": s} for s in scores.tolist()]
        labels = self.labels(scores).tolist()
        return [{"score": s, "predicted_label": k} for s, k in zip(scores.tolist(), labels,
                                                                     strict=True)]

    def save(self, model_dir: Path) -> Path:
        arrays: dict[str, Any] = {"weight": self.weight, "bias": self.bias}
        if self.scaler is not None:
            arrays |= {"x_mean": self.scaler.x_mean, "x_scale": self.scaler.x_scale,
                       "y_mean": self.scaler.y_mean, "y_scale": self.scaler.y_scale}
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        state = {"format": FORMAT, "version": VERSION, "predictor_type": self.predictor_type,
                 "loss": self.loss, "threshold": self.threshold,
                 "hyperparameters": self.hyperparameters}
        path = model_dir / ARTIFACT
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("sagelab.json", json.dumps(state, indent=2, default=str))
            archive.writestr("weights.npz", buffer.getvalue())
        return path

    @classmethod
    def load(cls, model_dir: Path) -> LinearModel:
        with zipfile.ZipFile(model_dir / ARTIFACT) as archive:
            state = json.loads(archive.read("sagelab.json"))
            arrays = np.load(io.BytesIO(archive.read("weights.npz")))
            weight, bias = arrays["weight"], arrays["bias"]
        if state.get("format") != FORMAT:
            raise ValueError(f"{ARTIFACT} is not a {FORMAT} model")
        return cls(state["predictor_type"], state["loss"], weight, bias,
                   float(state["threshold"]), hyperparameters=state["hyperparameters"])
