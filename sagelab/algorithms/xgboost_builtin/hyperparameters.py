"""XGBoost's algorithm-mode hyperparameters (reference/algorithms.md §3.4), declared once:
they validate a job (errors name the parameter) and describe the tuning ranges.

Objectives and evaluation metrics are passed through to the `xgboost` library, so the lists
below are the library's own plus the container's extra metrics (accuracy, f1, r2…)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sagelab.algorithms.errors import HyperParameterError
from sagelab.algorithms.hyperparameters import HyperParameter, HyperParameterSpec, Value

H = HyperParameter
OBJECTIVES = (
    "binary:logistic", "binary:logitraw", "binary:hinge",
    "multi:softmax", "multi:softprob",
    "reg:squarederror", "reg:squaredlogerror", "reg:logistic", "reg:pseudohubererror",
    "reg:absoluteerror", "reg:quantileerror", "reg:gamma", "reg:tweedie", "reg:linear",
    "count:poisson", "survival:cox", "survival:aft",
    "rank:pairwise", "rank:ndcg", "rank:map",
)
# The library's metrics; `error@t`, `ndcg@n`, `map@n`, `pre@n` take a suffix.
LIBRARY_METRICS = (
    "rmse", "rmsle", "mae", "mape", "mphe", "logloss", "error", "merror", "mlogloss", "auc",
    "aucpr", "pre", "ndcg", "map", "poisson-nloglik", "gamma-nloglik", "cox-nloglik",
    "gamma-deviance", "tweedie-nloglik", "aft-nloglik", "interval-regression-accuracy",
    "quantile",
)
_SUFFIXED = ("error@", "ndcg@", "map@", "pre@", "ndcg-", "map-")
# Computed by the container itself on the predictions (sklearn's definitions).
CONTAINER_METRICS = (
    "accuracy", "balanced_accuracy", "f1", "f1_binary", "f1_macro", "mse", "r2", "precision",
    "precision_macro", "precision_micro", "recall", "recall_macro", "recall_micro",
)
_PREFIX = "Unable to initialize the algorithm. Failed to validate input hyperparameters"

SPEC = HyperParameterSpec([
    H("num_round", int, required=True, low=1, tunable=True),
    H("num_class", int, low=2),
    H("objective", str, default="reg:squarederror", allowed=OBJECTIVES),
    H("eval_metric", str),
    H("booster", str, default="gbtree", allowed=("gbtree", "gblinear", "dart")),
    H("verbosity", int, default=1, low=0, high=3),
    H("nthread", int, low=1),
    H("eta", float, default=0.3, low=0, high=1, tunable=True),
    H("gamma", float, default=0, low=0, tunable=True),
    H("max_depth", int, default=6, low=0, tunable=True),
    H("min_child_weight", float, default=1, low=0, tunable=True),
    H("max_delta_step", float, default=0, low=0, tunable=True),
    H("subsample", float, default=1, low=0, high=1, low_open=True, tunable=True),
    H("colsample_bytree", float, default=1, low=0, high=1, low_open=True, tunable=True),
    H("colsample_bylevel", float, default=1, low=0, high=1, low_open=True, tunable=True),
    H("colsample_bynode", float, default=1, low=0, high=1, low_open=True, tunable=True),
    H("lambda", float, default=1, low=0, tunable=True),
    H("alpha", float, default=0, low=0, tunable=True),
    H("tree_method", str, default="auto", allowed=("auto", "exact", "approx", "hist",
                                                   "gpu_hist")),
    H("sketch_eps", float, low=0, high=1, low_open=True, high_open=True),
    H("scale_pos_weight", float, low=0, low_open=True),
    H("updater", str),
    H("dsplit", str, allowed=("row", "col")),
    H("refresh_leaf", int, low=0, high=1),
    H("process_type", str, allowed=("default", "update")),
    H("grow_policy", str, allowed=("depthwise", "lossguide")),
    H("max_leaves", int, low=0),
    H("max_bin", int, low=1),
    H("predictor", str, allowed=("auto", "cpu_predictor", "gpu_predictor")),
    H("sample_type", str, allowed=("uniform", "weighted")),
    H("normalize_type", str, allowed=("tree", "forest")),
    H("rate_drop", float, low=0, high=1),
    H("one_drop", int, low=0, high=1),
    H("skip_drop", float, low=0, high=1),
    H("lambda_bias", float, low=0, high=1),
    H("tweedie_variance_power", float, low=1, high=2, low_open=True, high_open=True),
    H("huber_slope", float, low=0, low_open=True),
    H("quantile_alpha", float, low=0, high=1, low_open=True, high_open=True),
    H("aft_loss_distribution", str, allowed=("normal", "logistic", "extreme")),
    H("aft_loss_distribution_scale", float, low=0, low_open=True),
    H("base_score", float),
    H("seed", int),
    H("seed_per_iteration", bool),
    H("single_precision_histogram", bool),
    H("deterministic_histogram", bool),
    H("sampling_method", str, allowed=("uniform", "gradient_based")),
    H("max_cat_to_onehot", int, low=1),
    H("monotone_constraints", str),
    H("interaction_constraints", str),
    H("early_stopping_rounds", int, low=1),
    H("csv_weights", int, default=0, low=0, high=1),
    H("save_model_on_termination", bool),
    H("use_dask_gpu_training", bool),
    H("_kfold", int, low=2),
    H("_num_cv_round", int, low=1),
])
# Hyperparameters that steer the container, not the booster.
_CONTAINER_ONLY = ("num_round", "num_class", "eval_metric", "early_stopping_rounds",
                   "csv_weights", "save_model_on_termination", "use_dask_gpu_training",
                   "verbosity", "_kfold", "_num_cv_round", "_tuning_objective_metric")


def _known_metric(name: str) -> bool:
    if name in LIBRARY_METRICS or name in CONTAINER_METRICS:
        return True
    return any(name.startswith(prefix) and len(name) > len(prefix) for prefix in _SUFFIXED)


def _metric_list(text: str) -> list[str]:
    names = [m.strip() for m in text.split(",") if m.strip()]
    for name in names:
        if not _known_metric(name):
            raise HyperParameterError(
                f"{_PREFIX}: {name!r} is not a metric XGBoost supports; use one of "
                f"{[*LIBRARY_METRICS, *CONTAINER_METRICS]} (hyperparameter: eval_metric)")
    return names


@dataclass(frozen=True)
class Config:
    values: dict[str, Value]
    eval_metrics: list[str]

    @property
    def objective(self) -> str:
        return str(self.values["objective"])

    @property
    def num_class(self) -> int | None:
        value = self.values.get("num_class")
        return None if value is None else int(value)

    def booster_params(self) -> dict[str, Any]:
        """What `xgboost.train` takes as `params`: the booster's own settings and the
        library's metrics (the container's own are computed beside them)."""
        params: dict[str, Any] = {k: v for k, v in self.values.items()
                                  if k not in _CONTAINER_ONLY and not k.startswith("_")}
        if params.get("objective") == "reg:linear":  # the library's old name
            params["objective"] = "reg:squarederror"
        if self.num_class is not None:
            params["num_class"] = self.num_class
        library = [m for m in self.eval_metrics if m not in CONTAINER_METRICS]
        if library:
            params["eval_metric"] = library
        params["verbosity"] = 0  # the monitor below prints the per-round lines
        return params


def resolve(raw: Mapping[str, str]) -> Config:
    values = SPEC.validate(raw)
    objective = str(values["objective"])
    if objective.startswith("multi:") and "num_class" not in values:
        raise HyperParameterError(
            f"{_PREFIX}: num_class is required with objective {objective!r} "
            "(hyperparameter: num_class)")
    metrics = _metric_list(str(values.get("eval_metric", "")))
    tuning = str(values.get("_tuning_objective_metric", ""))
    # HPO adds its objective's metric (`validation:auc` → auc) as the one to watch (§0.6).
    watched = tuning.partition(":")[2]
    if watched and watched not in metrics:
        metrics = [*metrics, *_metric_list(watched)]
    return Config(values, metrics)
