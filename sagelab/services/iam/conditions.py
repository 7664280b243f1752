"""A statement's `Condition` block: operators, `...IfExists`, `ForAnyValue:`/`ForAllValues:`.

Operators are AND-ed, keys within one operator AND-ed, a key's policy values OR-ed. A key the
request lacks makes the condition false, except for negated operators (`StringNotEquals`,
`NotIpAddress`...), `...IfExists` and `ForAllValues:`, which hold; `Null` tests presence.
Key names are case-insensitive (the request context is keyed lower-case).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sagelab.services.iam.patterns import Context, ContextValue, Glob, substitute

# (request value, policy value, context, whether policy variables expand) -> match
Compare = Callable[[str, str, Context, bool], bool]


def _string_equals(value: str, policy: str, ctx: Context, variables: bool) -> bool:
    return substitute(policy, ctx, variables=variables) == value


def _string_equals_ignore_case(value: str, policy: str, ctx: Context, variables: bool) -> bool:
    expected = substitute(policy, ctx, variables=variables)
    return expected is not None and expected.lower() == value.lower()


def _string_like(value: str, policy: str, ctx: Context, variables: bool) -> bool:
    return Glob(policy, variables=variables).matches(value, ctx)


def _arn_like(value: str, policy: str, ctx: Context, variables: bool) -> bool:
    # Each of the six colon-separated parts is matched on its own: `*` stays within a part.
    got, want = value.split(":", 5), policy.split(":", 5)
    if len(got) != 6 or len(want) != 6:
        return False
    return all(Glob(w, variables=variables).matches(g, ctx) for g, w in zip(got, want, strict=True))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _date(text: str) -> float | None:
    number = _number(text)
    if number is not None:
        return number
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def _ordered(parse: Callable[[str], float | None], test: Callable[[float, float], bool]) -> Compare:
    def compare(value: str, policy: str, ctx: Context, variables: bool) -> bool:
        got, want = parse(value), parse(policy)
        return got is not None and want is not None and test(got, want)

    return compare


def _bool(value: str, policy: str, ctx: Context, variables: bool) -> bool:
    return value.lower() == policy.lower()


def _ip(value: str, policy: str, ctx: Context, variables: bool) -> bool:
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(policy, strict=False)
    except ValueError:
        return False


@dataclass(frozen=True)
class Operator:
    compare: Compare
    negated: bool = False


def _family(positive: dict[str, Compare], negative: dict[str, Compare]) -> dict[str, Operator]:
    ops = {name.lower(): Operator(cmp) for name, cmp in positive.items()}
    ops.update({name.lower(): Operator(cmp, negated=True) for name, cmp in negative.items()})
    return ops


def _numeric_family(prefix: str, parse: Callable[[str], float | None]) -> dict[str, Operator]:
    eq = _ordered(parse, lambda a, b: a == b)
    return _family(
        {
            f"{prefix}Equals": eq,
            f"{prefix}LessThan": _ordered(parse, lambda a, b: a < b),
            f"{prefix}LessThanEquals": _ordered(parse, lambda a, b: a <= b),
            f"{prefix}GreaterThan": _ordered(parse, lambda a, b: a > b),
            f"{prefix}GreaterThanEquals": _ordered(parse, lambda a, b: a >= b),
        },
        {f"{prefix}NotEquals": eq},
    )


OPERATORS: dict[str, Operator] = {
    **_family(
        {
            "StringEquals": _string_equals,
            "StringEqualsIgnoreCase": _string_equals_ignore_case,
            "StringLike": _string_like,
            "ArnEquals": _arn_like,
            "ArnLike": _arn_like,
            "Bool": _bool,
            "BinaryEquals": _string_equals,
            "IpAddress": _ip,
        },
        {
            "StringNotEquals": _string_equals,
            "StringNotEqualsIgnoreCase": _string_equals_ignore_case,
            "StringNotLike": _string_like,
            "ArnNotEquals": _arn_like,
            "ArnNotLike": _arn_like,
            "NotIpAddress": _ip,
        },
    ),
    **_numeric_family("Numeric", _number),
    **_numeric_family("Date", _date),
}
_QUALIFIERS = ("forallvalues", "foranyvalue")


@dataclass(frozen=True)
class Condition:
    """One key under one operator, e.g. `StringLike: {"s3:prefix": ["home/", "home/*"]}`."""

    operator: Operator | None  # None for `Null`
    qualifier: str | None  # "forallvalues" | "foranyvalue"
    if_exists: bool
    key: str  # lower-cased
    values: tuple[str, ...]
    variables: bool

    def holds(self, context: Context) -> bool:
        present = context.get(self.key)
        if self.operator is None:
            return any((v.lower() == "true") == (present is None) for v in self.values)
        if present is None:
            return self._when_absent()
        got = [present] if isinstance(present, str) else present
        return self._when_present(got, context)

    def _when_absent(self) -> bool:
        if self.if_exists or self.qualifier == "forallvalues":
            return True
        if self.qualifier == "foranyvalue":
            return False
        return self.operator is not None and self.operator.negated

    def _matches(self, value: str, context: Context) -> bool:
        assert self.operator is not None
        cmp, variables = self.operator.compare, self.variables
        return any(cmp(value, policy, context, variables) for policy in self.values)

    def _when_present(self, got: list[str], context: Context) -> bool:
        assert self.operator is not None
        negated = self.operator.negated
        if self.qualifier == "forallvalues":
            return all(self._matches(v, context) != negated for v in got)
        if self.qualifier == "foranyvalue":
            return any(self._matches(v, context) != negated for v in got)
        found = any(self._matches(v, context) for v in got)
        return found != negated


class UnknownOperator(ValueError):
    pass


def _split_operator(name: str) -> tuple[str | None, str, bool]:
    lowered = name.lower()
    qualifier = None
    head, sep, rest = lowered.partition(":")
    if sep:
        if head not in _QUALIFIERS:
            raise UnknownOperator(name)
        qualifier, lowered = head, rest
    if_exists = lowered.endswith("ifexists") and lowered != "ifexists"
    return qualifier, lowered.removesuffix("ifexists") if if_exists else lowered, if_exists


def _values(raw: Any) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [raw]
    return tuple(_text(v) for v in items)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise ValueError(f"unsupported condition value {value!r}")


def parse_block(block: Mapping[str, Any], *, variables: bool) -> tuple[Condition, ...]:
    """The parsed `Condition` element; UnknownOperator or ValueError when malformed."""
    out: list[Condition] = []
    for name, keys in block.items():
        qualifier, base, if_exists = _split_operator(name)
        operator = None if base == "null" else OPERATORS.get(base)
        if base != "null" and operator is None:
            raise UnknownOperator(name)
        if not isinstance(keys, Mapping):
            raise ValueError(f"condition {name} must map keys to values")
        for key, raw in keys.items():
            out.append(
                Condition(operator, qualifier, if_exists, key.lower(), _values(raw), variables)
            )
    return tuple(out)


def all_hold(conditions: tuple[Condition, ...], context: Mapping[str, ContextValue]) -> bool:
    return all(c.holds(context) for c in conditions)
