"""Pick the best of the trained models (reference §2.3): regressors by loss, multiclass by
accuracy, binary classifiers by the selection criterion after calibrating each model's
decision threshold on the selection set."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sagelab.algorithms.linear_learner.ensemble import Ensemble
from sagelab.algorithms.linear_learner.hyperparameters import Config
from sagelab.algorithms.linear_learner.losses import sigmoid

Array = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Choice:
    model: int
    threshold: float


@dataclass(frozen=True)
class Curve:
    """Every distinct cut of the scores sorted high to low: predict the top `k` positive."""

    thresholds: npt.NDArray[np.float64]
    precision: npt.NDArray[np.float64]
    recall: npt.NDArray[np.float64]
    accuracy: npt.NDArray[np.float64]

    @classmethod
    def of(cls, scores: Array, labels: Array) -> Curve:
        order = np.argsort(-scores, kind="stable")
        s, y = scores[order].astype(np.float64), labels[order].astype(np.float64)
        n, positives = len(s), y.sum()
        distinct = np.flatnonzero(np.append(s[1:] < s[:-1], True))  # last index of each tie
        k = np.concatenate([[0], distinct + 1])
        tp = np.concatenate([[0.0], np.cumsum(y)[distinct]])
        fp = k - tp
        below = np.append(s[distinct[:-1] + 1], np.nextafter(s[-1], -np.inf))
        thresholds = np.concatenate([[s[0]], (s[distinct] + below) / 2])
        thresholds[-1] = below[-1]
        precision = np.divide(tp, k, out=np.ones_like(tp), where=k > 0)
        recall = tp / positives if positives else np.ones_like(tp)
        accuracy = (tp + (n - positives - fp)) / n
        return cls(thresholds, precision, recall, accuracy)


def calibrate(scores: Array, labels: Array, config: Config) -> tuple[float, float]:
    """(threshold, criterion value to maximise) for one model."""
    curve = Curve.of(scores, labels)
    criterion = config.criterion
    if criterion == "accuracy":
        value = curve.accuracy
    elif criterion == "f_beta":
        b2 = float(config["f_beta"]) ** 2
        denominator = b2 * curve.precision + curve.recall
        value = np.divide((1 + b2) * curve.precision * curve.recall, denominator,
                          out=np.zeros_like(denominator), where=denominator > 0)
    elif criterion == "precision_at_target_recall":
        value = np.where(curve.recall >= config["target_recall"], curve.precision, -1.0)
    else:  # recall_at_target_precision
        value = np.where(curve.precision >= config["target_precision"], curve.recall, -1.0)
    best = int(np.argmax(value))
    return float(curve.thresholds[best]), float(value[best])


def choose(ensemble: Ensemble, theta: Array, features: Array, labels: Array) -> Choice:
    """The winning model on a selection set held in memory."""
    config = ensemble.config
    mean_loss = ensemble.eval_loss(features, labels, theta) / max(len(labels), 1)
    if config.predictor_type == "regressor":
        return Choice(int(np.argmin(mean_loss)), 0.0)
    z = ensemble.scores(features, theta)
    if config.predictor_type == "multiclass_classifier":
        accuracy = (z.argmax(axis=2) == labels[:, None]).mean(axis=0)
        # lexsort: the last key is primary, so accuracy first, then the lower loss
        return Choice(int(np.lexsort((mean_loss, -accuracy))[0]), 0.0)
    default = 0.5 if config.loss == "logistic" else 0.0
    if config.criterion == "loss_function":
        return Choice(int(np.argmin(mean_loss)), default)
    scores = sigmoid(z[:, :, 0]) if config.loss == "logistic" else z[:, :, 0]
    results = [calibrate(scores[:, m], labels, config) for m in range(ensemble.models)]
    values = np.array([value for _, value in results])
    best = int(np.lexsort((mean_loss, -values))[0])  # ties (common on train data): lower loss
    return Choice(best, results[best][0])
