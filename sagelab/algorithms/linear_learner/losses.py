"""The losses of reference/algorithms.md §2.3, for all models at once.

Scores `z` are `[rows, models]` (`[rows, models, classes]` for softmax); labels `y` are
`[rows, 1]` so they broadcast across models. Each function answers the per-element loss and
its derivative with respect to `z`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float32]

# The metric names the real algorithm logs for its objective (§2.5).
OBJECTIVE_NAMES = {
    "squared_loss": "mse_objective",
    "logistic": "binary_classification_cross_entropy_objective",
    "softmax_loss": "multiclass_cross_entropy_objective",
}


def objective_name(loss: str) -> str:
    return OBJECTIVE_NAMES.get(loss, f"{loss.removesuffix('_loss')}_objective")


@dataclass(frozen=True)
class LossParams:
    margin: float = 1.0
    quantile: float = 0.5
    insensitivity: float = 0.01
    huber_delta: float = 1.0


def _squared(z: Array, y: Array, p: LossParams) -> tuple[Array, Array]:
    r = z - y
    return r * r, 2 * r


def _absolute(z: Array, y: Array, p: LossParams) -> tuple[Array, Array]:
    r = z - y
    return np.abs(r), np.sign(r)


def _eps_squared(z: Array, y: Array, p: LossParams) -> tuple[Array, Array]:
    r = z - y
    excess = np.maximum(np.abs(r) - p.insensitivity, 0)
    return excess * excess, 2 * excess * np.sign(r)


def _eps_absolute(z: Array, y: Array, p: LossParams) -> tuple[Array, Array]:
    r = z - y
    excess = np.abs(r) - p.insensitivity
    return np.maximum(excess, 0), np.sign(r) * (excess > 0)


def _quantile(z: Array, y: Array, p: LossParams) -> tuple[Array, Array]:
    r = y - z
    loss = np.maximum(p.quantile * r, (p.quantile - 1) * r)
    return loss, np.where(r > 0, -p.quantile, 1 - p.quantile).astype(np.float32)


def _huber(z: Array, y: Array, p: LossParams) -> tuple[Array, Array]:
    r = z - y
    a = np.abs(r)
    d = p.huber_delta
    loss = np.where(a <= d, 0.5 * r * r, d * (a - 0.5 * d))
    return loss.astype(np.float32), np.clip(r, -d, d)


def _logistic(z: Array, y: Array, p: LossParams) -> tuple[Array, Array]:
    # log(1 + e^z) - y z, written to stay finite for large |z|
    loss = np.logaddexp(0, z) - y * z
    return loss.astype(np.float32), sigmoid(z) - y


def _hinge(z: Array, y: Array, p: LossParams) -> tuple[Array, Array]:
    sign = 2 * y - 1
    slack = p.margin - sign * z
    return np.maximum(slack, 0), -sign * (slack > 0)


def sigmoid(z: Array) -> Array:
    out: Array = 0.5 * (1 + np.tanh(0.5 * z))  # tanh form: no overflow warnings
    return out


SCALAR_LOSSES = {
    "squared_loss": _squared,
    "absolute_loss": _absolute,
    "eps_insensitive_squared_loss": _eps_squared,
    "eps_insensitive_absolute_loss": _eps_absolute,
    "quantile_loss": _quantile,
    "huber_loss": _huber,
    "logistic": _logistic,
    "hinge_loss": _hinge,
}


def softmax(z: Array) -> Array:
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    out: Array = e / e.sum(axis=-1, keepdims=True)
    return out


def softmax_loss(z: Array, classes: npt.NDArray[np.intp]) -> tuple[Array, Array]:
    """z `[rows, models, classes]`, classes `[rows]` → loss `[rows, models]`, grad like z."""
    probs = softmax(z)
    rows = np.arange(len(classes))
    picked = probs[rows, :, classes]
    grad = probs
    grad[rows, :, classes] -= 1
    return -np.log(np.maximum(picked, 1e-12)), grad


def evaluate(
    loss: str, z: Array, y: Array, params: LossParams
) -> tuple[Array, Array]:
    """Loss and gradient for `[rows, models, outputs]` scores; scalar losses use outputs=1."""
    if loss == "softmax_loss":
        return softmax_loss(z, y[:, 0].astype(np.intp))
    value, grad = SCALAR_LOSSES[loss](z[:, :, 0], y, params)
    return value, grad[:, :, None]
