"""Linear Learner training (reference/algorithms.md §2.4): scaler on the first rows, every
model trained at once over streamed mini-batches, early stopping, selection, metrics, artifact.

Memory stays bounded whatever the channel size: the train channel is streamed each epoch;
only the scaler sample and a capped selection set (validation, or the train sample) are held.

With several hosts (InstanceCount > 1) each trains on the shard its channels give it, and the
hosts agree through `cluster`: one scaler from their pooled samples, then after every epoch
the parameters, train losses and validation losses averaged over the hosts (weighted by
rows), so all continue from the same model and stop at the same epoch; algo-1's model is the
job's artifact.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.contract import TrainingEnv, log
from sagelab.algorithms.errors import UserError
from sagelab.algorithms.linear_learner import metrics, selection
from sagelab.algorithms.linear_learner.cluster import Arrays, Cluster
from sagelab.algorithms.linear_learner.data import Channels, Labelled
from sagelab.algorithms.linear_learner.ensemble import Ensemble, draw_settings
from sagelab.algorithms.linear_learner.hyperparameters import Config, resolve
from sagelab.algorithms.linear_learner.losses import objective_name
from sagelab.algorithms.linear_learner.model import LinearModel
from sagelab.algorithms.linear_learner.scaler import Scaler, moments

Array = npt.NDArray[np.float32]
_SELECTION_BUDGET = 1 << 24  # floats: bounds the selection set's features and scores


@dataclass
class Progress:
    """Per-model best state across epochs, and the early-stopping counter."""

    best_theta: Array
    best_metric: Array  # per model, lower is better
    best_train: Array
    overall: float = float("inf")
    waited: int = 0
    history: list[float] = field(default_factory=list)

    def update(self, theta: Array, metric: Array, train_loss: Array) -> None:
        """Keep each model's parameters from its best epoch so far."""
        improved = metric < self.best_metric
        self.best_metric = np.where(improved, metric, self.best_metric)
        self.best_train = np.where(improved, train_loss, self.best_train)
        columns = np.repeat(improved, theta.shape[1] // len(metric))
        self.best_theta[:, columns] = theta[:, columns]

    def should_stop(self, config: Config) -> bool:
        """Stop after `patience` epochs without a relative improvement over `tolerance`."""
        current = float(self.best_metric.min())
        if current < self.overall * (1 - float(config["early_stopping_tolerance"])):
            self.overall, self.waited = current, 0
            return False
        self.waited += 1
        return self.waited >= int(config["early_stopping_patience"])


def _sample_summary(config: Config, sample: Labelled) -> Arrays:
    """What the hosts pool of their scaler samples: moments and label shares."""
    labels = sample.labels
    shares = np.zeros(1)
    if config.predictor_type == "multiclass_classifier":
        counts = np.bincount(labels.astype(np.intp), minlength=config.num_classes)
        shares = counts / len(labels)
    return moments(sample.features, labels) | {"positive": np.array([labels.mean()]),
                                                "classes": shares}


def _class_balance(config: Config, summary: Arrays) -> tuple[float, Array | None]:
    """(negatives / positives, multiclass weights) measured on the scaler sample."""
    positive = float(summary["positive"][0])
    balance = (1 - positive) / positive if positive else 1.0
    if config.predictor_type != "multiclass_classifier" or not config[
            "balance_multiclass_weights"]:
        return balance, None
    shares = summary["classes"]
    weights = np.where(shares > 0, 1 / (config.num_classes * np.maximum(shares, 1e-12)), 0)
    return balance, weights.astype(np.float32)


def _run_epoch(ensemble: Ensemble, batches: Iterator[Labelled]) -> tuple[Array, int]:
    summed = np.zeros(ensemble.models, np.float64)
    rows = 0
    for batch in batches:
        summed += ensemble.train_batch(batch.features, batch.labels)
        rows += len(batch)
    return (summed / max(rows, 1)).astype(np.float32), rows


class Training:
    def __init__(self, env: TrainingEnv, config: Config) -> None:
        self.env, self.config, self.host = env, config, env.host
        self.channels = Channels(env, config)
        self.cluster = Cluster(env)
        self.objective = objective_name(config.loss)

    def run(self) -> None:
        config = self.config
        if not self.env.has_channel("train"):
            raise UserError("Channel 'train' is required by Linear Learner; none was given")
        log("Number of GPUs being used: 0")
        sample, _, first_pass = self.channels.sample(
            "train", int(config["num_point_for_scaler"]), drain=False)
        summary = self.cluster.weighted_mean(_sample_summary(config, sample), len(sample))
        scaler = Scaler.from_moments(summary, config)
        log(scaler.log_line())
        balance, class_weights = _class_balance(config, summary)
        width = sample.features.shape[1]
        ensemble = Ensemble(config, width, draw_settings(config, balance), scaler, class_weights)
        selection_set, validation_whole = self._selection_set(ensemble, sample)
        progress = self._train(ensemble, first_pass, selection_set)
        choice = selection.choose(ensemble, progress.best_theta, selection_set.features,
                                  selection_set.labels)
        model = self._model(ensemble, progress, choice)
        log(f"Best model found for hyperparameters: "
            f"{ensemble.settings.describe(choice.model, config)}")
        log(metrics.quality_line(self.host, "train", self.objective, "loss",
                                 float(progress.best_train[choice.model])))
        self._final_metrics(model, ensemble, selection_set if validation_whole else None)
        model.save(self.env.model_dir)
        log(f"Saved the model to {self.env.model_dir}")

    def _selection_set(self, ensemble: Ensemble, sample: Labelled) -> tuple[Labelled, bool]:
        """Validation rows held in memory (capped), or the train sample without validation.
        The bool says whether that held all of validation."""
        if not self.env.has_channel("validation"):
            return sample, False
        cap = min(int(self.config["num_calibration_samples"]),
                  _SELECTION_BUDGET // (ensemble.models * ensemble.outputs),
                  _SELECTION_BUDGET // (ensemble.width + 1))
        rows, complete, _ = self.channels.sample("validation", cap, drain=True)
        return rows, complete

    def _train(self, ensemble: Ensemble, first_pass: Iterator[Labelled], held: Labelled
               ) -> Progress:
        config = self.config
        validating = self.env.has_channel("validation")
        models = ensemble.models
        progress = Progress(ensemble.theta.copy(), np.full(models, np.inf, np.float32),
                            np.full(models, np.inf, np.float32))
        for epoch in range(config.epochs):
            started = time.perf_counter()
            batches = first_pass if epoch == 0 else self.channels.batches("train")
            local_loss, rows = _run_epoch(ensemble, batches)
            train_loss = self._average(ensemble, local_loss, rows)
            metric = train_loss
            if validating:
                summed = ensemble.eval_loss(held.features, held.labels, ensemble.theta)
                mean = {"loss": summed / np.float32(len(held))}
                metric = self.cluster.weighted_mean(mean, len(held))["loss"]
            progress.update(ensemble.theta, np.nan_to_num(metric, nan=np.inf), train_loss)
            self._log_epoch(epoch, train_loss, metric if validating else None, rows,
                            time.perf_counter() - started)
            if progress.should_stop(config):
                log(f"Early stop condition met. Stopping training at epoch {epoch}.")
                break
        return progress

    def _average(self, ensemble: Ensemble, train_loss: Array, rows: int) -> Array:
        """The hosts' parameters and train losses averaged; this host continues from there."""
        local = {"theta": ensemble.theta, "loss": train_loss}
        shared = self.cluster.weighted_mean(local, rows)
        np.copyto(ensemble.theta, shared["theta"])
        averaged: Array = shared["loss"]
        return averaged

    def _log_epoch(self, epoch: int, train_loss: Array, validation: Array | None, rows: int,
                   seconds: float) -> None:
        host, best = self.host, int(np.nanargmin(train_loss))
        ended = time.time()
        log(metrics.metrics_line(host, epoch, best, f"train_{self.objective}",
                                 float(train_loss[best]), ended - seconds, ended))
        log(metrics.quality_line(host, "train", self.objective, "loss",
                                 float(train_loss[best]), epoch))
        if validation is not None:
            log(metrics.quality_line(host, "validation", self.objective, "loss",
                                     float(np.nanmin(validation)), epoch))
        done = 100 * (epoch + 1) // self.config.epochs
        log(f"#progress_metric: host={host}, completed {done} % of epochs")
        log(f"#throughput_metric: host={host}, train throughput={rows / max(seconds, 1e-9):.1f}"
            " records/second")

    def _model(self, ensemble: Ensemble, progress: Progress, choice: selection.Choice
               ) -> LinearModel:
        k = ensemble.outputs
        theta = progress.best_theta[:, choice.model * k:(choice.model + 1) * k]
        values = dict(self.config.values) | ensemble.settings.describe(choice.model, self.config)
        return LinearModel.from_normalised(
            theta, ensemble.scaler, predictor_type=self.config.predictor_type,
            loss=self.config.loss, threshold=choice.threshold, hyperparameters=values)

    def _final_metrics(self, model: LinearModel, ensemble: Ensemble,
                       validation: Labelled | None) -> None:
        for channel in ("validation", "test"):
            if not self.env.has_channel(channel):
                continue
            raw, labels = self._outputs(model, channel, validation)
            for name, kind, value in metrics.evaluate(model, raw, labels, self.config,
                                                      ensemble.params):
                log(metrics.quality_line(self.host, channel, name, kind, value))

    def _outputs(self, model: LinearModel, channel: str, held: Labelled | None
                 ) -> tuple[Array, Array]:
        """The model's raw outputs and the labels over a whole channel (streamed)."""
        if channel == "validation" and held is not None:
            return model.raw(held.features), held.labels
        raws, labels = [], []
        for batch in self.channels.batches(channel):
            raws.append(model.raw(batch.features))
            labels.append(batch.labels)
        return np.concatenate(raws), np.concatenate(labels)


def train(env: TrainingEnv) -> None:
    Training(env, resolve(env.hyperparameters)).run()
