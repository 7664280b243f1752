"""DeepAR's hyperparameters (reference/algorithms.md §3.7), declared once; `resolve` adds the
checks a single parameter's spec cannot express (frequency strings, JSON lists)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sagelab.algorithms.errors import HyperParameterError
from sagelab.algorithms.hyperparameters import (
    _PREFIX,
    AUTO,
    HyperParameter,
    HyperParameterSpec,
    Value,
)

H = HyperParameter
LIKELIHOODS = ("gaussian", "student-T", "negative-binomial", "beta", "deterministic-L1")
IGNORE = "ignore"
_FREQ = re.compile(r"(?P<mult>[1-9]\d*)?(?P<unit>M|W|D|H|min)")
_DEFAULT_QUANTILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]

SPEC = HyperParameterSpec([
    H("time_freq", str, required=True),
    H("context_length", int, required=True, low=1, tunable=True),
    H("prediction_length", int, required=True, low=1),
    H("epochs", int, required=True, low=1, high=1000, tunable=True),
    H("likelihood", str, default="student-T", allowed=LIKELIHOODS),
    H("num_cells", int, default=40, low=1, high=200, tunable=True),
    H("num_layers", int, default=2, low=1, high=8, tunable=True),
    H("dropout_rate", float, default=0.1, low=0, high=1, high_open=True, tunable=True),
    H("learning_rate", float, default=0.001, low=1e-6, high=1, tunable=True),
    H("mini_batch_size", int, default=128, low=1, high=8192, tunable=True),
    H("embedding_dimension", int, default=10, low=1, high=1000, tunable=True),
    H("cardinality", str, default=AUTO),
    H("num_dynamic_feat", str, default=AUTO),
    H("early_stopping_patience", int, low=1),
    H("num_eval_samples", int, default=100, low=1, high=10000),
    H("test_quantiles", str, default=json.dumps(_DEFAULT_QUANTILES)),
])


@dataclass(frozen=True)
class Frequency:
    multiple: int
    unit: str  # M, W, D, H or min

    @classmethod
    def parse(cls, text: str) -> Frequency:
        match = _FREQ.fullmatch(text.strip())
        if match is None:
            raise _invalid("time_freq", f"{text!r} does not match '<int>(M|W|D|H|min)'")
        return cls(int(match["mult"] or 1), match["unit"])

    def __str__(self) -> str:
        return f"{self.multiple if self.multiple > 1 else ''}{self.unit}"


@dataclass(frozen=True)
class Config:
    freq: Frequency
    context_length: int
    prediction_length: int
    epochs: int
    likelihood: str
    num_cells: int
    num_layers: int
    dropout_rate: float
    learning_rate: float
    mini_batch_size: int
    embedding_dimension: int
    cardinality: list[int] | str  # a list, "auto" or "ignore"
    num_dynamic_feat: int | str  # a count, "auto" or "ignore"
    early_stopping_patience: int | None
    num_eval_samples: int
    test_quantiles: list[float]


def _invalid(name: str, problem: str) -> HyperParameterError:
    return HyperParameterError(f"{_PREFIX}: {problem} (hyperparameter: {name})")


def _json_list(name: str, text: str) -> list[Value]:
    try:
        values = json.loads(text)
    except ValueError:
        raise _invalid(name, f"{text!r} is not a JSON list") from None
    if not isinstance(values, list):
        raise _invalid(name, f"{text!r} is not of type 'array'")
    return values


def _cardinality(text: str) -> list[int] | str:
    if text.strip().lower() in (AUTO, IGNORE):
        return text.strip().lower()
    values = _json_list("cardinality", text)
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in values):
        raise _invalid("cardinality", f"{text!r} must list positive integers")
    return [int(v) for v in values]


def _dynamic(text: str) -> int | str:
    if text.strip().lower() in (AUTO, IGNORE):
        return text.strip().lower()
    if not text.strip().isdigit():
        raise _invalid("num_dynamic_feat", f"{text!r} is not 'auto', 'ignore' or an integer")
    return int(text)


def _quantiles(text: str) -> list[float]:
    values = _json_list("test_quantiles", text)
    try:
        quantiles = [float(v) for v in values]
    except (TypeError, ValueError):
        raise _invalid("test_quantiles", f"{text!r} must list numbers") from None
    if not quantiles or not all(0 < q < 1 for q in quantiles):
        raise _invalid("test_quantiles", f"{text!r} must list numbers in (0, 1)")
    return quantiles


def resolve(raw: dict[str, str]) -> Config:
    v = SPEC.validate(raw)
    patience = v.get("early_stopping_patience")
    return Config(
        freq=Frequency.parse(str(v["time_freq"])),
        context_length=int(v["context_length"]),
        prediction_length=int(v["prediction_length"]),
        epochs=int(v["epochs"]),
        likelihood=str(v["likelihood"]),
        num_cells=int(v["num_cells"]),
        num_layers=int(v["num_layers"]),
        dropout_rate=float(v["dropout_rate"]),
        learning_rate=float(v["learning_rate"]),
        mini_batch_size=int(v["mini_batch_size"]),
        embedding_dimension=int(v["embedding_dimension"]),
        cardinality=_cardinality(str(v["cardinality"])),
        num_dynamic_feat=_dynamic(str(v["num_dynamic_feat"])),
        early_stopping_patience=None if patience is None else int(patience),
        num_eval_samples=int(v["num_eval_samples"]),
        test_quantiles=_quantiles(str(v["test_quantiles"])),
    )
