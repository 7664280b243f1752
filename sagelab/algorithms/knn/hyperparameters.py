"""k-NN's hyperparameters (reference/algorithms.md §3.3) and the checks that span several."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sagelab.algorithms.errors import HyperParameterError
from sagelab.algorithms.hyperparameters import AUTO, HyperParameter, HyperParameterSpec

H = HyperParameter
INDEX_TYPES = ("faiss.Flat", "faiss.IVFFlat", "faiss.IVFPQ")
METRICS = ("L2", "INNER_PRODUCT", "COSINE")

SPEC = HyperParameterSpec([
    H("feature_dim", int, required=True, low=0, low_open=True),
    H("k", int, required=True, low=1, high=1024, tunable=True),
    H("predictor_type", str, required=True, allowed=("classifier", "regressor")),
    H("sample_size", int, required=True, low=1, tunable=True),
    H("dimension_reduction_type", str, allowed=("sign", "fjlt")),
    H("dimension_reduction_target", int, low=0, low_open=True),
    H("index_type", str, default="faiss.Flat", allowed=INDEX_TYPES),
    H("index_metric", str, default="L2", allowed=METRICS),
    H("faiss_index_ivf_nlists", int, default=AUTO, auto=True, low=1),
    H("faiss_index_pq_m", int, low=1),
    H("mini_batch_size", int, default=5000, low=0, low_open=True),
])


@dataclass(frozen=True)
class Config:
    feature_dim: int
    k: int
    predictor_type: str
    sample_size: int
    reduction: str | None
    target: int  # the indexed dimension: the reduction's target, else feature_dim
    index_type: str
    metric: str
    nlists: int | None  # None: auto, √(indexed rows)
    pq_m: int | None
    mini_batch_size: int
    values: dict[str, Any]


def _fail(problem: str, name: str) -> HyperParameterError:
    return HyperParameterError(
        "Unable to initialize the algorithm. Failed to validate input hyperparameters: "
        f"{problem} (hyperparameter: {name})")


def _target(values: dict[str, Any]) -> int:
    feature_dim = int(values["feature_dim"])
    if "dimension_reduction_type" not in values:
        return feature_dim
    if "dimension_reduction_target" not in values:
        raise _fail("dimension_reduction_target is required when dimension_reduction_type is "
                    "set", "dimension_reduction_target")
    target = int(values["dimension_reduction_target"])
    if target >= feature_dim:
        raise _fail(f"{target} must be less than feature_dim ({feature_dim})",
                    "dimension_reduction_target")
    return target


def _pq_m(values: dict[str, Any], dim: int) -> int | None:
    if values["index_type"] != "faiss.IVFPQ":
        return None
    if values["index_metric"] == "COSINE":
        raise _fail("COSINE is not supported with index_type 'faiss.IVFPQ'", "index_metric")
    m = int(values.get("faiss_index_pq_m", _largest_divisor(dim, 16)))
    if dim % m:
        raise _fail(f"{m} must divide the indexed dimension ({dim})", "faiss_index_pq_m")
    return m


def _largest_divisor(dim: int, limit: int) -> int:
    return max(m for m in range(1, min(dim, limit) + 1) if dim % m == 0)


def resolve(raw: dict[str, str]) -> Config:
    values = SPEC.validate(raw)
    target = _target(values)
    nlists = values["faiss_index_ivf_nlists"]
    return Config(
        feature_dim=int(values["feature_dim"]), k=int(values["k"]),
        predictor_type=str(values["predictor_type"]), sample_size=int(values["sample_size"]),
        reduction=values.get("dimension_reduction_type"),  # type: ignore[arg-type]
        target=target, index_type=str(values["index_type"]), metric=str(values["index_metric"]),
        nlists=None if nlists == AUTO else int(nlists), pq_m=_pq_m(values, target),
        mini_batch_size=int(values["mini_batch_size"]), values=values)
