"""The container's own evaluation metrics (accuracy, f1, r2…), computed beside the library's
on the transformed predictions, and which metrics grow better upwards (for early stopping)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
import xgboost
from sklearn import metrics as sk  # type: ignore[import-untyped]  # no stubs

Array = npt.NDArray[np.float32]
MAXIMISED = frozenset({
    "accuracy", "auc", "aucpr", "balanced_accuracy", "f1", "f1_binary", "f1_macro", "map",
    "ndcg", "pre", "precision", "precision_macro", "precision_micro", "r2", "recall",
    "recall_macro", "recall_micro", "interval-regression-accuracy",
})
_Scorer = Callable[[Array, Array], float]
_CLASSIFICATION: dict[str, _Scorer] = {
    "accuracy": sk.accuracy_score,
    "balanced_accuracy": sk.balanced_accuracy_score,
    "f1": lambda y, p: sk.f1_score(y, p, average="binary" if _binary(y, p) else "macro"),
    "f1_binary": lambda y, p: sk.f1_score(y, p, average="binary"),
    "f1_macro": lambda y, p: sk.f1_score(y, p, average="macro"),
    "precision": lambda y, p: sk.precision_score(y, p, average="binary" if _binary(y, p)
                                                 else "macro", zero_division=0),
    "precision_macro": lambda y, p: sk.precision_score(y, p, average="macro", zero_division=0),
    "precision_micro": lambda y, p: sk.precision_score(y, p, average="micro", zero_division=0),
    "recall": lambda y, p: sk.recall_score(y, p, average="binary" if _binary(y, p)
                                           else "macro", zero_division=0),
    "recall_macro": lambda y, p: sk.recall_score(y, p, average="macro", zero_division=0),
    "recall_micro": lambda y, p: sk.recall_score(y, p, average="micro", zero_division=0),
}
_REGRESSION: dict[str, _Scorer] = {"mse": sk.mean_squared_error, "r2": sk.r2_score}


def _binary(labels: Array, predicted: Array) -> bool:
    return bool(np.isin(labels, (0, 1)).all() and np.isin(predicted, (0, 1)).all())


def is_maximised(metric: str) -> bool:
    return metric.split("@")[0].split("-")[0] in MAXIMISED


def _classes(predictions: Array, objective: str) -> Array:
    if predictions.ndim == 2:  # multi:softprob
        picked: Array = predictions.argmax(axis=1).astype(np.float32)
        return picked
    if objective.startswith("binary:logitraw"):
        return (predictions > 0).astype(np.float32)
    if objective.startswith(("binary:", "reg:logistic")):
        return (predictions > 0.5).astype(np.float32)
    classes: Array = predictions  # multi:softmax already answers classes
    return classes


def evaluator(names: Sequence[str], objective: str
              ) -> Callable[[Array, xgboost.DMatrix], list[tuple[str, float]]] | None:
    """A `custom_metric` for `xgboost.train` computing `names`; None when there are none."""
    if not names:
        return None

    def evaluate(predictions: Array, data: xgboost.DMatrix) -> list[tuple[str, float]]:
        labels = data.get_label()
        classes = _classes(predictions, objective)
        return [(name, float(_CLASSIFICATION[name](labels, classes)) if name in _CLASSIFICATION
                 else float(_REGRESSION[name](labels, predictions))) for name in names]

    return evaluate
