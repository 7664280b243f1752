"""Random Cut Forest's hyperparameters (reference/algorithms.md §3.6)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sagelab.algorithms.errors import HyperParameterError
from sagelab.algorithms.hyperparameters import HyperParameter, HyperParameterSpec

H = HyperParameter
EVAL_METRICS = ("accuracy", "precision_recall_fscore")

SPEC = HyperParameterSpec([
    H("feature_dim", int, required=True, low=1, high=10000),
    H("num_trees", int, default=100, low=50, high=1000, tunable=True),
    H("num_samples_per_tree", int, default=256, low=1, high=2048, tunable=True),
    H("eval_metrics", str, default=json.dumps(list(EVAL_METRICS))),
    H("mini_batch_size", int, default=1000, low=0, low_open=True),
])


@dataclass(frozen=True)
class Config:
    feature_dim: int
    num_trees: int
    num_samples_per_tree: int
    eval_metrics: tuple[str, ...]
    mini_batch_size: int
    values: dict[str, Any]


def _eval_metrics(text: str) -> tuple[str, ...]:
    """A JSON list (`'["accuracy"]'`, as the SDK sends it) or one bare name."""
    try:
        names = json.loads(text)
    except ValueError:
        names = [text]
    names = names if isinstance(names, list) else [names]
    bad = [n for n in names if n not in EVAL_METRICS]
    if bad:
        raise HyperParameterError(
            "Unable to initialize the algorithm. Failed to validate input hyperparameters: "
            f"{bad[0]!r} is not one of {list(EVAL_METRICS)} (hyperparameter: eval_metrics)")
    return tuple(names)


def resolve(raw: dict[str, str]) -> Config:
    values = SPEC.validate(raw)
    return Config(int(values["feature_dim"]), int(values["num_trees"]),
                  int(values["num_samples_per_tree"]), _eval_metrics(str(values["eval_metrics"])),
                  int(values["mini_batch_size"]), values)
