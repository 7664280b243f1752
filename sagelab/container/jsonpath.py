"""The JSONPath subset batch transform filters accept (contracts §2.5): `$`, `.name`, `.*`,
`[*]`, `['a','b']`, `[1,3]`, `[-1]`, `[2:5]`, chained (`$.features[1:]`).

A step that selects one thing (a name, one index) yields that value; a step that selects
several (`*`, a list, a slice) yields a list, as SageMaker's filters do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Step = Callable[[Any], Any]

_NAME = re.compile(r"\.([A-Za-z_][A-Za-z0-9_\-]*|\*)")
_BRACKET = re.compile(r"\[([^\]]*)\]")
_SLICE = re.compile(r"\s*(-?\d*)\s*:\s*(-?\d*)\s*")


class JsonPathError(ValueError):
    pass


class FilterError(ValueError):
    """The path does not fit the record (a missing key, an index out of range)."""


def _key(name: str) -> Step:
    def step(value: Any) -> Any:
        if not isinstance(value, dict) or name not in value:
            raise FilterError(f"the record has no member {name!r}")
        return value[name]

    return step


def _all(value: Any) -> Any:
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return list(value)
    raise FilterError("'*' needs an object or an array")


def _index(i: int) -> Step:
    def step(value: Any) -> Any:
        if not isinstance(value, list) or not -len(value) <= i < len(value):
            raise FilterError(f"the record has no element {i}")
        return value[i]

    return step


def _slice(start: int | None, stop: int | None) -> Step:
    def step(value: Any) -> Any:
        if not isinstance(value, list):
            raise FilterError("a slice needs an array")
        return value[start:stop]

    return step


def _many(parts: list[Step]) -> Step:
    return lambda value: [part(value) for part in parts]


def _member(text: str) -> Step:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return _key(text[1:-1])
    try:
        return _index(int(text))
    except ValueError:
        raise JsonPathError(f"{text!r} is neither a quoted name nor an index") from None


def _bracket(inside: str) -> Step:
    if inside.strip() == "*":
        return _all
    sliced = _SLICE.fullmatch(inside)
    if sliced:
        start, stop = (int(b) if b else None for b in sliced.groups())
        return _slice(start, stop)
    parts = [_member(p) for p in inside.split(",")]
    return parts[0] if len(parts) == 1 else _many(parts)


def compile_path(expression: str) -> Step:
    """A function from a record's value to the selected value; JsonPathError if unsupported."""
    text = expression.strip()
    if not text.startswith("$"):
        raise JsonPathError("a path starts with '$'")
    steps: list[Step] = []
    at = 1
    while at < len(text):
        match = _NAME.match(text, at) or _BRACKET.match(text, at)
        if match is None:
            raise JsonPathError(f"unsupported syntax at {text[at:]!r}")
        token = match.group(1)
        if match.re is _NAME:
            steps.append(_all if token == "*" else _key(token))
        else:
            steps.append(_bracket(token))
        at = match.end()

    def apply(value: Any) -> Any:
        for step in steps:
            value = step(value)
        return value

    return apply
