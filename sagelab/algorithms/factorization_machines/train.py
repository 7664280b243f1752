"""Factorization Machines training: mini-batch Adam (the real algorithm's optimizer, whence
its `eps`) over sparse batches with a learning rate and weight decay per parameter group
(bias, linear, factors), as the hyperparameters name them; squared loss (regressor) or
logistic loss (binary_classifier).

Train and test channels are RecordIO-protobuf only, as the real algorithm (§3.5).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]  # no stubs

from sagelab.algorithms import channels
from sagelab.algorithms.contract import TrainingEnv, log
from sagelab.algorithms.errors import UserError
from sagelab.algorithms.factorization_machines.hyperparameters import Config, Group, resolve
from sagelab.algorithms.factorization_machines.model import (
    FMModel,
    Parameters,
    forward,
    gradients,
    sigmoid,
)
from sagelab.algorithms.io.batches import RECORDIO_PROTOBUF
from sagelab.algorithms.linear_learner.metrics import quality_line

Array = npt.NDArray[np.float32]
_SEED = 0
_GROUPS = (("bias", "w0"), ("linear", "w"), ("factors", "v"))
_BETA1, _BETA2 = 0.9, 0.999


def _init(group: Group, shape: tuple[int, ...], rng: np.random.Generator) -> Array:
    if group.init_method == "constant":
        return np.full(shape, group.init_value, np.float32)
    if group.init_method == "uniform":
        return rng.uniform(-group.init_scale, group.init_scale, shape).astype(np.float32)
    return rng.normal(0, group.init_sigma, shape).astype(np.float32)


def _batches(env: TrainingEnv, name: str, config: Config
             ) -> Iterator[tuple[sp.csr_matrix, Array]]:
    for batch in channels.batches(env, name, config.mini_batch_size, config.feature_dim,
                                  (RECORDIO_PROTOBUF,)):
        labels = batch.labels
        if labels is None or not np.isfinite(labels).all():
            raise UserError(f"Every record in channel '{name}' needs a finite label "
                            "(label['values'])")
        if config.predictor_type == "binary_classifier" and not np.isin(labels, (0, 1)).all():
            raise UserError(f"Channel '{name}': binary_classifier labels must be 0 or 1")
        yield sp.csr_matrix(batch.features), labels


class Trainer:
    def __init__(self, config: Config) -> None:
        self.config = config
        rng = np.random.default_rng(_SEED)
        groups = config.groups
        self.params = Parameters(
            _init(groups["bias"], (1,), rng), _init(groups["linear"], (config.feature_dim,), rng),
            _init(groups["factors"], (config.feature_dim, config.num_factors), rng))
        self.moments = {attr: (np.zeros_like(getattr(self.params, attr)),
                               np.zeros_like(getattr(self.params, attr))) for _, attr in _GROUPS}
        self.steps = 0

    def loss_gradient(self, raw: Array, labels: Array) -> tuple[float, Array]:
        """(summed loss, ∂loss/∂ŷ per row)."""
        if self.config.predictor_type == "regressor":
            error = raw - labels
            return float((error**2).sum()), (2 * error).astype(np.float32)
        p = np.clip(sigmoid(raw), 1e-7, 1 - 1e-7)
        loss = -(labels * np.log(p) + (1 - labels) * np.log(1 - p))
        return float(loss.sum()), (p - labels).astype(np.float32)

    def step(self, x: sp.csr_matrix, labels: Array) -> float:
        state = forward(self.params, x)
        loss, dloss = self.loss_gradient(state.raw, labels)
        scale = np.float32(self.config.rescale_grad / len(labels))
        grads = gradients(self.params, x, state, dloss * scale)
        self.steps += 1
        for name, attr in _GROUPS:
            group = self.config.groups[name]
            value, grad = getattr(self.params, attr), getattr(grads, attr)
            grad = grad + group.wd * value
            if self.config.clip_gradient is not None:
                grad = np.clip(grad, -self.config.clip_gradient, self.config.clip_gradient)
            updated = value - self._adam(attr, grad, group.lr)
            setattr(self.params, attr, updated.astype(np.float32))
        return loss

    def _adam(self, attr: str, grad: Array, lr: float) -> Array:
        first, second = self.moments[attr]
        first *= _BETA1
        first += (1 - _BETA1) * grad
        second *= _BETA2
        second += (1 - _BETA2) * grad * grad
        unbiased = lr * np.sqrt(1 - _BETA2**self.steps) / (1 - _BETA1**self.steps)
        step: Array = (unbiased * first / (np.sqrt(second) + self.config.eps)).astype(np.float32)
        return step


def evaluate(model: FMModel, scores: Array, labels: Array) -> list[tuple[str, str, float]]:
    """The test metrics the real algorithm logs (§3.9): (name, loss|score, value)."""
    if model.predictor_type == "regressor":
        return [("rmse", "loss", float(np.sqrt(np.mean((scores - labels) ** 2))))]
    p = np.clip(scores, 1e-7, 1 - 1e-7)
    predicted = p > 0.5
    positive = labels == 1
    tp = float((predicted & positive).sum())
    f1 = 2 * tp / max(float(predicted.sum() + positive.sum()), 1.0)
    entropy = -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p))
    return [("binary_classification_accuracy", "score", float(np.mean(predicted == positive))),
            ("binary_classification_cross_entropy", "loss", float(entropy)),
            ("binary_f_beta", "score", f1)]


def _metric_name(config: Config) -> str:
    return "rmse" if config.predictor_type == "regressor" else \
        "binary_classification_cross_entropy"


def train(env: TrainingEnv) -> None:
    config = resolve(env.hyperparameters)
    if not env.has_channel("train"):
        raise UserError("Channel 'train' is required by Factorization Machines; none was given")
    trainer = Trainer(config)
    for epoch in range(config.epochs):
        total, rows = 0.0, 0
        for x, labels in _batches(env, "train", config):
            total += trainer.step(x, labels)
            rows += len(labels)
        if not rows:
            raise UserError("No records found in channel 'train'")
        mean = total / rows
        value = float(np.sqrt(mean)) if config.predictor_type == "regressor" else mean
        log(quality_line(env.host, "train", _metric_name(config), "loss", value, epoch))
        log(f"#progress_metric: host={env.host}, completed {100 * (epoch + 1) // config.epochs}"
            " % of epochs")
    model = FMModel(config.predictor_type, trainer.params, config.values)
    if env.has_channel("test"):
        pairs = [(model.scores(x), y) for x, y in _batches(env, "test", config)]
        scores = np.concatenate([s for s, _ in pairs])
        labels = np.concatenate([y for _, y in pairs])
        for name, kind, value in evaluate(model, scores, labels):
            log(quality_line(env.host, "test", name, kind, value))
    model.save(env.model_dir)
    log(f"Saved the model to {env.model_dir}")
