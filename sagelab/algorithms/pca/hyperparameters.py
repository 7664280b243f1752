"""PCA's hyperparameters (reference/algorithms.md §3.2), declared once, and the checks that
span several of them (those fail the job, as the real one's do, not CreateTrainingJob)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sagelab.algorithms.errors import HyperParameterError
from sagelab.algorithms.hyperparameters import HyperParameter, HyperParameterSpec, Value

H = HyperParameter
REGULAR, RANDOMIZED = "regular", "randomized"
_MIN_EXTRA = 10  # extra_components=-1 means max(10, num_components)

SPEC = HyperParameterSpec([
    H("feature_dim", int, required=True, low=0, low_open=True),
    H("mini_batch_size", int, required=True, low=0, low_open=True),
    H("num_components", int, required=True, low=0, low_open=True),
    H("algorithm_mode", str, default=REGULAR, allowed=(REGULAR, RANDOMIZED)),
    H("subtract_mean", bool, default=True),
    H("extra_components", int, default=-1, low=-1),
])


@dataclass(frozen=True)
class Config:
    feature_dim: int
    mini_batch_size: int
    num_components: int
    algorithm_mode: str
    subtract_mean: bool
    extra_components: int  # resolved: never -1
    values: dict[str, Value]

    @property
    def sketch_size(self) -> int:
        """Columns of the randomized sketch: the components plus the extra ones, at most
        every feature."""
        return min(self.feature_dim, self.num_components + self.extra_components)


def _fail(problem: str, name: str) -> HyperParameterError:
    return HyperParameterError(
        "Unable to initialize the algorithm. Failed to validate input hyperparameters: "
        f"{problem} (hyperparameter: {name})")


def resolve(raw: Mapping[str, str]) -> Config:
    values = SPEC.validate(raw)
    feature_dim, components = int(values["feature_dim"]), int(values["num_components"])
    if components > feature_dim:
        raise _fail(f"{components} is greater than feature_dim ({feature_dim}); a projection "
                    "cannot have more components than the data has features", "num_components")
    extra = int(values["extra_components"])
    return Config(
        feature_dim=feature_dim,
        mini_batch_size=int(values["mini_batch_size"]),
        num_components=components,
        algorithm_mode=str(values["algorithm_mode"]),
        subtract_mean=bool(values["subtract_mean"]),
        extra_components=max(_MIN_EXTRA, components) if extra == -1 else extra,
        values=values,
    )
