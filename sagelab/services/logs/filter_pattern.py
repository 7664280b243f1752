"""FilterLogEvents' text patterns: terms must all appear (case-sensitive), `"quoted phrases"`
match as one term, `?term` terms match when any of them appears, `-term` excludes.

JSON (`{ ... }`), space-delimited (`[ ... ]`) and regular-expression (`%...%`) patterns are
other syntaxes, answered 501 by the caller.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.logs.errors import InvalidParameter

_OTHER_SYNTAXES = {"{": "JSON", "[": "space-delimited", "%": "regular expression"}


@dataclass(frozen=True)
class TextPattern:
    required: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    def matches(self, message: str) -> bool:
        if any(term in message for term in self.excluded):
            return False
        if self.any_of and not any(term in message for term in self.any_of):
            return False
        return all(term in message for term in self.required)


def parse(pattern: str | None) -> TextPattern:
    """The pattern as terms; an empty one matches every event."""
    text = (pattern or "").strip()
    if not text:
        return TextPattern()
    kind = _OTHER_SYNTAXES.get(text[0])
    if kind:
        raise NotImplementedByUs(
            message=f"FilterLogEvents filterPattern of the {kind} syntax is not implemented "
            "by sagelab; use plain terms, quoted phrases, ?term or -term"
        )
    try:
        terms = shlex.split(text, posix=True)
    except ValueError as exc:
        raise InvalidParameter(message="Invalid character(s) in term") from exc
    return _classify(terms)


def _classify(terms: list[str]) -> TextPattern:
    required: list[str] = []
    any_of: list[str] = []
    excluded: list[str] = []
    for term in terms:
        if term.startswith("?") and len(term) > 1:
            any_of.append(term[1:])
        elif term.startswith("-") and len(term) > 1:
            excluded.append(term[1:])
        else:
            required.append(term)
    return TextPattern(tuple(required), tuple(any_of), tuple(excluded))
