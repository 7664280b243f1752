"""DeepAR training (reference/algorithms.md §3.7): read the `train` series, fit the network
by Adam on mini-batches of windows drawn uniformly over every series' time points, halve the
learning rate after each epoch that does not improve the loss (a plateau, as DeepAR's
trainer reacts to one) and stop early after `early_stopping_patience` such epochs in a row,
then forecast the last `prediction_length` points of each `test` series and log the real
one's test metrics."""

from __future__ import annotations

import time

import numpy as np

from sagelab.algorithms.contract import TrainingEnv, log
from sagelab.algorithms.deepar import calendar, data, evaluation
from sagelab.algorithms.deepar.hyperparameters import Config, resolve
from sagelab.algorithms.deepar.model import Forecaster, Spec
from sagelab.algorithms.deepar.network import Adam, Params
from sagelab.algorithms.deepar.panel import Panel
from sagelab.algorithms.deepar.series import Series
from sagelab.algorithms.errors import UserError
from sagelab.algorithms.linear_learner.metrics import quality_line

_SEED = 0
_BATCHES_PER_EPOCH = 50
_DECAY, _MIN_LEARNING_RATE = 0.5, 5e-5
_TOLERANCE = 1e-4  # an epoch improves when its loss drops by this much (relative)


class _WindowSampler:
    """Windows anchored uniformly over every (series, time point ≥ 1) pair."""

    def __init__(self, panel: Panel) -> None:
        anchors = np.maximum(panel.lengths - 1, 0)
        if anchors.sum() == 0:
            raise UserError("Every time series in channel 'train' has fewer than 2 points")
        self.panel, self.anchors = panel, anchors
        self.weights = anchors / anchors.sum()

    def draw(self, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        index = rng.choice(len(self.anchors), count, p=self.weights)
        return index, 1 + (rng.random(count) * self.anchors[index]).astype(np.int64)


def _spec(config: Config, series: list[Series]) -> Spec:
    return Spec(
        time_freq=str(config.freq), context_length=config.context_length,
        prediction_length=config.prediction_length,
        lags=calendar.lags(config.freq, config.context_length), likelihood=config.likelihood,
        cardinality=data.cardinality(config, series),
        embedding_dimension=config.embedding_dimension,
        num_dynamic_feat=data.dynamic_count(config, series), num_cells=config.num_cells,
        num_layers=config.num_layers)


def _epoch(forecaster: Forecaster, sampler: _WindowSampler, optimizer: Adam, config: Config,
           rng: np.random.Generator) -> float:
    losses = []
    for _ in range(_BATCHES_PER_EPOCH):
        windows = sampler.panel.windows(*sampler.draw(config.mini_batch_size, rng))
        loss, grads = forecaster.loss(windows, config.dropout_rate, rng)
        optimizer.step(forecaster.network.params, grads)
        losses.append(loss)
    return float(np.mean(losses))


def fit(forecaster: Forecaster, series: list[Series], config: Config,
        rng: np.random.Generator, host: str = "algo-1") -> float:
    """Trains in place, keeping the best epoch's parameters; answers that epoch's loss."""
    sampler = _WindowSampler(forecaster.panel(series))
    optimizer = Adam(config.learning_rate)
    best, best_params, waited = np.inf, dict(forecaster.network.params), 0
    for epoch in range(config.epochs):
        started = time.time()
        loss = _epoch(forecaster, sampler, optimizer, config, rng)
        log(f"#quality_metric: host={host}, epoch={epoch}, batch={_BATCHES_PER_EPOCH} "
            f"train loss <loss>={loss!r}")
        log(f"#progress_metric: host={host}, completed {100 * (epoch + 1) // config.epochs} "
            f"% of epochs; epoch {epoch} took {time.time() - started:.3f}s")
        if loss < best - _TOLERANCE * abs(best if np.isfinite(best) else loss):
            best, waited = loss, 0
            best_params = {k: v.copy() for k, v in forecaster.network.params.items()}
        else:
            waited += 1
            optimizer.learning_rate = max(optimizer.learning_rate * _DECAY, _MIN_LEARNING_RATE)
        if config.early_stopping_patience is not None and waited >= config.early_stopping_patience:
            log(f"Early stopping: the loss has not improved in {waited} epochs")
            break
    _restore(forecaster, best_params)
    return float(best)


def _restore(forecaster: Forecaster, params: Params) -> None:
    log("Loading the parameters of the best epoch")
    forecaster.network.params.update(params)


def _check(forecaster: Forecaster, series: list[Series], channel: str, horizon: int) -> None:
    for number, s in enumerate(series, 1):
        problem = forecaster.mismatch(s.truncated(horizon), number)
        if problem:
            raise UserError(f"Channel '{channel}': {problem}")


def test(env: TrainingEnv, forecaster: Forecaster, config: Config,
         rng: np.random.Generator) -> dict[str, float]:
    horizon = config.prediction_length
    series = [s for s in data.read_channel(env, "test") if len(s) > horizon]
    if not series:
        raise UserError(f"Channel 'test' needs time series longer than prediction_length "
                        f"({horizon})")
    _check(forecaster, series, "test", horizon)
    truth = np.stack([s.target[-horizon:] for s in series])
    paths = forecaster.sample_paths([s.truncated(horizon) for s in series],
                                    config.num_eval_samples, rng)
    found = evaluation.scores(truth, paths, config.test_quantiles)
    for name, value in found.items():
        log(f"#test_score ({env.host}, {name}): {value!r}")
    for name in ("RMSE", "mean_wQuantileLoss"):
        log(quality_line(env.host, "test", name, "loss", found[name]))
    return found


def train(env: TrainingEnv) -> None:
    config = resolve(env.hyperparameters)
    if not env.has_channel("train"):
        raise UserError("Channel 'train' is required by DeepAR; none was given")
    series = data.read_channel(env, "train")
    data.check_domain(config.likelihood, series)
    spec = _spec(config, series)
    log(f"Training on {len(series)} time series ({sum(len(s) for s in series)} points), "
        f"likelihood {spec.likelihood}, lags {spec.lags}, categories {spec.cardinality}, "
        f"{spec.num_dynamic_feat} dynamic features")
    rng = np.random.default_rng(_SEED)
    forecaster = Forecaster.initialise(spec, rng)
    final_loss = fit(forecaster, series, config, rng, env.host)
    log(quality_line(env.host, "train", "final_loss", "loss", final_loss))
    if env.has_channel("test"):
        test(env, forecaster, config, rng)
    forecaster.save(env.model_dir)
    log(f"Saved the model to {env.model_dir}")
