"""Final quality metrics of the chosen model on a channel, the `#quality_metric:` lines the
service's metric regexes read, and the `#metrics` JSON lines of each epoch (reference §2.5)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.linear_learner import losses
from sagelab.algorithms.linear_learner.model import LinearModel

Array = npt.NDArray[np.float32]
Metrics = list[tuple[str, str, float]]  # (name, "loss" or "score", value)


def quality_line(host: str, channel: str, name: str, kind: str, value: float,
                 epoch: int | None = None) -> str:
    at = "" if epoch is None else f"epoch={epoch}, "
    return f"#quality_metric: host={host}, {at}{channel} {name} <{kind}>={value!r}"


def metrics_line(host: str, epoch: int, model: int, name: str, value: float, started: float,
                 ended: float) -> str:
    """One epoch's train objective of one model, in the algorithm's `#metrics` JSON."""
    record = {
        "StartTime": started, "EndTime": ended,
        "Dimensions": {"Algorithm": "Linear Learner", "Host": host, "Operation": "training",
                       "model": model, "epoch": epoch},
        "Metrics": {name: {"sum": value, "count": 1, "min": value, "max": value}},
    }
    return f"#metrics {json.dumps(record)}"


def objective(model: LinearModel, raw: Array, labels: Array, params: losses.LossParams
              ) -> float:
    loss, _ = losses.evaluate(model.loss, raw[:, None, :], labels[:, None], params)
    return float(loss.mean())


def regression(predicted: Array, labels: Array) -> Metrics:
    error = predicted.astype(np.float64) - labels
    mse = float(np.mean(error**2))
    total = float(np.sum((labels - labels.mean()) ** 2))
    return [("mse", "loss", mse), ("rmse", "loss", mse**0.5),
            ("absolute_loss", "loss", float(np.mean(np.abs(error)))),
            ("r2", "score", 1 - float(np.sum(error**2)) / total if total else 0.0)]


def roc_auc(scores: Array, labels: Array) -> float:
    """Mann-Whitney U with average ranks for ties."""
    positives = int(labels.sum())
    negatives = len(labels) - positives
    if not positives or not negatives:
        return float("nan")
    order = np.argsort(scores, kind="stable")
    ranks = np.empty(len(scores), np.float64)
    ranks[order] = np.arange(1, len(scores) + 1)
    sorted_scores = scores[order]
    starts = np.flatnonzero(np.diff(sorted_scores, prepend=np.nan) != 0)
    ends = np.append(starts[1:], len(scores))
    for lo, hi in zip(starts, ends, strict=True):
        if hi - lo > 1:
            ranks[order[lo:hi]] = (lo + hi + 1) / 2
    u = ranks[labels == 1].sum() - positives * (positives + 1) / 2
    return float(u / (positives * negatives))


def binary(scores: Array, predicted: npt.NDArray[np.int64], labels: Array, beta: float
           ) -> Metrics:
    y = labels.astype(np.int64)
    tp = float(np.sum((predicted == 1) & (y == 1)))
    precision = tp / max(float(predicted.sum()), 1.0)
    recall = tp / max(float(y.sum()), 1.0)
    b2 = beta**2
    f_beta = (1 + b2) * precision * recall / (b2 * precision + recall) if tp else 0.0
    return [("binary_classification_accuracy", "score", float(np.mean(predicted == y))),
            (f"binary_f_{beta:.3f}", "score", f_beta), ("precision", "score", precision),
            ("recall", "score", recall), ("roc_auc_score", "score", roc_auc(scores, labels))]


def multiclass(probs: Array, labels: Array, top_k: int, beta: float) -> Metrics:
    y = labels.astype(np.int64)
    classes = probs.shape[1]
    predicted = probs.argmax(axis=1)
    rank = (probs > probs[np.arange(len(y)), y][:, None]).sum(axis=1)  # 0 = ranked first
    confusion = np.zeros((classes, classes), np.float64)
    np.add.at(confusion, (y, predicted), 1)
    hits = np.diag(confusion)
    recall = np.divide(hits, confusion.sum(axis=1), out=np.zeros(classes),
                       where=confusion.sum(axis=1) > 0)
    precision = np.divide(hits, confusion.sum(axis=0), out=np.zeros(classes),
                          where=confusion.sum(axis=0) > 0)
    b2 = beta**2
    denominator = b2 * precision + recall
    f = np.divide((1 + b2) * precision * recall, denominator, out=np.zeros(classes),
                  where=denominator > 0)
    present = confusion.sum(axis=1) > 0
    picked = probs[np.arange(len(y)), y]
    return [("multiclass_accuracy", "score", float(np.mean(predicted == y))),
            (f"multiclass_top_k_accuracy_{top_k}", "score", float(np.mean(rank < top_k))),
            ("dcg", "score", float(np.mean(1 / np.log2(rank + 2)))),
            ("macro_recall", "score", float(recall.mean())),
            ("macro_precision", "score", float(precision.mean())),
            (f"macro_f_{beta:.3f}", "score", float(f.mean())),
            ("multiclass_balanced_accuracy", "score", float(recall[present].mean())),
            ("multiclass_log_loss", "loss", float(-np.mean(np.log(np.maximum(picked, 1e-12)))))]


def evaluate(model: LinearModel, raw: Array, labels: Array, config: Any,
             params: losses.LossParams) -> Metrics:
    """The objective and every metric of the model's kind, from its raw outputs."""
    found: Metrics = [(losses.objective_name(model.loss), "loss",
                       objective(model, raw, labels, params))]
    scores = model.activate(raw)
    if model.predictor_type == "regressor":
        return found + regression(scores, labels)
    if model.predictor_type == "binary_classifier":
        return found + binary(scores, model.labels(scores), labels, float(config["f_beta"]))
    return found + multiclass(scores, labels, int(config["accuracy_top_k"]),
                              float(config["f_beta"]))
