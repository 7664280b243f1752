"""K-Means hyperparameters (reference/algorithms.md §3.1), declared once."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from sagelab.algorithms.errors import HyperParameterError
from sagelab.algorithms.hyperparameters import AUTO, HyperParameter, HyperParameterSpec, Value

H = HyperParameter
_PREFIX = "Unable to initialize the algorithm. Failed to validate input hyperparameters"
METRICS = ("msd", "ssd")
DEFAULT_CENTER_FACTOR = 2  # what `auto` picks: enough spare centres for the local Lloyd's
DEFAULT_TRIALS = 10

SPEC = HyperParameterSpec([
    H("feature_dim", int, required=True, low=0, low_open=True),
    H("k", int, required=True, low=0, low_open=True),
    H("mini_batch_size", int, default=5000, low=0, low_open=True, tunable=True),
    H("epochs", int, default=1, low=0, low_open=True, tunable=True),
    H("init_method", str, default="random", allowed=("random", "kmeans++"), tunable=True),
    H("extra_center_factor", int, default=AUTO, auto=True, low=0, low_open=True,
      tunable=True),
    H("half_life_time_size", int, default=0, low=0),
    H("local_lloyd_init_method", str, default="kmeans++", allowed=("random", "kmeans++"),
      tunable=True),
    H("local_lloyd_max_iter", int, default=300, low=0, low_open=True, tunable=True),
    H("local_lloyd_num_trials", int, default=AUTO, auto=True, low=0, low_open=True,
      tunable=True),
    H("local_lloyd_tol", float, default=0.0001, low=0, high=1, tunable=True),
    H("eval_metrics", str, default='["msd"]'),
    H("force_dense", bool, default=True),
])


@dataclass(frozen=True)
class Config:
    values: dict[str, Value]
    eval_metrics: list[str]

    def __getitem__(self, name: str) -> Value:
        return self.values[name]

    @property
    def k(self) -> int:
        return int(self.values["k"])

    @property
    def centers(self) -> int:
        factor = self.values["extra_center_factor"]
        return self.k * (DEFAULT_CENTER_FACTOR if factor == AUTO else int(factor))

    @property
    def trials(self) -> int:
        trials = self.values["local_lloyd_num_trials"]
        return DEFAULT_TRIALS if trials == AUTO else int(trials)


def _metrics(text: str) -> list[str]:
    try:
        # JSON from the SDK; a Python repr (single quotes) from hand-written dicts
        names = json.loads(text.replace("'", '"')) if text.lstrip().startswith("[") else [text]
    except ValueError:
        names = None
    if not isinstance(names, list) or not all(n in METRICS for n in names):
        raise HyperParameterError(f"{_PREFIX}: {text!r} is not a JSON list of {list(METRICS)} "
                                  "(hyperparameter: eval_metrics)")
    return [str(n) for n in names]


def resolve(raw: Mapping[str, str]) -> Config:
    values = SPEC.validate(raw)
    return Config(values, _metrics(str(values["eval_metrics"])))
