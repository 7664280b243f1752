"""Server-side checks of a request's params against the operation's input shape.

botocore checks only required members, types and minimum lengths, and not at all with
`parameter_validation=False`; maximum lengths, patterns, enums and ranges are the service's
job. This module words the failures as AWS does:

    2 validation errors detected: Value 'a_b' at 'trainingJobName' failed to satisfy
    constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62};
    Value null at 'roleArn' failed to satisfy constraint: Member must not be null

Paths are camelCased member names; list elements read `inputDataConfig.1.member.channelName`
and map entries holding structures `requestItems.<key>.member.keys`. A list or map of plain
values is judged whole: `Value '{k=v}' at 'hyperParameters' failed to satisfy constraint: Map
value must satisfy constraint: [<every constraint of the value shape>]`.

Model patterns are Java regexes that the service matches against the whole value; they are
translated once to Python (`\\p{L}`, surrogate pairs, `\\z`...) and run with `re.fullmatch`.
A message shows the pattern as the model states it: the anchors SageMaker shows (`^…`, `^…$`)
were stripped from botocore's copy in 2025 and come back through `model_patches.json`.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Literal
from weakref import WeakKeyDictionary

from botocore.model import OperationModel, ServiceModel, Shape

from sagelab.gateway.errors import ValidationError

Style = Literal["json", "query", "rest-json", "s3"]

_CODES: dict[str, str] = {
    "json": "ValidationException",
    "query": "ValidationError",
    "rest-json": "ValidationError",  # sagemaker-runtime answers this code
}

# AWS stops listing after this many; the count still says how many there were. The exact
# cap is not documented: 10 is an assumption.
MAX_LISTED = 10

_PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "boolean": (bool,),
    "blob": (bytes, bytearray, memoryview, str),
    "timestamp": (datetime, int, float, str),
    "structure": (dict,),
    "map": (dict,),
    "list": (list, tuple),
}
_CONTAINERS = frozenset({"structure", "list", "map"})


def validate(op: OperationModel, params: dict[str, Any], *, style: Style) -> None:
    """Raise `ValidationError` when `params` break the constraints of `op`'s input shape."""
    shape = op.input_shape
    if shape is None:
        return
    if style == "s3":
        _check_s3(shape, params)
        return
    errors = _walker(op.service_model).structure(shape, params, "")
    if errors:
        raise ValidationError(_CODES[style], _message(errors))


def _message(errors: list[str]) -> str:
    count = len(errors)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(errors[:MAX_LISTED])


# -- Java regex → Python ---------------------------------------------------------------------

_POSIX: dict[str, str] = {
    "Alnum": "a-zA-Z0-9",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "ASCII": "\\x00-\\x7f",
    "Print": "\\x20-\\x7e",
    "Graph": "\\x21-\\x7e",
    "Punct": "!-/:-@\\[-`{-~",
    "Space": " \\t\\n\\x0b\\f\\r",
}
_TOKEN = re.compile(
    r"\\p\{(?P<prop>\w+)\}"
    r"|\\u(?P<high>[dD][89abAB][0-9a-fA-F]{2})\\u(?P<low>[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?P<anchor>[$^])\{\d+(?:,\d*)?\}"  # Java lets an anchor be quantified; it means the anchor
    r"|\\.|.",
    re.DOTALL,
)
_CLASS_ESCAPES = frozenset({"\\w", "\\W", "\\d", "\\D", "\\s", "\\S"})


@cache
def _category_table() -> dict[str, list[tuple[int, int]]]:
    """Code point ranges per two-letter Unicode general category (one scan, then kept)."""
    table: dict[str, list[tuple[int, int]]] = {}
    start, current = 0, unicodedata.category("\0")
    for cp in range(1, sys.maxunicode + 2):
        cat = unicodedata.category(chr(cp)) if cp <= sys.maxunicode else ""
        if cat != current:
            table.setdefault(current, []).append((start, cp - 1))
            start, current = cp, cat
    return table


@cache
def _property_class(name: str) -> str:
    """The body of a character class for Java's `\\p{name}`."""
    if name in _POSIX:
        return _POSIX[name]
    ranges = sorted(r for cat, rs in _category_table().items() if cat.startswith(name) for r in rs)
    if not ranges:
        raise re.error(f"unknown property {name}")
    return "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges)


def _translate_token(m: re.Match[str], in_class: bool, prev: str) -> str:
    text = m.group(0)
    if m.group("prop"):
        body = _property_class(m.group("prop"))
        return body if in_class else f"[{body}]"
    if m.group("high"):
        pair = chr(int(m.group("high"), 16)) + chr(int(m.group("low"), 16))
        code = ord(pair.encode("utf-16-le", "surrogatepass").decode("utf-16-le"))
        return f"\\U{code:08x}"
    if m.group("anchor"):
        return m.group("anchor")
    if text == "\\z":
        return "\\Z"
    if text == "-" and in_class and (prev in _CLASS_ESCAPES or prev.startswith("\\p")):
        return "\\-"  # Java reads `[\w-_]` as a literal dash; Python refuses it
    return text


def java_regex(pattern: str) -> re.Pattern[str]:
    """Compile a model's (Java) pattern for `fullmatch`; ASCII like Java's `\\w`, `\\d`."""
    out: list[str] = []
    depth, prev = 0, ""
    for m in _TOKEN.finditer(pattern):
        out.append(_translate_token(m, depth > 0, prev))
        prev = m.group(0)
        if prev == "[":
            depth += 1
        elif prev == "]" and depth:
            depth -= 1
    return re.compile("".join(out), re.ASCII)


# -- per-shape rules, compiled once per model ------------------------------------------------


@dataclass(frozen=True)
class _Check:
    wording: str
    fails: Callable[[Any], bool]


@dataclass(frozen=True)
class _Rules:
    direct: tuple[_Check, ...]  # the order AWS lists one value's failures in
    bracket: str  # every constraint, as a `[...]` list for collections of plain values

    def failures(self, value: Any) -> list[str]:
        return [c.wording for c in self.direct if c.fails(value)]


def _java_length(value: Any) -> int:
    # Java counts UTF-16 code units.
    if isinstance(value, str) and not value.isascii():
        return len(value.encode("utf-16-le")) // 2
    return len(value)


def _number(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)


def _length_checks(shape: Shape) -> list[_Check]:
    if shape.type_name not in {"string", "blob", "list", "map"}:
        return []
    checks = []
    lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
    if hi is not None:
        checks.append(
            _Check(
                f"Member must have length less than or equal to {_number(hi)}",
                lambda v: _sized(v) and _java_length(v) > hi,
            )
        )
    if lo is not None:
        checks.append(
            _Check(
                f"Member must have length greater than or equal to {_number(lo)}",
                lambda v: _sized(v) and _java_length(v) < lo,
            )
        )
    return checks


def _sized(value: Any) -> bool:
    return isinstance(value, str | bytes | bytearray | list | tuple | dict)


def _value_checks(shape: Shape) -> list[_Check]:
    if shape.type_name not in {"integer", "long", "float", "double"}:
        return []
    checks = []
    lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
    if hi is not None:
        checks.append(
            _Check(f"Member must have value less than or equal to {_number(hi)}", lambda v: v > hi)
        )
    if lo is not None:
        checks.append(
            _Check(
                f"Member must have value greater than or equal to {_number(lo)}", lambda v: v < lo
            )
        )
    return checks


def _pattern_check(shape: Shape) -> list[_Check]:
    pattern = shape.metadata.get("pattern")
    if shape.type_name != "string" or pattern is None:
        return []
    try:
        compiled = java_regex(pattern)
    except re.error:
        return []  # an untranslatable pattern is skipped rather than refusing every request
    return [
        _Check(
            f"Member must satisfy regular expression pattern: {pattern}",
            lambda v: compiled.fullmatch(v) is None,
        )
    ]


def _enum_check(shape: Shape) -> list[_Check]:
    allowed: list[str] = shape.metadata.get("enum") or []
    if not allowed:
        return []
    members = frozenset(allowed)
    return [
        _Check(
            f"Member must satisfy enum value set: [{', '.join(allowed)}]",
            lambda v: v not in members,
        )
    ]


def _compile_rules(shape: Shape) -> _Rules:
    length, pattern = _length_checks(shape), _pattern_check(shape)
    enum, value = _enum_check(shape), _value_checks(shape)
    listed = [*length, *pattern, *enum, *value]
    return _Rules(
        direct=(*pattern, *enum, *length, *value),
        bracket="[" + ", ".join(c.wording for c in listed) + "]",
    )


# -- the walk ----------------------------------------------------------------------------------


def _render(value: Any) -> str:
    """A value as the service's Java `toString` shows it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _error(shape: Shape, value: Any, path: str, wording: str) -> str:
    if value is None:
        shown = " null"
    elif shape.metadata.get("sensitive") or isinstance(value, bytes | bytearray | memoryview):
        shown = ""  # AWS never echoes secrets or raw bytes
    else:
        shown = f" '{_render(value)}'"
    return f"Value{shown} at '{path}' failed to satisfy constraint: {wording}"


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _well_typed(shape: Shape, value: Any) -> bool:
    if shape.metadata.get("document") or shape.serialization.get("streaming"):
        return True
    if isinstance(value, bool) and shape.type_name != "boolean":
        return False
    return isinstance(value, _PY_TYPES.get(shape.type_name, (object,)))


class _Walker:
    """Collects the failures of one model's shapes; rules are compiled once per shape name."""

    def __init__(self) -> None:
        self.rules: dict[str, _Rules] = {}

    def _rules(self, shape: Shape) -> _Rules:
        rules = self.rules.get(shape.name)
        if rules is None:
            rules = self.rules[shape.name] = _compile_rules(shape)
        return rules

    def value(self, shape: Shape, value: Any, path: str) -> list[str]:
        if value is None:
            return [_error(shape, None, path, "Member must not be null")]
        if not _well_typed(shape, value):
            return [_error(shape, value, path, f"Member must be of type {shape.type_name}")]
        errors = [_error(shape, value, path, w) for w in self._rules(shape).failures(value)]
        if shape.type_name == "structure":
            errors += self.structure(shape, value, path)
        elif shape.type_name == "list":
            errors += self._list(shape, value, path)
        elif shape.type_name == "map":
            errors += self._map(shape, value, path)
        return errors

    def structure(self, shape: Shape, value: dict[str, Any], path: str) -> list[str]:
        errors: list[str] = []
        required = set(shape.required_members)
        for name, member in shape.members.items():
            item = value.get(name)
            if item is None and name not in required:
                continue
            errors += self.value(member, item, f"{path}.{_camel(name)}" if path else _camel(name))
        return errors

    def _list(self, shape: Shape, items: list[Any], path: str) -> list[str]:
        member = shape.member
        if member.type_name in _CONTAINERS or any(i is None for i in items):
            errors: list[str] = []
            for index, item in enumerate(items, 1):
                errors += self.value(member, item, f"{path}.{index}.member")
            return errors
        return self._plain_values(shape, member, items, "Member", path)

    def _map(self, shape: Shape, entries: dict[Any, Any], path: str) -> list[str]:
        errors = self._plain_values(shape, shape.key, entries, "Map keys", path, keys=True)
        if shape.value.type_name in _CONTAINERS:
            for key, item in entries.items():
                errors += self.value(shape.value, item, f"{path}.{key}.member")
        else:
            errors += self._plain_values(shape, shape.value, entries, "Map value", path)
        return errors

    def _plain_values(
        self,
        shape: Shape,
        member: Shape,
        whole: list[Any] | dict[Any, Any],
        label: str,
        path: str,
        keys: bool = False,
    ) -> list[str]:
        """One error for the whole collection when any of its plain values breaks a rule."""
        values = list(whole) if keys or isinstance(whole, list | tuple) else list(whole.values())
        for item in values:
            if not _well_typed(member, item) or item is None:
                return [_error(shape, whole, path, f"{label} must be of type {member.type_name}")]
        rules = self._rules(member)
        if any(rules.failures(item) for item in values):
            return [_error(shape, whole, path, f"{label} must satisfy constraint: {rules.bracket}")]
        return []


_WALKERS: WeakKeyDictionary[ServiceModel, _Walker] = WeakKeyDictionary()


def _walker(model: ServiceModel) -> _Walker:
    walker = _WALKERS.get(model)
    if walker is None:
        walker = _WALKERS[model] = _Walker()
    return walker


# -- S3 ------------------------------------------------------------------------------------


def _missing(shape: Shape, value: Any) -> Iterator[Shape]:
    """Required members absent anywhere under `value`, as the shapes naming them."""
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if value.get(name) is None:
                if name in shape.required_members:
                    yield member
            else:
                yield from _missing(member, value[name])
    elif shape.type_name == "list" and isinstance(value, list | tuple):
        for item in value:
            yield from _missing(shape.member, item)


def _check_s3(shape: Shape, params: dict[str, Any]) -> None:
    """S3 words no constraint failures; it refuses a request missing what it needs."""
    member = next(_missing(shape, params), None)
    if member is None:
        return
    location = member.serialization.get("location")
    if location in {"header", "querystring"}:
        what = "header" if location == "header" else "parameter"
        name = member.serialization.get("name", member.name)
        raise ValidationError("InvalidRequest", f"Missing required {what} for this request: {name}")
    raise ValidationError(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
    )
