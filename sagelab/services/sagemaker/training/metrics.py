"""Metrics from training logs: the built-in algorithms' definitions (which SageMaker fills in
itself; the SDK sends none for them) and matching lines against definitions.

Each definition's regex is searched in every log line; the first capture group, as a float,
is a sample (contracts §1.5). Lines are matched as CloudWatch stores them, a tab as `#011`,
which is what XGBoost's definitions expect.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_QUALITY = r"#quality_metric: host=\S+, "
_CHANNELS = ("validation", "test")


def _linear_learner() -> list[tuple[str, str]]:
    defs = [
        (f"{ch}:objective_loss", _QUALITY + rf"epoch=\S+, {ch} \S+_objective <loss>=(\S+)")
        for ch in ("train", "validation")
    ]
    defs += [
        (f"{ch}:objective_loss:final", _QUALITY + rf"{ch} \S+_objective <loss>=(\S+)")
        for ch in ("train", "validation")
    ]
    defs.append(("test:objective_loss", _QUALITY + r"test \S+_objective <loss>=(\S+)"))
    losses = ("mse", "rmse", "absolute_loss")
    scores = {
        "binary_classification_accuracy": "binary_classification_accuracy",
        "precision": "precision",
        "recall": "recall",
        "roc_auc_score": "roc_auc_score",
        "r2": "r2",
        "binary_f_beta": r"binary_f_\S+",
        "macro_f_beta": r"macro_f_\S+",
        "multiclass_accuracy": "multiclass_accuracy",
        "multiclass_top_k_accuracy": r"multiclass_top_k_accuracy_\S+",
        "dcg": "dcg",
        "macro_precision": "macro_precision",
        "macro_recall": "macro_recall",
    }
    for ch in _CHANNELS:
        defs += [(f"{ch}:{name}", _QUALITY + rf"{ch} {name} <loss>=(\S+)") for name in losses]
        defs += [
            (f"{ch}:{name}", _QUALITY + rf"{ch} {pattern} <score>=(\S+)")
            for name, pattern in scores.items()
        ]
    defs.append(("train:progress", r"#progress_metric: host=\S+, completed (\S+) %"))
    defs.append(
        ("train:throughput", r"#throughput_metric: host=\S+, train throughput=(\S+) records/second")
    )
    return defs


def _kmeans() -> list[tuple[str, str]]:
    return [(f"test:{m}", _QUALITY + rf"test {m} <loss>=(\S+)") for m in ("msd", "ssd")]


def _knn() -> list[tuple[str, str]]:
    return [
        (f"test:{m}", rf"#test_score \(algo-1\) : \('{m}', (\S+)\)") for m in ("accuracy", "mse")
    ]


def _factorization_machines() -> list[tuple[str, str]]:
    losses = ("rmse", "binary_classification_cross_entropy")
    scores = ("binary_classification_accuracy", "binary_f_beta")
    return [(f"test:{m}", _QUALITY + rf"test {m} <loss>=(\S+)") for m in losses] + [
        (f"test:{m}", _QUALITY + rf"test {m} <score>=(\S+)") for m in scores
    ]


_XGBOOST_METRICS = [
    "accuracy",
    "auc",
    "aucpr",
    "balanced_accuracy",
    "error",
    "f1",
    "f1_binary",
    "f1_macro",
    "logloss",
    "mae",
    "mape",
    "merror",
    "mlogloss",
    "mse",
    "ndcg",
    "map",
    "precision",
    "r2",
    "recall",
    "rmse",
    "rmsle",
    # the rest of reference/algorithms.md §3.4's list
    "aft-nloglik",
    "cox-nloglik",
    "gamma-deviance",
    "gamma-nloglik",
    "interval-regression-accuracy",
    "mphe",
    "poisson-nloglik",
    "tweedie-nloglik",
    "precision_macro",
    "precision_micro",
    "recall_macro",
    "recall_micro",
]


def _xgboost() -> list[tuple[str, str]]:
    return [
        (f"{ch}:{m}", rf".*\[[0-9]+\].*#011{ch}-{m}:(\S+)")
        for ch in ("train", "validation")
        for m in _XGBOOST_METRICS
    ]


BUILT_IN: dict[str, list[tuple[str, str]]] = {
    "linear-learner": _linear_learner(),
    "kmeans": _kmeans(),
    "knn": _knn(),
    "factorization-machines": _factorization_machines(),
    "randomcutforest": [("test:f1", _QUALITY + r"test f1 <score>=(\S+)")],
    "xgboost": _xgboost(),
    "forecasting-deepar": [
        ("test:RMSE", r"#test_score \(algo-1, RMSE\): (\S+)"),
        ("test:mean_wQuantileLoss", r"#test_score \(algo-1, mean_wQuantileLoss\): (\S+)"),
        ("train:final_loss", _QUALITY + r"train final_loss <loss>=(\S+)"),
    ],
}


def definitions(algorithm: str, user: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    """What Describe reports as MetricDefinitions: the user's, else the algorithm's own."""
    if user:
        return [{"Name": d["Name"], "Regex": d["Regex"]} for d in user]
    return [{"Name": name, "Regex": regex} for name, regex in BUILT_IN.get(algorithm, [])]


@dataclass(frozen=True)
class Sample:
    name: str
    value: float


class Matcher:
    def __init__(self, defs: list[dict[str, str]]) -> None:
        self._defs = [(d["Name"], re.compile(d["Regex"])) for d in defs]

    def samples(self, line: str) -> Iterator[Sample]:
        for name, regex in self._defs:
            match = regex.search(line)
            if match is None or not match.groups():
                continue
            try:
                value = float(match.group(1))
            except (TypeError, ValueError):
                continue
            if math.isfinite(value):
                yield Sample(name, value)
