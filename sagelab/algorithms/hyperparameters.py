"""Declarative hyperparameter specs: validate a job's string map and describe it for tuning.

Hyperparameters arrive as strings (reference/algorithms.md §0.3): booleans in any case
(`"True"` from the v2 SDK, `"true"` from the docs), `"auto"` where the algorithm allows it.
The first-party algorithms validate with a JSON schema, so the messages below are worded the
way jsonschema words them, always naming the hyperparameter.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NoReturn

from sagelab.algorithms.errors import HyperParameterError

Value = int | float | str | bool
AUTO = "auto"
_PREFIX = "Unable to initialize the algorithm. Failed to validate input hyperparameters"
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


@dataclass(frozen=True)
class HyperParameter:
    name: str
    kind: type[Value]  # int, float, str or bool
    default: Value | None = None  # None: required, or absent unless given
    required: bool = False
    allowed: tuple[str, ...] = ()  # the values a str parameter may take
    low: float | None = None
    high: float | None = None
    low_open: bool = False  # exclusive lower bound
    high_open: bool = False
    auto: bool = False  # "auto" accepted
    words: tuple[str, ...] = ()  # other literal strings a numeric parameter accepts
    tunable: bool = False

    def parse(self, raw: str) -> Value:
        text = raw.strip()
        if (self.auto and text.lower() == AUTO) or text in self.words:
            return text.lower() if text.lower() == AUTO else text
        if self.kind is bool:
            return self._parse_bool(text)
        if self.kind is str:
            return self._parse_choice(text)
        return self._check_range(self._parse_number(text))

    def describe(self) -> dict[str, object]:
        """The parameter as a tuning range or a documentation row."""
        return {
            "Name": self.name,
            "Type": {int: "Integer", float: "Continuous", bool: "Categorical"}.get(
                self.kind, "Categorical"
            ),
            "Range": {"MinValue": self.low, "MaxValue": self.high},
            "AllowedValues": list(self.allowed) or (["true", "false"] if self.kind is bool else []),
            "IsTunable": self.tunable,
            "IsRequired": self.required,
            "DefaultValue": self.default,
        }

    def _fail(self, problem: str) -> HyperParameterError:
        return HyperParameterError(f"{_PREFIX}: {problem} (hyperparameter: {self.name})")

    def _parse_bool(self, text: str) -> bool:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        return self._raise_choice(text, ["true", "false"])

    def _parse_choice(self, text: str) -> str:
        if self.allowed and text not in self.allowed:
            return self._raise_choice(text, [*self.allowed, *([AUTO] if self.auto else [])])
        return text

    def _raise_choice(self, text: str, choices: list[str]) -> NoReturn:
        raise self._fail(f"{text!r} is not one of {choices}")

    def _parse_number(self, text: str) -> float:
        try:
            number = float(text)
        except ValueError:
            kind = "integer" if self.kind is int else "number"
            raise self._fail(f"{text!r} is not of type '{kind}'") from None
        if not math.isfinite(number) or (self.kind is int and not number.is_integer()):
            kind = "integer" if self.kind is int else "finite number"
            raise self._fail(f"{text!r} is not of type '{kind}'")
        return number

    def _check_range(self, number: float) -> Value:
        shown = int(number) if self.kind is int else number
        if self.low is not None and (number <= self.low if self.low_open else number < self.low):
            word = "less than or equal to" if self.low_open else "less than"
            raise self._fail(f"{shown} is {word} the minimum of {_num(self.low)}")
        if self.high is not None and (
            number >= self.high if self.high_open else number > self.high
        ):
            word = "greater than or equal to" if self.high_open else "greater than"
            raise self._fail(f"{shown} is {word} the maximum of {_num(self.high)}")
        return shown


def _num(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)


class HyperParameterSpec:
    """All hyperparameters of one algorithm. Names starting with `_` are the platform's own
    (`_tuning_objective_metric`, `_kvstore`…) and pass through unvalidated."""

    def __init__(self, params: Iterable[HyperParameter]) -> None:
        self.params = {p.name: p for p in params}

    def validate(self, raw: Mapping[str, str]) -> dict[str, Value]:
        """Parsed values, defaults filled in; `"auto"` stays the string `"auto"`."""
        unknown = sorted(k for k in raw if k not in self.params and not k.startswith("_"))
        if unknown:
            names = ", ".join(repr(k) for k in unknown)
            verb = "was" if len(unknown) == 1 else "were"
            raise HyperParameterError(
                f"{_PREFIX}: Additional properties are not allowed ({names} {verb} unexpected)"
            )
        missing = [p.name for p in self.params.values() if p.required and p.name not in raw]
        if missing:
            names = ", ".join(repr(m) for m in missing)
            raise HyperParameterError(
                f"No value(s) were specified for {names} which are required hyperparameter(s)"
            )
        values: dict[str, Value] = {k: v for k, v in raw.items() if k.startswith("_")}
        for param in self.params.values():
            if param.name in raw:
                values[param.name] = param.parse(raw[param.name])
            elif param.default is not None:
                values[param.name] = param.default
        return values

    def describe(self) -> list[dict[str, object]]:
        return [p.describe() for p in self.params.values()]
