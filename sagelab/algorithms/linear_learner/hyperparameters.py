"""Linear Learner's hyperparameters (reference/algorithms.md §2.2) and their resolution into
one typed configuration: `auto` becomes a concrete value or "vary across models"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sagelab.algorithms.errors import HyperParameterError
from sagelab.algorithms.hyperparameters import AUTO, HyperParameter, HyperParameterSpec, Value

H = HyperParameter
PREDICTOR_TYPES = ("binary_classifier", "multiclass_classifier", "regressor")
REGRESSION_LOSSES = (
    "squared_loss", "absolute_loss", "eps_insensitive_squared_loss",
    "eps_insensitive_absolute_loss", "quantile_loss", "huber_loss",
)
LOSSES_FOR = {
    "regressor": REGRESSION_LOSSES,
    "binary_classifier": ("logistic", "hinge_loss"),
    "multiclass_classifier": ("softmax_loss",),
}
CRITERIA = (
    "accuracy", "f_beta", "precision_at_target_recall", "recall_at_target_precision",
    "loss_function", "f1", "cross_entropy_loss",
)
DEFAULT_NUM_MODELS = 32

SPEC = HyperParameterSpec([
    H("predictor_type", str, required=True, allowed=PREDICTOR_TYPES),
    H("feature_dim", int, default=AUTO, auto=True, low=0, low_open=True),
    H("num_classes", int, default=1, low=1, high=1_000_000),
    H("mini_batch_size", int, default=1000, low=0, low_open=True, tunable=True),
    H("epochs", int, default=15, low=0, low_open=True),
    H("num_models", int, default=AUTO, auto=True, low=0, low_open=True),
    H("loss", str, default=AUTO, auto=True,
      allowed=(*REGRESSION_LOSSES, "logistic", "hinge_loss", "softmax_loss")),
    H("binary_classifier_model_selection_criteria", str, default="accuracy", allowed=CRITERIA),
    H("target_recall", float, default=0.8, low=0, high=1, low_open=True, high_open=True),
    H("target_precision", float, default=0.8, low=0, high=1, low_open=True, high_open=True),
    H("positive_example_weight_mult", float, default=1.0, auto=True, words=("balanced",),
      low=0, low_open=True, tunable=True),
    H("balance_multiclass_weights", bool, default=False),
    H("accuracy_top_k", int, default=3, low=1, high=1_000_000),
    H("f_beta", float, default=1.0, low=0, low_open=True),
    H("use_bias", bool, default=True, tunable=True),
    H("init_method", str, default="uniform", allowed=("uniform", "normal")),
    H("init_scale", float, default=0.07, low=0, low_open=True),
    H("init_sigma", float, default=0.01, low=0, low_open=True),
    H("init_bias", float, default=0.0),
    H("optimizer", str, default=AUTO, auto=True, allowed=("sgd", "adam", "rmsprop")),
    H("learning_rate", float, default=AUTO, auto=True, low=0, low_open=True, tunable=True),
    H("wd", float, default=AUTO, auto=True, low=0, tunable=True),
    H("l1", float, default=AUTO, auto=True, low=0, tunable=True),
    H("momentum", float, default=AUTO, auto=True, low=0, high=1, high_open=True),
    H("beta_1", float, default=AUTO, auto=True, low=0, high=1, high_open=True),
    H("beta_2", float, default=AUTO, auto=True, low=0, high=1, high_open=True),
    H("bias_lr_mult", float, default=AUTO, auto=True, low=0, low_open=True),
    H("bias_wd_mult", float, default=AUTO, auto=True, low=0),
    H("use_lr_scheduler", bool, default=True),
    H("lr_scheduler_step", int, default=AUTO, auto=True, low=0, low_open=True),
    H("lr_scheduler_factor", float, default=AUTO, auto=True, low=0, high=1, low_open=True,
      high_open=True),
    H("lr_scheduler_minimum_lr", float, default=AUTO, auto=True, low=0, low_open=True),
    H("normalize_data", bool, default=True, auto=True),
    H("normalize_label", bool, default=AUTO, auto=True),
    H("unbias_data", bool, default=AUTO, auto=True),
    H("unbias_label", bool, default=AUTO, auto=True),
    H("num_point_for_scaler", int, default=10_000, low=0, low_open=True),
    H("num_calibration_samples", int, default=AUTO, auto=True, low=0, low_open=True),
    H("margin", float, default=1.0, low=0),
    H("quantile", float, default=0.5, low=0, high=1, low_open=True, high_open=True),
    H("loss_insensitivity", float, default=0.01, low=0, low_open=True),
    H("huber_delta", float, default=1.0, low=0),
    H("early_stopping_patience", int, default=3, low=0, low_open=True),
    H("early_stopping_tolerance", float, default=0.001, low=0, low_open=True),
])

# The 2018 container's concrete values for `auto` (reference §2.2).
_AUTO_DEFAULTS: dict[str, Value] = {
    "momentum": 0.0, "beta_1": 0.9, "beta_2": 0.999, "bias_lr_mult": 10.0, "bias_wd_mult": 0.0,
    "lr_scheduler_step": 100, "lr_scheduler_factor": 0.99, "lr_scheduler_minimum_lr": 1e-5,
    "num_calibration_samples": 10_000_000,
}
# Criteria the SDK still accepts under their older names.
_CRITERIA_ALIASES = {"f1": "f_beta", "cross_entropy_loss": "loss_function"}


@dataclass(frozen=True)
class Config:
    """Resolved hyperparameters. `None` for learning_rate/wd/l1/positive weight means
    "auto": each of the models gets its own value (see ensemble.draw_model_settings)."""

    predictor_type: str
    loss: str
    num_classes: int
    feature_dim: int | None
    mini_batch_size: int
    epochs: int
    num_models: int
    criterion: str
    optimizer: str
    learning_rate: float | None
    wd: float | None
    l1: float | None
    positive_weight: float | str | None  # a multiplier, "balanced", or None (auto)
    normalize_label: bool
    unbias_data: bool
    unbias_label: bool
    values: dict[str, Any]  # every parsed hyperparameter, `auto`s resolved where fixed

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def _loss(values: dict[str, Value], predictor: str) -> str:
    loss = str(values["loss"])
    allowed = LOSSES_FOR[predictor]
    if loss == AUTO:
        return allowed[0]
    if loss not in allowed:
        raise HyperParameterError(
            f"Unable to initialize the algorithm. Failed to validate input hyperparameters: "
            f"loss {loss!r} is not valid for predictor_type {predictor!r}; "
            f"use one of {list(allowed)} (hyperparameter: loss)"
        )
    return loss


def _num_classes(values: dict[str, Value], predictor: str) -> int:
    num_classes = int(values["num_classes"])
    if predictor == "multiclass_classifier" and num_classes < 3:
        raise HyperParameterError(
            "Unable to initialize the algorithm. Failed to validate input hyperparameters: "
            "num_classes must be at least 3 when predictor_type is 'multiclass_classifier' "
            f"(got {num_classes}) (hyperparameter: num_classes)"
        )
    return num_classes if predictor == "multiclass_classifier" else 1


def _auto(values: dict[str, Value], name: str) -> float | None:
    value = values[name]
    return None if value == AUTO else float(value)


def _flag(values: dict[str, Value], name: str, auto: bool) -> bool:
    value = values[name]
    return auto if value == AUTO else bool(value)


def resolve(raw: dict[str, str]) -> Config:
    values = SPEC.validate(raw)
    predictor = str(values["predictor_type"])
    for name, default in _AUTO_DEFAULTS.items():
        if values[name] == AUTO:
            values[name] = default
    use_bias = bool(values["use_bias"])
    under_tuning = "_tuning_objective_metric" in raw
    num_models = values["num_models"]
    weight = values["positive_example_weight_mult"]
    return Config(
        predictor_type=predictor,
        loss=_loss(values, predictor),
        num_classes=_num_classes(values, predictor),
        feature_dim=None if values["feature_dim"] == AUTO else int(values["feature_dim"]),
        mini_batch_size=int(values["mini_batch_size"]),
        epochs=int(values["epochs"]),
        # HPO compares single models, so the real algorithm trains exactly one (§0.6).
        num_models=1 if under_tuning else (
            DEFAULT_NUM_MODELS if num_models == AUTO else int(num_models)
        ),
        criterion=_CRITERIA_ALIASES.get(str(values["binary_classifier_model_selection_criteria"]),
                                        str(values["binary_classifier_model_selection_criteria"])),
        optimizer="adam" if values["optimizer"] == AUTO else str(values["optimizer"]),
        learning_rate=_auto(values, "learning_rate"),
        wd=_auto(values, "wd"),
        l1=_auto(values, "l1"),
        positive_weight=None if weight == AUTO else (
            weight if isinstance(weight, str) else float(weight)
        ),
        normalize_label=_flag(values, "normalize_label", predictor == "regressor"),
        unbias_data=_flag(values, "unbias_data", use_bias),
        unbias_label=_flag(values, "unbias_label", use_bias and predictor == "regressor"),
        values=values,
    )
