"""Policy strings with wildcards and policy variables (`s3:Get*`, `arn:aws:s3:::b/${aws:userid}/*`).

A text is tokenized once (cached by text); matching renders it against the request's
condition keys. `*` spans any run (across `/` and `:`), `?` one character; `${key}` and
`${key, 'default'}` expand to the key's value, `${*}`, `${?}`, `${$}` to the literal character.
A variable whose key the request lacks (and has no default) leaves the text unresolved:
it then matches nothing, as AWS treats it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

ContextValue = str | list[str]
Context = Mapping[str, ContextValue]  # keys lower-cased

_TOKEN = re.compile(r"\$\{([^}]*)\}|\*|\?")
_LITERAL_VARIABLES = {"*": "*", "?": "?", "$": "$"}
_DEFAULTED = re.compile(r"^\s*([^,\s]+)\s*,\s*'([^']*)'\s*$")


@dataclass(frozen=True)
class Variable:
    key: str  # lower-cased
    default: str | None


Part = str | Variable  # literal text; the wildcards are the _STAR and _ONE sentinels


class _Wild(str):
    """A wildcard token, told apart from a literal `*` produced by `${*}`."""


_STAR = _Wild("*")
_ONE = _Wild("?")


@lru_cache(maxsize=8192)
def tokenize(text: str, variables: bool) -> tuple[Part, ...]:
    parts: list[Part] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.group(1) is not None and not variables:
            continue  # 2008-10-17 documents take `${...}` literally
        if m.start() > pos:
            parts.append(text[pos : m.start()])
        parts.append(_token(m))
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    return tuple(parts)


def _token(m: re.Match[str]) -> Part:
    inner = m.group(1)
    if inner is None:
        return _STAR if m.group(0) == "*" else _ONE
    if inner in _LITERAL_VARIABLES:
        return _LITERAL_VARIABLES[inner]
    defaulted = _DEFAULTED.match(inner)
    if defaulted:
        return Variable(defaulted.group(1).lower(), defaulted.group(2))
    return Variable(inner.strip().lower(), None)


def _resolve(var: Variable, context: Context) -> str | None:
    value = context.get(var.key)
    if isinstance(value, str):
        return value
    return var.default  # absent, or multi-valued: such keys cannot be variables


def substitute(text: str, context: Context, *, variables: bool = True) -> str | None:
    """The text with its variables expanded (wildcards kept as characters); None if one
    is unresolved."""
    if "${" not in text or not variables:
        return text
    out: list[str] = []
    for part in tokenize(text, variables):
        if isinstance(part, Variable):
            value = _resolve(part, context)
            if value is None:
                return None
            out.append(value)
        else:
            out.append(part)
    return "".join(out)


def _regex(parts: tuple[Part, ...], context: Context) -> str | None:
    out: list[str] = []
    for part in parts:
        if isinstance(part, Variable):
            value = _resolve(part, context)
            if value is None:
                return None
            out.append(re.escape(value))
        elif part is _STAR:
            out.append(".*")
        elif part is _ONE:
            out.append(".")
        else:
            out.append(re.escape(part))
    return "".join(out)


@lru_cache(maxsize=8192)
def _compile(regex: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(regex, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


@dataclass(frozen=True)
class Glob:
    """One wildcard pattern from a policy; `matches` is the hot path of every request."""

    text: str
    ignore_case: bool = False
    variables: bool = True

    def matches(self, value: str, context: Context) -> bool:
        if self.text == "*":
            return True
        parts = tokenize(self.text, self.variables)
        if len(parts) == 1 and isinstance(parts[0], str) and not isinstance(parts[0], _Wild):
            literal = parts[0]
            if self.ignore_case:
                return literal.lower() == value.lower()
            return literal == value
        regex = _regex(parts, context)
        if regex is None:
            return False
        return _compile(regex, self.ignore_case).fullmatch(value) is not None
