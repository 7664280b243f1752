"""Factorization Machines' hyperparameters (reference/algorithms.md §3.5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sagelab.algorithms.hyperparameters import HyperParameter, HyperParameterSpec

H = HyperParameter
GROUPS = ("bias", "linear", "factors")
_LR = {"bias": 0.1, "linear": 0.001, "factors": 0.0001}
_WD = {"bias": 0.01, "linear": 0.001, "factors": 0.00001}
_SIGMA = {"bias": 0.01, "linear": 0.01, "factors": 0.001}


def _group(name: str) -> list[HyperParameter]:
    return [
        H(f"{name}_lr", float, default=_LR[name], low=0, tunable=True),
        H(f"{name}_wd", float, default=_WD[name], low=0, tunable=True),
        H(f"{name}_init_method", str, default="normal", allowed=("normal", "uniform", "constant")),
        H(f"{name}_init_sigma", float, default=_SIGMA[name], low=0),
        H(f"{name}_init_scale", float, low=0),
        H(f"{name}_init_value", float),
    ]


SPEC = HyperParameterSpec([
    H("feature_dim", int, required=True, low=0, low_open=True),
    H("num_factors", int, required=True, low=0, low_open=True),
    H("predictor_type", str, required=True, allowed=("binary_classifier", "regressor")),
    H("epochs", int, default=1, low=0, low_open=True),
    H("mini_batch_size", int, default=1000, low=0, low_open=True, tunable=True),
    H("clip_gradient", float),
    H("eps", float, low=0, low_open=True),
    H("rescale_grad", float),
    *(p for name in GROUPS for p in _group(name)),
])


@dataclass(frozen=True)
class Group:
    """How one parameter group (bias, linear weights, factors) starts and learns."""

    lr: float
    wd: float
    init_method: str
    init_sigma: float
    init_scale: float
    init_value: float


@dataclass(frozen=True)
class Config:
    feature_dim: int
    num_factors: int
    predictor_type: str
    epochs: int
    mini_batch_size: int
    clip_gradient: float | None
    rescale_grad: float
    eps: float
    groups: dict[str, Group]
    values: dict[str, Any]


def resolve(raw: dict[str, str]) -> Config:
    values = SPEC.validate(raw)
    groups = {
        name: Group(float(values[f"{name}_lr"]), float(values[f"{name}_wd"]),
                    str(values[f"{name}_init_method"]), float(values[f"{name}_init_sigma"]),
                    float(values.get(f"{name}_init_scale", values[f"{name}_init_sigma"])),
                    float(values.get(f"{name}_init_value", 0.0)))
        for name in GROUPS
    }
    clip = values.get("clip_gradient")
    return Config(int(values["feature_dim"]), int(values["num_factors"]),
                  str(values["predictor_type"]), int(values["epochs"]),
                  int(values["mini_batch_size"]), None if clip is None else float(clip),
                  float(values.get("rescale_grad", 1.0)), float(values.get("eps", 1e-8)),
                  groups, values)
