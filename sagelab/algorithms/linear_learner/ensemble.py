"""`num_models` linear models trained at once, vectorised.

All parameters live in one matrix `theta [features + 1, models * outputs]` (last row: bias),
so a mini-batch costs two matrix products whatever the number of models. Model 0 takes the
configured (or `auto`) values; the others draw learning rate, wd, l1 and the positive-class
weight around them, as the real algorithm varies them (reference §2.4.4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.linear_learner import losses, optimizers
from sagelab.algorithms.linear_learner.hyperparameters import Config
from sagelab.algorithms.linear_learner.scaler import Scaler

Array = npt.NDArray[np.float32]
_BASE_LR = {"adam": 0.01, "rmsprop": 0.01, "sgd": 0.1}
_LR_RANGE = {"adam": (1e-3, 0.2), "rmsprop": (1e-3, 0.2), "sgd": (1e-3, 1.0)}


@dataclass(frozen=True)
class ModelSettings:
    learning_rate: Array  # [models]
    wd: Array
    l1: Array
    positive_weight: Array  # binary classifiers: weight of label-1 rows

    def describe(self, model: int, config: Config) -> dict[str, object]:
        """The keys the real algorithm prints in `Best model found for hyperparameters`."""
        return {
            "optimizer": config.optimizer,
            "learning_rate": float(self.learning_rate[model]),
            "l1": float(self.l1[model]),
            "wd": float(self.wd[model]),
            "lr_scheduler_step": config["lr_scheduler_step"],
            "lr_scheduler_factor": config["lr_scheduler_factor"],
            "lr_scheduler_minimum_lr": config["lr_scheduler_minimum_lr"],
        }


def _log_uniform(rng: np.random.Generator, low: float, high: float, n: int) -> Array:
    return np.exp(rng.uniform(np.log(low), np.log(high), n)).astype(np.float32)


def _sometimes(rng: np.random.Generator, share: float, low: float, high: float,
               n: int) -> Array:
    """`share` of the models get a log-uniform value, the rest 0 (no regularisation)."""
    values = _log_uniform(rng, low, high, n)
    values[rng.random(n) >= share] = 0
    values[0] = 0
    return values


def draw_settings(config: Config, balance: float, seed: int = 0) -> ModelSettings:
    """`balance` = negatives / positives in the scaler sample (for `balanced` weights)."""
    n = config.num_models
    rng = np.random.default_rng(seed)
    if config.learning_rate is not None:
        lr = np.full(n, config.learning_rate, np.float32)
    else:
        lr = _log_uniform(rng, *_LR_RANGE[config.optimizer], n)
        lr[0] = _BASE_LR[config.optimizer]
    wd = np.full(n, config.wd, np.float32) if config.wd is not None else _sometimes(
        rng, 0.5, 1e-7, 1e-2, n)
    l1 = np.full(n, config.l1, np.float32) if config.l1 is not None else _sometimes(
        rng, 0.25, 1e-7, 1e-3, n)
    if config.positive_weight == "balanced":
        weight = np.full(n, balance, np.float32)
    elif config.positive_weight is None:  # auto: half the models try the balanced weight
        weight = np.where(np.arange(n) % 2 == 1, balance, 1.0).astype(np.float32)
    else:
        weight = np.full(n, float(config.positive_weight), np.float32)
    return ModelSettings(lr, wd, l1, weight)


class Ensemble:
    def __init__(self, config: Config, width: int, settings: ModelSettings, scaler: Scaler,
                 class_weights: Array | None = None, seed: int = 0) -> None:
        self.config, self.width, self.settings, self.scaler = config, width, settings, scaler
        self.models = config.num_models
        self.outputs = config.num_classes if config.loss == "softmax_loss" else 1
        self.class_weights = class_weights
        columns = self.models * self.outputs
        self.theta = self._initial(np.random.default_rng(seed), columns)
        use_bias = bool(config["use_bias"])
        per_column = np.repeat(settings.learning_rate, self.outputs)
        self.base_lr = np.tile(per_column, (width + 1, 1))
        self.base_lr[-1] *= config["bias_lr_mult"] if use_bias else 0.0
        self.wd = np.tile(np.repeat(settings.wd, self.outputs), (width + 1, 1))
        self.wd[-1] *= config["bias_wd_mult"]
        self.l1 = np.repeat(settings.l1, self.outputs)
        self.lr = self.base_lr.copy()
        self.optimizer = optimizers.make(
            config.optimizer, self.theta.shape, config["momentum"], config["beta_1"],
            config["beta_2"])
        self.params = losses.LossParams(
            config["margin"], config["quantile"], config["loss_insensitivity"],
            config["huber_delta"])
        self.steps = 0
        self._row_ones = np.ones(0, np.float32)

    def _initial(self, rng: np.random.Generator, columns: int) -> Array:
        shape = (self.width, columns)
        if self.config["init_method"] == "normal":
            weights = rng.normal(0, self.config["init_sigma"], shape)
        else:
            scale = self.config["init_scale"]
            weights = rng.uniform(-scale, scale, shape)
        bias = np.full((1, columns), self.config["init_bias"] if self.config["use_bias"] else 0)
        return np.vstack([weights, bias]).astype(np.float32)

    def effective(self, theta: Array) -> tuple[Array, Array]:
        """Weights and bias acting on raw features: the scaler folded into `theta`, which
        costs `[features, columns]` work instead of normalising every `[rows, features]`."""
        inverse = np.reciprocal(self.scaler.x_scale)[:, None]
        weights = theta[:-1] * inverse
        bias = theta[-1] - self.scaler.x_mean @ weights
        return weights, bias

    def scores(self, features: Array, theta: Array | None = None) -> Array:
        """`[rows, models, outputs]` on the normalised label scale."""
        weights, bias = self.effective(self.theta if theta is None else theta)
        z = features @ weights
        z += bias
        return z.reshape(len(features), self.models, self.outputs)

    def target(self, labels: Array) -> Array:
        return ((labels - self.scaler.y_mean) / self.scaler.y_scale)[:, None].astype(np.float32)

    def row_weights(self, labels: Array) -> Array | None:
        """`[rows, models]` (binary) or `[rows, 1]` (multiclass) weights, None when uniform."""
        if self.config.predictor_type == "binary_classifier":
            if np.all(self.settings.positive_weight == 1):
                return None
            return np.where(labels[:, None] == 1, self.settings.positive_weight, 1).astype(
                np.float32)
        if self.class_weights is not None:
            return self.class_weights[labels.astype(np.intp)][:, None]
        return None

    def train_batch(self, features: Array, labels: Array) -> Array:
        """One update of every model; answers the batch's summed loss per model."""
        rows = len(features)
        z = self.scores(features)
        loss, grad = losses.evaluate(self.config.loss, z, self.target(labels), self.params)
        weights = self.row_weights(labels)
        if weights is not None:
            loss = loss * weights
            grad = grad * weights[:, :, None]
        flat = grad.reshape(rows, -1)
        ones = self._ones(rows)
        column_sums = ones @ flat
        # d/dtheta of normalised features: ((x - mean) / scale)^T g, without forming them
        gradient = np.empty_like(self.theta)
        gradient[:-1] = features.T @ flat
        gradient[:-1] -= np.outer(self.scaler.x_mean, column_sums)
        gradient[:-1] /= self.scaler.x_scale[:, None]
        gradient[-1] = column_sums
        gradient *= np.float32(1 / rows)
        gradient += self.wd * self.theta
        self.optimizer.step(self.theta, gradient, self.lr)
        self._shrink()
        self._schedule()
        summed: Array = ones @ loss
        return summed

    def _ones(self, rows: int) -> Array:
        """Sums over rows as a BLAS product, much faster than `.sum(axis=0)` here."""
        if len(self._row_ones) < rows:
            self._row_ones = np.ones(rows, np.float32)
        return self._row_ones[:rows]

    def _shrink(self) -> None:
        """L1 as a proximal step on the weights (never the bias)."""
        if not self.l1.any():
            return
        weights = self.theta[:-1]
        threshold = self.lr[:-1] * self.l1
        np.copyto(weights, np.sign(weights) * np.maximum(np.abs(weights) - threshold, 0))

    def _schedule(self) -> None:
        self.steps += 1
        step = int(self.config["lr_scheduler_step"])
        if not self.config["use_lr_scheduler"] or self.steps % step:
            return
        factor = float(self.config["lr_scheduler_factor"]) ** (self.steps // step)
        floor = float(self.config["lr_scheduler_minimum_lr"])
        self.lr = np.where(self.base_lr > 0, np.maximum(self.base_lr * factor, floor), 0).astype(
            np.float32)

    def original_scale(self, z: Array) -> Array:
        """Scores back on the label's scale (regressors); classifiers are unscaled."""
        out: Array = z * np.float32(self.scaler.y_scale) + np.float32(self.scaler.y_mean)
        return out

    def eval_loss(self, features: Array, labels: Array, theta: Array) -> Array:
        """Summed loss per model on the label's own scale (validation, selection)."""
        z = self.original_scale(self.scores(features, theta))
        loss, _ = losses.evaluate(self.config.loss, z, labels[:, None], self.params)
        summed: Array = loss.sum(axis=0)
        return summed

    def columns(self, models: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """A per-model mask widened to theta's columns."""
        mask: npt.NDArray[np.bool_] = np.repeat(models, self.outputs)
        return mask
