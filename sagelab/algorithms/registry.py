"""Algorithm name (the image repository, reference/algorithms.md §4.2) → its implementation.

Each algorithm package exposes `ALGORITHM`; packages load on first use, so serving one
algorithm never imports the others.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sagelab.algorithms.hyperparameters import HyperParameterSpec

if TYPE_CHECKING:
    from sagelab.algorithms.contract import TrainingEnv

_MODULES = {
    "linear-learner": "sagelab.algorithms.linear_learner",
    "xgboost": "sagelab.algorithms.xgboost_builtin",
    "kmeans": "sagelab.algorithms.kmeans",
    "knn": "sagelab.algorithms.knn",
    "factorization-machines": "sagelab.algorithms.factorization_machines",
    "randomcutforest": "sagelab.algorithms.random_cut_forest",
    "forecasting-deepar": "sagelab.algorithms.deepar",
    "pca": "sagelab.algorithms.pca",
}


@dataclass(frozen=True)
class Algorithm:
    name: str
    hyperparameters: HyperParameterSpec
    train: Callable[[TrainingEnv], None]
    load: Callable[[Path], Any]  # model dir → a model for `invoke`
    invoke: Callable[[Any, bytes, str, str], tuple[bytes, str]]  # (body, content type)


def names() -> list[str]:
    return sorted(_MODULES)


def get(name: str) -> Algorithm:
    try:
        module = _MODULES[name]
    except KeyError:
        raise LookupError(f"no built-in algorithm named {name!r}; known: {names()}") from None
    algorithm: Algorithm = importlib.import_module(module).ALGORITHM
    return algorithm
